package db_test

import (
	"slices"
	"testing"

	"github.com/pepalumni/memberdb/app/db"
)

// Migration 0148 gives the persons already there their search words, and
// the persons added or renamed after it theirs through the triggers.
func TestMigrationGivesPersonsTheirSearchWords(t *testing.T) {
	pool := rolledBackTo(t, "0148")
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `INSERT INTO persons (id, name, email) VALUES
		(1, 'Emmy Noether', 'emmy.noether@uni-goettingen.de'), (2, 'Lise Meitner', 'lise@kwi.example')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE persons SET email = 'meitner@kwi.example' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int][]string{
		1: {"de", "emmy", "goettingen", "gottingen", "noether", "nother", "uni"},
		2: {"example", "kwi", "lise", "meitner"},
	} {
		var got []string
		if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(word::text ORDER BY word), '{}') FROM person_search_words WHERE person_id = $1`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("person %d: words %v, want %v", id, got, want)
		}
	}
}
