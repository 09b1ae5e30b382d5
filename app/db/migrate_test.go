package db_test

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/migrations"
)

// freshDatabase creates an empty database on the test server, dropped when
// t ends, and returns a pool on it.
func freshDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), dbtest.NewDatabase(t, "memberdb_migrate"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// schemaOf describes the public schema apart from the migrations' own
// bookkeeping: columns, constraints, indexes, triggers and functions not
// belonging to an extension. Two databases with the same description were
// built by the same migrations.
func schemaOf(t *testing.T, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) string {
	t.Helper()
	const sql = `
		SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'gorp_migrations'
		UNION ALL
		SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint
		WHERE connamespace = 'public'::regnamespace AND conrelid <> 'gorp_migrations'::regclass
		UNION ALL
		SELECT 'index ' || indexdef FROM pg_indexes
		WHERE schemaname = 'public' AND tablename <> 'gorp_migrations'
		UNION ALL
		SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
		UNION ALL
		SELECT 'function ' || p.oid::regprocedure FROM pg_proc p
		WHERE p.pronamespace = 'public'::regnamespace
		  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
		UNION ALL
		SELECT 'type ' || typname FROM pg_type t
		WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
		  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
		UNION ALL
		SELECT 'collation ' || collname FROM pg_collation WHERE collnamespace = 'public'::regnamespace
		ORDER BY 1`
	rows, err := q.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// applied counts the migrations MigrateStatus reports applied and pending.
func applied(t *testing.T, pool *pgxpool.Pool) (applied, pending int) {
	t.Helper()
	var out bytes.Buffer
	if err := db.MigrateStatus(pool, &out); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		switch f := strings.Fields(line); {
		case len(f) >= 2 && f[1] == "applied":
			applied++
		case len(f) == 2 && f[1] == "pending":
			pending++
		default:
			t.Fatalf("MigrateStatus line %q is neither applied nor pending", line)
		}
	}
	return applied, pending
}

func TestMigrationsGoUpDownAndUpAgain(t *testing.T) {
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	total := len(files)
	if total == 0 {
		t.Fatal("no migrations embedded")
	}
	// The harness migrated the package's database up in one go.
	harness, err := db.Open(context.Background(), dbtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer harness.Close()
	wantSchema := schemaOf(t, harness)
	if !strings.Contains(wantSchema, "column tokens.hash bytea") {
		t.Fatalf("the harness's database has no tokens table:\n%s", wantSchema)
	}

	pool := freshDatabase(t)
	type schema int
	const (
		empty   schema = iota // nothing of the migrations is left
		full                  // as the harness's database
		partial               // neither
	)
	steps := []struct {
		name        string
		run         func() (int, error)
		wantRan     int
		wantApplied int
		wantSchema  schema
	}{
		{"up on an empty database applies every migration", func() (int, error) { return db.MigrateUp(pool) }, total, total, full},
		{"up again applies none", func() (int, error) { return db.MigrateUp(pool) }, 0, total, full},
		{"down 1 rolls back the newest", func() (int, error) { return db.MigrateDown(pool, 1) }, 1, total - 1, partial},
		{"up applies it again", func() (int, error) { return db.MigrateUp(pool) }, 1, total, full},
		{"down 0 rolls back every migration", func() (int, error) { return db.MigrateDown(pool, 0) }, total, 0, empty},
		{"down again rolls back none", func() (int, error) { return db.MigrateDown(pool, 0) }, 0, 0, empty},
		{"up after all the way down applies every migration", func() (int, error) { return db.MigrateUp(pool) }, total, total, full},
	}
	if got, pending := applied(t, pool); got != 0 || pending != total {
		t.Fatalf("fresh database: status %d applied, %d pending; want 0, %d", got, pending, total)
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			n, err := s.run()
			if err != nil {
				t.Fatal(err)
			}
			if n != s.wantRan {
				t.Errorf("ran %d migrations, want %d", n, s.wantRan)
			}
			if got, pending := applied(t, pool); got != s.wantApplied || pending != total-s.wantApplied {
				t.Errorf("status: %d applied, %d pending; want %d, %d", got, pending, s.wantApplied, total-s.wantApplied)
			}
			got := schemaOf(t, pool)
			switch s.wantSchema {
			case empty:
				if got != "" {
					t.Errorf("left behind after rolling back:\n%s", got)
				}
			case full:
				if got != wantSchema {
					t.Errorf("schema differs from a database migrated in one go:\n%s\nwant\n%s", got, wantSchema)
				}
			case partial:
				if got == "" || got == wantSchema {
					t.Error("rolling back the newest migration changed nothing or everything")
				}
			}
		})
	}
}
