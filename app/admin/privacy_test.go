package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// An event keeps its answers for a period of its own: written as the
// RETAIN_* variables are, empty for the default, anything else refused
// with a message and nothing saved.
func TestEventRetentionPeriod(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("retain")
	form := eventForm("Retain "+tag, 0)
	form.Set("retain_registrations", "6mo")
	wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusSeeOther)
	id := scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, "Retain "+tag)
	if got := scalar[string](t, app, `SELECT retain_registrations::text FROM events WHERE id = $1`, id); got != "6 mons" {
		t.Fatalf("stored %q, want six months", got)
	}
	resp := app.Get(t, c, fmt.Sprintf("/admin/events/%d", id))
	wantBody(t, resp, `name="retain_registrations"`, `value="6mo"`, "(1y)")

	for _, bad := range []string{"6 Monate", "0d", "-3mo", "12", "9999999y"} {
		form := eventForm("Retain "+tag, 1)
		form.Set("retain_registrations", bad)
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-retain_registrations"`, "90d")
		if got := scalar[string](t, app, `SELECT retain_registrations::text FROM events WHERE id = $1`, id); got != "6 mons" {
			t.Fatalf("%q changed the period to %q", bad, got)
		}
	}
	form = eventForm("Retain "+tag, 1)
	form.Set("retain_registrations", " ")
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form), http.StatusSeeOther)
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE id = $1 AND retain_registrations IS NULL`, id); n != 1 {
		t.Fatal("an empty period did not go back to the default")
	}
}

// The record of processing lists every registered domain's data with the
// configured periods, and what the purge takes in the next 30 days;
// only persons' admins see it.
func TestPrivacyPage(t *testing.T) {
	app := apptest.Start(t, apptest.Env("RETAIN_MAIL", "30d"))
	exec(t, app, `INSERT INTO audit_log (at, actor, table_name, row_id, field, old_value, new_value)
		VALUES (now() - interval '3 years' + interval '10 days', 'x', 'persons', 'privacy-page', 'name', 'A', 'B')`)
	c, _ := app.ClientWith(t, "person_admin")
	for lang, wants := range map[string][]string{
		"de": {"Verzeichnis der Verarbeitungstätigkeiten", "30 Tage nach dem Versand", "registrations",
			// Table names break after their underscores.
			"mail_<wbr>outbox", "audit_<wbr>log", "persons, person_<wbr>search_<wbr>words", "RETAIN_REGISTRATIONS", "1y (1 Jahr)", "Werte im Änderungsprotokoll", "data-print"},
		"en": {"Record of processing activities", "30 days after sending", "Values in the audit log", "1y (1 year)"},
	} {
		resp := app.Get(t, c, "/admin/privacy", "Accept-Language", lang)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, wants...)
	}
	resp := app.Get(t, c, "/admin/privacy")
	i := strings.Index(resp.Body, `data-category="audit"`)
	if i < 0 || !strings.Contains(resp.Body[i:i+200], "data-count>") || strings.Contains(resp.Body[i:i+200], "data-count>0<") {
		t.Errorf("the audit value due in ten days is not counted:\n%s", resp.Body[max(i, 0):max(i, 0)+200])
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE row_id = 'privacy-page' AND old_value = 'A'`); n != 1 {
		t.Fatal("looking at the page purged something")
	}
	other, _ := app.ClientWith(t, "event_admin")
	wantStatus(t, app.Get(t, other, "/admin/privacy"), http.StatusForbidden)
	idx := app.Get(t, c, "/admin/")
	wantBody(t, idx, `data-testid="table-privacy"`)
}
