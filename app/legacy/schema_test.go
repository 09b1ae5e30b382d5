package legacy_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

// editSQLite runs statements on a copy of the SQLite fixture and returns
// the copy's URL.
func editSQLite(t *testing.T, stmts ...string) string {
	t.Helper()
	path := legacytest.SQLite(t)
	d, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, s := range stmts {
		if _, err := d.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return "sqlite://" + path
}

// editPostgres loads the dump into a database of its own and runs stmts.
func editPostgres(t *testing.T, stmts ...string) string {
	t.Helper()
	from := legacytest.Postgres(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return from
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.sqlite")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRefusesSourcesItCannotRead(t *testing.T) {
	pool, _ := legacytest.Target(t)
	empty := snapshot(t, pool)
	missing := filepath.Join(t.TempDir(), "nothing-here.sqlite")
	tests := []struct {
		name       string
		from       func(t *testing.T) string
		wantSchema bool
		want       []string
	}{
		{"memberdb's own database", func(*testing.T) string { return dbtest.URL() }, true,
			[]string{"lacks the tables", "person", "event_registration", "alembic_version"}},
		{"an empty SQLite file", func(t *testing.T) string { return "sqlite://" + writeFile(t, "") }, true,
			[]string{"lacks the tables", "person"}},
		{"a file that is not SQLite", func(t *testing.T) string { return "sqlite://" + writeFile(t, "name,email\n") }, false,
			[]string{"not a database"}},
		{"an unknown revision", func(t *testing.T) string {
			return editSQLite(t, `UPDATE alembic_version SET version_num = '0123456789ab'`)
		}, true, []string{`alembic revision "0123456789ab" is unknown`, "94cbf12be25a", "742e6adb504c"}},
		{"a revision of an abandoned branch", func(t *testing.T) string {
			return editPostgres(t, `UPDATE public.alembic_version SET version_num = '25a80caf27de'`)
		}, true, []string{`alembic revision "25a80caf27de" is unknown`}},
		{"a revision older than the importer reads", func(t *testing.T) string {
			return editSQLite(t, `UPDATE alembic_version SET version_num = 'f87786c0cd2d'`)
		}, true, []string{`"f87786c0cd2d" is older than 94cbf12be25a`, "flask db upgrade"}},
		{"no revision", func(t *testing.T) string { return editSQLite(t, `DELETE FROM alembic_version`) }, true,
			[]string{"alembic_version is empty"}},
		{"two revisions", func(t *testing.T) string {
			return editSQLite(t, `INSERT INTO alembic_version VALUES ('0151da823114')`)
		}, true, []string{"several revisions"}},
		{"a missing column", func(t *testing.T) string {
			return editSQLite(t, `ALTER TABLE person DROP COLUMN email_valid`)
		}, true, []string{"table person has no column email_valid", "742e6adb504c"}},
		{"a missing SQLite file", func(*testing.T) string { return "sqlite://" + missing }, false,
			[]string{"there is no SQLite file at " + missing}},
		{"another kind of URL", func(*testing.T) string { return "mysql://old/members" }, false,
			[]string{"sqlite:///path/to/file.sqlite or postgres://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := legacy.Import(context.Background(), pool, tt.from(t), legacy.Options{})
			if err == nil {
				t.Fatal("imported")
			}
			t.Log(err)
			if errors.Is(err, legacy.ErrSchema) != tt.wantSchema {
				t.Errorf("errors.Is(err, ErrSchema) = %v", !tt.wantSchema)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("a missing SQLite file was created")
	}
	if snapshot(t, pool) != empty {
		t.Error("a refused import changed the database")
	}
}

// Databases the old app left at an earlier revision lack the newest event
// columns; they are imported all the same.
func TestImportsEarlierRevisions(t *testing.T) {
	tests := []struct {
		name          string
		from          func(t *testing.T) string
		wantShortlink bool
	}{
		{"6799f436c654 without event.footer (SQLite)", func(t *testing.T) string {
			return editSQLite(t, `ALTER TABLE event DROP COLUMN footer`, `UPDATE alembic_version SET version_num = '6799f436c654'`)
		}, true},
		{"94cbf12be25a without shortlink and footer (PostgreSQL)", func(t *testing.T) string {
			return editPostgres(t, `ALTER TABLE public.event DROP COLUMN shortlink, DROP COLUMN footer`,
				`UPDATE public.alembic_version SET version_num = '94cbf12be25a'`)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, _ := legacytest.Target(t)
			rep := importLegacy(t, pool, tt.from(t), legacy.Options{})
			if c := rep.Count("events"); c.Imported != 5 || rep.Count("registrations").Imported != 60 {
				t.Errorf("counts = %+v", rep.Counts)
			}
			if n := queryInt(t, pool, `SELECT count(*) FROM events WHERE footer <> ''`); n != 0 {
				t.Errorf("%d events have a footer", n)
			}
			if n := queryInt(t, pool, `SELECT count(*) FROM events WHERE shortlink IS NOT NULL`); (n == 2) != tt.wantShortlink {
				t.Errorf("%d events have a shortlink", n)
			}
		})
	}
}
