// Package legacytest gives importer tests their own databases: the old
// fixtures (a SQLite copy, the PostgreSQL dump loaded into a database of
// its own) and empty, migrated memberdb databases. It needs dbtest.Main.
package legacytest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

// Fixture returns the path of a file in app/legacy/testdata, from whichever
// package's folder the test runs.
func Fixture(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "app", "legacy", "testdata", name)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("legacytest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SQLite copies legacy.sqlite to a temporary file, so a test may change it,
// and returns its path.
func SQLite(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(Fixture(t, "legacy.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "legacy.sqlite")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// SQLiteURL is SQLite as a --from URL.
func SQLiteURL(t testing.TB) string { return "sqlite://" + SQLite(t) }

// Target creates an empty, migrated memberdb database of t's own.
func Target(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	dbURL := dbtest.NewDatabase(t, "memberdb_import")
	pool, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	return pool, dbURL
}

// Postgres loads legacy-postgres.sql into a database of t's own and
// returns its URL.
func Postgres(t testing.TB) string {
	t.Helper()
	dbURL := dbtest.NewDatabase(t, "legacy_src")
	f, err := os.Open(Fixture(t, "legacy-postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := LoadDump(ctx, conn, f); err != nil {
		t.Fatal(err)
	}
	return dbURL
}

// LoadDump runs a plain-SQL pg_dump file the way psql would: statements
// end with a semicolon at the end of a line, COPY … FROM stdin blocks end
// with \., and psql's meta-commands (\restrict, \unrestrict) are skipped.
func LoadDump(ctx context.Context, conn *pgx.Conn, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var stmt, data strings.Builder
	copying := false
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if copying {
			if line == `\.` {
				if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(data.String()), stmt.String()); err != nil {
					return fmt.Errorf("line %d: %s: %w", n, stmt.String(), err)
				}
				copying = false
				stmt.Reset()
				data.Reset()
				continue
			}
			data.WriteString(line)
			data.WriteByte('\n')
			continue
		}
		if stmt.Len() == 0 && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "--") || strings.HasPrefix(line, `\`)) {
			continue
		}
		stmt.WriteString(line)
		stmt.WriteByte('\n')
		if !strings.HasSuffix(strings.TrimSpace(line), ";") {
			continue
		}
		s := strings.TrimSpace(stmt.String())
		if strings.HasPrefix(s, "COPY ") && strings.HasSuffix(s, "FROM stdin;") {
			copying = true
			continue
		}
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("line %d: %s: %w", n, s, err)
		}
		stmt.Reset()
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if copying || stmt.Len() > 0 {
		return fmt.Errorf("dump ends inside a statement: %s", stmt.String())
	}
	return nil
}
