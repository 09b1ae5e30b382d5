package db_test

import (
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/migrations"
)

// rolledBackTo is a fresh database migrated up to just before the
// migration named name (its number, e.g. "0126").
func rolledBackTo(t *testing.T, name string) *pgxpool.Pool {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if f >= name {
			n++
		}
	}
	pool := freshDatabase(t)
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateDown(pool, n); err != nil {
		t.Fatal(err)
	}
	return pool
}

// Migration 0126 turns every force_tu_mail event into PeP's pattern with
// today's message in the event's form of address; other events stay open.
func TestMigrationTurnsForceTUMailIntoAPattern(t *testing.T) {
	pool := rolledBackTo(t, "0126")
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `INSERT INTO events (id, name, force_tu_mail, formality) VALUES
		(1, 'TU du', true, 'du'), (2, 'TU Sie', true, 'sie'), (3, 'Offen', false, 'du')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT allowed_addresses, allowed_addresses_message_de, allowed_addresses_message_en FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got [][3]string
	for rows.Next() {
		var r [3]string
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	const tu = `^[a-z-]+\.[a-z-]+@tu-dortmund\.de$`
	en := "This event needs your TU address: firstname.lastname@tu-dortmund.de."
	want := [][3]string{
		{tu, "Für diese Veranstaltung brauchst du deine TU-Adresse: vorname.nachname@tu-dortmund.de.", en},
		{tu, "Für diese Veranstaltung brauchen Sie Ihre TU-Adresse: vorname.nachname@tu-dortmund.de.", en},
		{"", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("events %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}
