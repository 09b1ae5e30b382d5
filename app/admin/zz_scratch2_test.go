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
	app.Pool.Exec(ctx, "VACUUM ANALYZE persons")
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
		off := "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
		explain(off, `SELECT count(*) FROM (SELECT 1 FROM persons p WHERE (p.name || ' ' || p.email) ILIKE $1 LIMIT 1001) s`, like)
		explain("", `SELECT count(*) FROM (SELECT 1 FROM persons p WHERE (p.name || ' ' || p.email) ILIKE $1 LIMIT 1001) s`, like)
		explain(off, `SELECT p.id FROM persons p LEFT JOIN tu_status t ON t.id = p.tu_status_id WHERE (p.name || ' ' || p.email) ILIKE $1 ORDER BY p.id DESC LIMIT 25`, like)
	}
}
