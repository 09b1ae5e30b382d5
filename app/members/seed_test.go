package members_test

import (
	"context"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/members"
)

// The demo data covers every membership state and the tu_status list, and
// seeding twice does no harm. It is rolled back so other tests do not see it.
func TestSeedCoversEveryState(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for range 2 {
		if err := members.Seed(ctx, tx, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT coalesce(membership_status, 'none') FROM persons WHERE email LIKE '%@example.org'
		AND email IN ('marie.curie@example.org', 'emmy.noether@example.org', 'erwin.schroedinger@example.org',
		              'max.planck@example.org', 'niels.bohr@example.org', 'chien-shiung.wu@example.org')`)
	if err != nil {
		t.Fatal(err)
	}
	states, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 6 {
		t.Errorf("demo persons cover the states %v, want all five and none", states)
	}
	var tu, pendingWithApplication int
	_ = tx.QueryRow(ctx, `SELECT count(*) FROM tu_status WHERE name IN ('Studentin/Student', 'Doktorandin/Doktorand',
		'Alumna/Alumnus', 'Mitarbeiterin/Mitarbeiter, Lehrende', 'Sonstiges')`).Scan(&tu)
	_ = tx.QueryRow(ctx, `SELECT count(*) FROM persons p JOIN membership_applications a ON a.person_id = p.id
		WHERE p.email = 'emmy.noether@example.org' AND a.verified_at IS NOT NULL`).Scan(&pendingWithApplication)
	if tu != 5 || pendingWithApplication != 1 {
		t.Errorf("tu_status entries %d (want 5), verified applications of a pending demo person %d (want 1)", tu, pendingWithApplication)
	}
}
