package organisers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The door's search finds a person the way the admin's person search
// does: every word, in any order, in the name or the address, ignoring case
// and accents; LIKE's wildcards are only themselves.
func TestDoorSearchMatchesEveryWordWithoutAccents(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerfest", checkinSchema)
	other := newEvent(t, app, "Anderes Fest", checkinSchema)
	register(t, app, ev, testRegistration{Name: "Jürgen Müller-Lüdenscheidt", Email: "jm@example.org", Status: "confirmed", Confirmed: at(1)})
	register(t, app, ev, testRegistration{Name: "Anna Maria Schmidt", Status: "confirmed", Confirmed: at(2)})
	register(t, app, ev, testRegistration{Name: "Zoë 100%_sicher", Status: "confirmed", Confirmed: at(3)})
	register(t, app, other, testRegistration{Name: "Jürgen Müller", Status: "confirmed", Confirmed: at(1)})
	door, _ := app.ClientWith(t, "event_checkin")
	path := fmt.Sprintf("/events/%d/checkin/search", ev.ID)

	hits := func(q string) []string {
		t.Helper()
		resp := app.Get(t, door, path+"?q="+url.QueryEscape(q), "HX-Request", "true")
		wantStatus(t, resp, http.StatusOK)
		var names []string
		for _, name := range []string{"Jürgen Müller-Lüdenscheidt", "Anna Maria Schmidt", "Zoë 100%_sicher", "Jürgen Müller<"} {
			if strings.Contains(resp.Body, name) {
				names = append(names, name)
			}
		}
		return names
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"muller", []string{"Jürgen Müller-Lüdenscheidt"}},
		{"mueller luedenscheidt", []string{"Jürgen Müller-Lüdenscheidt"}},
		{"LÜDENSCHEIDT jürgen", []string{"Jürgen Müller-Lüdenscheidt"}},
		{"anna schmidt", []string{"Anna Maria Schmidt"}},
		{"schmidt anna", []string{"Anna Maria Schmidt"}},
		{"jm@example", []string{"Jürgen Müller-Lüdenscheidt"}},
		{"zoe", []string{"Zoë 100%_sicher"}},
		{"100%", []string{"Zoë 100%_sicher"}},
		{"%", []string{"Zoë 100%_sicher"}},
		{"％", []string{"Zoë 100%_sicher"}},
		{"_", []string{"Zoë 100%_sicher"}},
		{"anna müller", nil},
		{"a_na", nil},
		{"ａｎｎａ", []string{"Anna Maria Schmidt"}},
		{"\u0301", nil},
		{"schmidt \u0301", []string{"Anna Maria Schmidt"}},
	} {
		if got := hits(tt.q); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("search %q found %q, want %q", tt.q, got, tt.want)
		}
	}
}
