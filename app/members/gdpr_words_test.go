package members_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The person's view of their data words their answers under the form's
// questions and their changes as the board's log does, in their
// language; the JSON keeps what is stored.
func TestGDPRPageWordsAnswersAndChanges(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Wanda Wortreich", email, "confirmed", "ordentlich")
	ev := insertEvent(t, app, "Wortworkshop", "30 days")
	if _, err := app.Pool.Exec(context.Background(), `UPDATE events SET registration_schema = $2 WHERE id = $1`, ev, `{
		"type": "object", "properties": {
			"languages": {"type": "object", "label": "Sprachen", "properties": {
				"python": {"type": "boolean", "label": "Python"},
				"fortran": {"type": "boolean", "label": "Fortran"}}},
			"guests": {"type": "integer", "label": "Gäste<br><small>mit dir</small>"},
			"diet": {"type": "string", "label": "Essen"},
			"shirt": {"type": "string", "label": "T-Shirt"}}}`); err != nil {
		t.Fatal(err)
	}
	reg := insertRegistration(t, app, ev, id, "waitinglist",
		`{"languages": {"python": true, "fortran": false}, "guests": 2, "old_question": "aus dem alten System",
			"diet": ["vegan", "ohne Nüsse"], "shirt": null}`)
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value) VALUES
		('system', 'persons', $1::bigint::text, '', NULL, 'created by event registration'),
		('system', 'registrations', $2::bigint::text, 'status', 'pending', 'waitinglist')`, id, reg); err != nil {
		t.Fatal(err)
	}
	link := gdprLink(t, app, email, 1)

	page := app.Get(t, app.Client(), link)
	mustContain(t, "the German data page", page.Body,
		"Sprachen – Python", "Sprachen – Fortran", ">ja<", ">nein<", "Gäste", "old_question", "aus dem alten System",
		"durch Anmeldung zu einer Veranstaltung angelegt", "unbestätigt → Warteliste")
	mustContain(t, "the German data page", page.Body, "vegan, ohne Nüsse")
	for _, raw := range []string{"languages › python", ">true<", "registrations · status", "pending", "created by event registration",
		"&lt;small&gt;", "mit dir", ">shirt<"} {
		if strings.Contains(page.Body, raw) {
			t.Errorf("the German data page shows %q", raw)
		}
	}
	english := app.Get(t, app.Client(), link, "Accept-Language", "en")
	mustContain(t, "the English data page", english.Body, "Sprachen – Python", ">yes<", ">no<", "created by registering for an event")

	download := app.Get(t, app.Client(), link+"?format=json")
	mustContain(t, "the JSON export", download.Body, `"python": true`, `"new_value": "waitinglist"`)
}
