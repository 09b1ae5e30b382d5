package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
	"github.com/pepalumni/memberdb/app/server"
)

// runAgainst runs memberdb with DATABASE_URL set to dbURL, a database of
// the test's own: the package's database stays empty for other tests.
func runAgainst(t *testing.T, dbURL string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("DEV", "true")
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		logger: slog.New(slog.NewTextHandler(&errOut, nil)),
	})
	return code, out.String(), errOut.String()
}

func countRows(t *testing.T, dbURL, table string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// reportLine matches one table line of the summary: name, old, imported,
// matched, not imported.
func reportLine(table string, n ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^` + table + `\s+` + strings.Join(n, `\s+`) + `\s*$`)
}

func TestImportLegacyCommand(t *testing.T) {
	dbURL := dbtest.NewDatabase(t, "memberdb_cli")
	from := legacytest.SQLiteURL(t)

	// A dry run does not even migrate.
	code, _, errOut := runAgainst(t, dbURL, "import-legacy", "--from", from, "--dry-run")
	if code != 1 || !strings.Contains(errOut, "run `memberdb migrate up` first") {
		t.Fatalf("dry run on an unmigrated database = %d\n%s", code, errOut)
	}
	if countRows(t, dbURL, "pg_tables WHERE schemaname = 'public'") != 0 {
		t.Fatal("the dry run created tables")
	}

	code, out, errOut := runAgainst(t, dbURL, "import-legacy", "--from", from)
	if code != 0 {
		t.Fatalf("import = %d\n%s\n%s", code, out, errOut)
	}
	t.Log("\n" + out)
	for _, re := range []*regexp.Regexp{
		reportLine("persons", "40", "40", "0", "0"),
		reportLine("events", "5", "5", "0", "0"),
		reportLine("registrations", "60", "60", "0", "0"),
		reportLine("users", "4", "4", "0", "0"),
		reportLine("role_access_levels", "18", "18", "0", "0"),
		regexp.MustCompile(`alembic revision 742e6adb504c`),
		regexp.MustCompile(`(?m)^Imported in one transaction\.$`),
	} {
		if !re.MatchString(out) {
			t.Errorf("summary lacks %s:\n%s", re, out)
		}
	}
	if n := countRows(t, dbURL, "persons"); n != 40 {
		t.Fatalf("%d persons", n)
	}
	checkDeclaredLevels(t, dbURL)

	code, out, errOut = runAgainst(t, dbURL, "import-legacy", "--from", from)
	if code != 1 || !strings.Contains(errOut, "already holds data (40 persons, 5 events, 60 registrations, 4 users)") ||
		!strings.Contains(errOut, "--merge") || out != "" {
		t.Errorf("second import = %d\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runAgainst(t, dbURL, "import-legacy", "--from", legacytest.Postgres(t), "--merge", "--dry-run")
	if code != 0 || !reportLine("persons", "40", "0", "40", "0").MatchString(out) ||
		!strings.Contains(out, "Dry run: nothing was changed.") {
		t.Errorf("merge dry run = %d\n%s\n%s", code, out, errOut)
	}
	if n := countRows(t, dbURL, "audit_log"); n != 40+5+60+4+3 {
		t.Errorf("audit_log has %d rows after the refused and the dry runs", n)
	}
}

// checkDeclaredLevels: old access levels are in use exactly when
// memberdb's routes declare them.
func checkDeclaredLevels(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	pool, err := db.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	declared := srv.Registry.Levels()
	srv.Close()
	rows, _ := pool.Query(ctx, `SELECT name, in_use FROM access_levels`)
	var (
		name  string
		inUse bool
	)
	_, err = pgx.ForEachRow(rows, []any{&name, &inUse}, func() error {
		if inUse != slices.Contains(declared, name) {
			t.Errorf("access level %s: in_use = %v, declared = %v", name, inUse, declared)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestImportLegacyUsage(t *testing.T) {
	dbURL := dbtest.NewDatabase(t, "memberdb_cli")
	for _, args := range [][]string{
		{"import-legacy"},
		{"import-legacy", "--dry-run"},
		{"import-legacy", "--from"},
		{"import-legacy", "--from", "sqlite:///x.sqlite", "extra"},
		{"import-legacy", "--sideways"},
	} {
		code, _, errOut := runAgainst(t, dbURL, args...)
		if code != 2 || !strings.Contains(errOut, importUsage) {
			t.Errorf("memberdb %v = %d, want 2 with the usage:\n%s", args, code, errOut)
		}
	}
	code, _, errOut := runAgainst(t, dbURL, "import-legacy", "--from", "mysql://old/members")
	if code != 1 || !strings.Contains(errOut, "--from must be a sqlite:///path/to/file.sqlite or postgres://") {
		t.Errorf("mysql URL = %d\n%s", code, errOut)
	}
}
