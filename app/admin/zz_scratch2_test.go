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
	app.Pool.Exec(ctx, "CREATE INDEX IF NOT EXISTS scratch_name_trgm ON persons USING gin (name gin_trgm_ops)")
	app.Pool.Exec(ctx, "ANALYZE persons")
	for _, term := range strings.Split(os.Getenv("TERMS"), ",") {
		like := "%" + term + "%"
		cost := "SELECT set_config('cpu_operator_cost', '0.05', true), set_config('pg_trgm.word_similarity_threshold', '0.5', true)"
		explain(cost, `SELECT count(*) FROM (SELECT 1 FROM persons p WHERE (p.name || ' ' || p.email) ILIKE $1 LIMIT 1001) s`, like)
		explain(cost, `SELECT p.id FROM persons p LEFT JOIN tu_status t ON t.id = p.tu_status_id WHERE (p.name || ' ' || p.email) ILIKE $1 ORDER BY p.id DESC LIMIT 25`, like)
		explain(cost, `SELECT p.id FROM persons p WHERE $1 <% p.name ORDER BY word_similarity($1, p.name) DESC, p.id DESC LIMIT 25`, term)
	}
}
