package events_test

import (
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
)

// Registrations are read by position: every field must get its own
// column, which reading by name (the struct's db tags) shows.
func TestRegistrationRowsReadByPositionAsByName(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: "Lesetest"})
	id, _ := addRegistration(t, app, ev.id, "Lise Meitner", unique("lise")+"@example.org", "confirmed", 0)
	// Every column a value of its own, so that two swapped ones show.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET data = '{"a": 1}', canceled_at = now() - interval '1 day',
		checkin_code = '0123456789', checked_in_at = now() - interval '2 days', version = 7 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET language = 'en' WHERE id = (SELECT person_id FROM registrations WHERE id = $1)`, id); err != nil {
		t.Fatal(err)
	}
	query := `SELECT ` + events.RegistrationColumns + ` FROM registrations r JOIN persons p ON p.id = r.person_id WHERE r.id = $1`
	rows, err := app.Pool.Query(t.Context(), query, id)
	if err != nil {
		t.Fatal(err)
	}
	byName, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[events.Registration])
	if err != nil {
		t.Fatal(err)
	}
	rows, err = app.Pool.Query(t.Context(), query, id)
	if err != nil {
		t.Fatal(err)
	}
	byPosition, err := pgx.CollectExactlyOneRow(rows, events.ScanRegistration)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(byPosition, byName) {
		t.Fatalf("by position %+v\nby name     %+v", byPosition, byName)
	}
	if byName.CheckinCode == nil || byName.CanceledAt == nil || byName.CheckedInAt == nil || byName.ConfirmedAt == nil || byName.Language != "en" {
		t.Fatalf("a column was left empty: %+v", byName)
	}
}
