package organisers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Answers to a field the form no longer has stay stored, and the list and
// the CSV show them after the current fields as a former field; a removed
// field nobody answered shows nowhere.
func TestFormerFieldsShowTheirAnswers(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Former "+fmt.Sprint(seq.Add(1)), `{"type": "object", "properties": {
		"diet": {"type": "string", "label": "Ernährung"}, "unused": {"type": "string", "label": "Nie beantwortet"},
		"shirt": {"type": "string", "label": "T-Shirt"}}}`)
	register(t, app, ev, testRegistration{Name: "Frieda Früher", Status: "confirmed", Confirmed: at(1), Data: `{"diet": "vegan", "shirt": "M"}`})
	if _, err := app.Pool.Exec(context.Background(), `UPDATE events SET registration_schema =
		'{"type": "object", "properties": {"shirt": {"type": "string", "label": "T-Shirt"}}}' WHERE id = $1`, ev.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := app.ClientWith(t, "get_participants")

	page := app.Get(t, c, fmt.Sprintf("/events/%d/participants/", ev.ID))
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page.Body, "Früheres Feld: Ernährung", "vegan", "T-Shirt")
	wantNotContains(t, page.Body, "Nie beantwortet")

	csv := app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID))
	wantStatus(t, csv, http.StatusOK)
	header := strings.SplitN(csv.Body, "\r\n", 2)[0]
	if !strings.Contains(header, "Früheres Feld: Ernährung") || strings.Index(header, "T-Shirt") > strings.Index(header, "Früheres Feld") {
		t.Errorf("CSV header %q: want the former field after the current ones", header)
	}
	if !strings.Contains(csv.Body, "vegan") {
		t.Error("the CSV lacks the former field's answer")
	}
}
