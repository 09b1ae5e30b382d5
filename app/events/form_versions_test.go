package events_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A registration keeps the version of the form it was answered with: once
// its answers can no longer change, its page shows the questions they
// answered, also after the organisers changed the form.
func TestOldAnswersShowWithTheirQuestions(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "summer-academy.json"})
	email := unique("version") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, ev.regPath(), "Alte Antworten", email, url.Values{"phone": {"0231 755"}, "intolerances": {"Nüsse"}})
	link := lastLink(t, app, email)
	post(t, app, c, link, "action", "confirm")

	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := app.Pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE events SET registration_schema = '{"type": "object", "properties": {"shirt": {"type": "string", "label": "T-Shirt-Größe"}}}' WHERE id = $1`, ev.id)
	var versions, answered, current int
	if err := app.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM event_form_versions WHERE event_id = $1),
		(SELECT form_version FROM registrations WHERE event_id = $1), (SELECT form_version FROM events WHERE id = $1)`, ev.id).
		Scan(&versions, &answered, &current); err != nil {
		t.Fatal(err)
	}
	if versions != 2 || answered != 1 || current != 2 {
		t.Errorf("%d versions kept, the registration answered version %d, the form is at %d; want 2, 1, 2", versions, answered, current)
	}

	// While answers may change, the page asks the current questions; the
	// old answers show apart, under the questions they answered.
	page := app.Get(t, c, link)
	if !strings.Contains(page.Body, "T-Shirt-Größe") || tagNamed(page.Body, "intolerances") != "" {
		t.Error("the editable page does not ask the current form's questions")
	}
	if _, former, ok := strings.Cut(page.Body, `data-testid="former-answers"`); !ok || !strings.Contains(former, "Unverträglichkeiten") || !strings.Contains(former, "Nüsse") {
		t.Error("the editable page does not show the answers to the old questions apart")
	}
	exec(`UPDATE events SET editing_closes_at = now() - interval '1 day' WHERE id = $1`, ev.id)
	page = app.Get(t, c, link)
	mustContain(t, page.Body, "Unverträglichkeiten", `value="Nüsse"`)
	if strings.Contains(page.Body, "T-Shirt-Größe") {
		t.Error("the closed page shows a question the registration never answered")
	}
}
