package organisers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The organiser's mail names the event in each recipient's language: its
// English name for those who read English, the German for the others; the
// preview shows both as they arrive. The organiser's page stays German.
func TestWriteMailNamesTheEventInEachLanguage(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", testSchema)
	if _, err := app.Pool.Exec(context.Background(), `UPDATE events SET name_en = 'Graduation party' WHERE id = $1`, ev.ID); err != nil {
		t.Fatal(err)
	}
	anna := register(t, app, ev, testRegistration{Name: "Anna Deutsch", Status: "confirmed", Confirmed: at(1)})
	ben := register(t, app, ev, testRegistration{Name: "Ben English", Lang: "en", Status: "confirmed", Confirmed: at(2)})
	c, _ := app.ClientWith(t, "write_email", "get_participants")

	preview := writeDraft(t, app, c, ev, mailFields("confirmed"))
	resp := app.Get(t, c, preview)
	wantStatus(t, resp, http.StatusOK)
	p := parsePage(t, resp.Body)
	wantContains(t, p.text(t, "preview-text"), "die sich zu „Absolventenfeier“ angemeldet haben")
	if others := p.all("preview-other"); len(others) != 1 {
		t.Fatalf("%d other languages previewed, want English", len(others))
	} else {
		wantContains(t, textOf(others[0]), "people who registered for “Graduation party”")
		wantNotContains(t, textOf(others[0]), "Absolventenfeier")
	}

	wantStatus(t, send(t, app, c, preview), http.StatusSeeOther)
	for _, tt := range []struct {
		who           string
		email         string
		want, wantNot string
	}{
		{"Anna", anna.Email, "die sich zu „Absolventenfeier“ angemeldet haben", "Graduation party"},
		{"Ben", ben.Email, "people who registered for “Graduation party”", "Absolventenfeier"},
	} {
		m := app.SMTP.WaitTo(t, tt.email, 1, mailWait)[0]
		if !strings.Contains(m.Text, tt.want) || strings.Contains(m.Text, tt.wantNot) {
			t.Errorf("%s's mail lacks %q or names %q:\n%s", tt.who, tt.want, tt.wantNot, m.Text)
		}
	}
}
