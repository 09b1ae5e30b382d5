package db_test

import (
	"bytes"
	"context"
	"io/fs"
	"strconv"
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

// Migration 0151 revokes the standing mandates of applicants denied
// before denying revoked them, and only theirs: a member set to "denied"
// as a correction (who has a joining date) keeps theirs, and so does
// anyone else.
func TestDeniedApplicantsMandatesRevoked(t *testing.T) {
	pool := rolledBackTo(t, "0151")
	ctx := context.Background()
	mandate := func(name, status string, joined *string) int64 {
		t.Helper()
		var id int64
		err := pool.QueryRow(ctx, `WITH p AS (INSERT INTO persons (name, email, membership_status, joining_date)
			VALUES ($1, $1 || '@example.org', $2, $3::date) RETURNING id)
			INSERT INTO sepa_mandates (person_id, reference, account_holder, iban_sealed, iban_masked, signed_on)
			SELECT id, 'T-' || id, $1, '\x00'::bytea, 'DE02 •••• 51', DATE '2026-01-01' FROM p RETURNING id`, name, status, joined).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	joined := "2020-01-01"
	denied, corrected, member := mandate("denied", "denied", nil), mandate("corrected", "denied", &joined), mandate("member", "confirmed", &joined)
	// A former member who applied again and was denied.
	returning := mandate("returning", "denied", &joined)
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value)
		SELECT 'vorstand', 'persons', person_id::text, 'membership_status', 'pending', 'denied' FROM sepa_mandates WHERE id = $1`, returning); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]bool{denied: true, returning: true, corrected: false, member: false} {
		var revoked, logged bool
		if err := pool.QueryRow(ctx, `SELECT revoked_at IS NOT NULL, EXISTS (SELECT 1 FROM audit_log WHERE table_name = 'sepa_mandates'
			AND row_id = $2 AND field = 'revoked_at') FROM sepa_mandates WHERE id = $1`, id, strconv.FormatInt(id, 10)).Scan(&revoked, &logged); err != nil {
			t.Fatal(err)
		}
		if revoked != want || logged != want {
			t.Errorf("mandate %d: revoked %v, logged %v; want %v", id, revoked, logged, want)
		}
	}
}
