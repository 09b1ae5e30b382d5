package members_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/members"
)

// What the trigger keeping the words of names can leave behind when two
// transactions write the last or first bearer of a word at once, the
// daily sweep mends: a word nobody bears goes, a word a name has comes.
func TestSweepNameWordsMendsWhatRacesLeave(t *testing.T) {
	ctx := t.Context()
	pool := dbtest.Pool(t)
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO persons (name, email) VALUES ('Kehrprobe Wortlos', 'kehr@beispiel.de') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), `DELETE FROM persons WHERE id = $1`, id) })
	// As the races leave them: an orphan kept, a borne word dropped.
	if _, err := pool.Exec(ctx, `INSERT INTO search_name_words (word) VALUES ('kehrwaisenwort');
		DELETE FROM search_name_words WHERE word = 'wortlos'`); err != nil {
		t.Fatal(err)
	}
	var swept int
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		p, err := members.SweepNameWords(ctx, tx, time.Now())
		swept = p.Count
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var orphan, borne bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM search_name_words WHERE word = 'kehrwaisenwort'),
		EXISTS (SELECT 1 FROM search_name_words WHERE word = 'wortlos')`).Scan(&orphan, &borne); err != nil {
		t.Fatal(err)
	}
	if orphan || !borne || swept < 1 {
		t.Errorf("after the sweep (%d swept): the orphan is there %v, the borne word %v", swept, orphan, borne)
	}
}
