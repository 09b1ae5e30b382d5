package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// runCLIOn runs memberdb with args against the database dbURL.
func runCLIOn(t *testing.T, dbURL string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("DEV", "true")
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errOut,
		logger: slog.New(slog.NewTextHandler(&errOut, nil)),
	})
	return code, out.String(), errOut.String()
}

// tableDigests describes every table's rows (and every sequence's
// position): two databases with the same digests hold the same data.
func tableDigests(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := t.Context()
	rows, _ := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	digests := map[string]string{}
	for _, table := range tables {
		var count int64
		var digest *string
		q := `SELECT count(*), md5(string_agg(t::text, E'\n' ORDER BY t::text)) FROM ` + pgx.Identifier{table}.Sanitize() + ` t`
		if err := pool.QueryRow(ctx, q).Scan(&count, &digest); err != nil {
			t.Fatal(err)
		}
		d := "empty"
		if digest != nil {
			d = *digest
		}
		digests[table] = d + " rows " + strconv.FormatInt(count, 10)
	}
	rows, _ = pool.Query(ctx, `SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'`)
	type seq struct {
		Name string
		Last int64
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[seq])
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seqs {
		digests["sequence "+s.Name] = strconv.FormatInt(s.Last, 10)
	}
	return digests
}

// A backup restored into a new database holds the same rows; memberdb
// started on it lets the old passwords log in and opens the links mailed
// before the backup.
func TestBackupAndRestoreRoundTrip(t *testing.T) {
	srcURL, dstURL := dbtest.NewDatabase(t, "memberdb_backup_src"), dbtest.NewDatabase(t, "memberdb_backup_dst")
	if code, out, errOut := runCLIOn(t, srcURL, "seed"); code != 0 {
		t.Fatalf("seed = %d\n%s%s", code, out, errOut)
	}

	// Data a running instance makes: a registration with its mailed link
	// and tokens, a session, a failed login's rate limit counts.
	smtp := mailtest.Start(t)
	src := startInstance(t, instanceEnv(srcURL, "http://127.0.0.1:1", smtp))
	src.waitReady(t, 60*time.Second)
	srcPool, err := db.Open(t.Context(), srcURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srcPool.Close)
	if _, err := srcPool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema, max_participants)
		VALUES ('Gesichert', 'gesichert', true, '{"type": "object", "properties": {}}', 5)`); err != nil {
		t.Fatal(err)
	}
	email := "gesichert@example.org"
	if status := post(t, src.URL, "/events/gesichert/registration/", "198.51.100.1", url.Values{"name": {"Gesicherte Person"}, "email": {email}}); status != http.StatusOK {
		t.Fatalf("registration = %d", status)
	}
	link := regexp.MustCompile(`/events/registration/[A-Za-z0-9_-]{43}/`).FindString(smtp.WaitTo(t, email, 1, 30*time.Second)[0].Text)
	if link == "" {
		t.Fatal("no personal link mailed")
	}
	if status := post(t, src.URL, "/login/", "198.51.100.2", url.Values{"user_or_email": {auth.DemoAdminUsername}, "password": {"falsch"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("failed login = %d", status)
	}
	src.stop()
	want := tableDigests(t, srcPool)

	file := filepath.Join(t.TempDir(), "memberdb.dump")
	code, out, errOut := runCLIOn(t, srcURL, "backup", file)
	if code != 0 || !strings.Contains(out, "backed up database memberdb_backup_src") || !strings.Contains(out, file) {
		t.Fatalf("backup = %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLIOn(t, dstURL, "restore", file)
	if code != 0 || !strings.Contains(out, "restored "+file+" into database memberdb_backup_dst") || !strings.Contains(out, "0 migrations of this version pending") {
		t.Fatalf("restore = %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCLIOn(t, dstURL, "restore", file); code != 1 || !strings.Contains(errOut, "only into an empty database") {
		t.Errorf("restore into a database with data = %d %s, want refused", code, errOut)
	}
	dstPool, err := db.Open(t.Context(), dstURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dstPool.Close)
	got := tableDigests(t, dstPool)
	if len(got) != len(want) {
		t.Errorf("restored %d tables and sequences, want %d", len(got), len(want))
	}
	for name, d := range want {
		if got[name] != d {
			t.Errorf("%s: restored %s, want %s", name, got[name], d)
		}
	}

	dst := startInstance(t, instanceEnv(dstURL, "http://127.0.0.1:1", smtp))
	dst.waitReady(t, 60*time.Second)
	if status := post(t, dst.URL, "/login/", "198.51.100.3", url.Values{"user_or_email": {auth.DemoAdminUsername}, "password": {auth.DemoAdminPassword}}); status != http.StatusSeeOther {
		t.Errorf("login with the old password on the restored database = %d, want 303", status)
	}
	resp, err := http.Get(dst.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), "Gesicherte Person") {
		t.Errorf("the mailed link on the restored database = %d, want the registration's page", resp.StatusCode)
	}
}
