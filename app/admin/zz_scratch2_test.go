package admin_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pepalumni/memberdb/app/apptest"
)

func TestScratchExplain(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	app := apptest.Start(t)
	ctx := context.Background()
	sql, _ := os.ReadFile("/tmp/seedq.sql")
	if _, err := app.Pool.Exec(ctx, string(sql), 50000); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("NOFAST") != "" {
		app.Pool.Exec(ctx, "ALTER INDEX persons_search_trgm_idx SET (fastupdate = off)")
		app.Pool.Exec(ctx, "SELECT gin_clean_pending_list('persons_search_trgm_idx')")
	}
	app.Pool.Exec(ctx, "ANALYZE persons")
	explain := func(settings, q string, args ...any) {
		pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			if settings != "" {
				tx.Exec(ctx, settings)
			}
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q, args...)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for rows.Next() {
				var l string
				rows.Scan(&l)
				lines = append(lines, l)
			}
			t.Log("\n" + settings + "\n" + strings.Join(lines, "\n"))
			return nil
		})
	}
	for _, term := range strings.Split(os.Getenv("TERMS"), ",") {
		like := "%" + term + "%"
		cost := "SELECT set_config('cpu_operator_cost', '0.05', true), set_config('pg_trgm.word_similarity_threshold', '0.5', true)"
		explain(cost, `WITH p AS MATERIALIZED (SELECT p.id, p.name, p.email, p.membership_status, p.membership_type, p.tu_status_id,
	p.joining_date, p.anonymised_at, p.version FROM persons p WHERE (p.name || ' ' || p.email) ILIKE $1 LIMIT 1001)
		SELECT (SELECT count(*) FROM p)::int AS total, p.id, p.name, t.name FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
		ORDER BY p.id DESC LIMIT 25 OFFSET 0`, like)
	}
}
