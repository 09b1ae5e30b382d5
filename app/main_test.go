package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// runCLI runs memberdb with args against the test database.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("DATABASE_URL", dbtest.URL())
	t.Setenv("DEV", "true")
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		logger: slog.New(slog.NewTextHandler(&errOut, nil)),
	})
	return code, out.String(), errOut.String()
}

func TestMigrateCommands(t *testing.T) {
	code, out, errOut := runCLI(t, "", "migrate", "status")
	if code != 0 || !strings.Contains(out, "0001_sessions.sql") || strings.Contains(out, "pending") {
		t.Fatalf("status = %d\n%s%s", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "", "migrate", "down", "1"); code != 0 || !strings.Contains(out, "rolled back 1") {
		t.Fatalf("down 1 = %d %s", code, out)
	}
	if _, out, _ = runCLI(t, "", "migrate", "status"); strings.Count(out, "pending") != 1 {
		t.Fatalf("after down 1, want one pending migration:\n%s", out)
	}
	if code, out, _ = runCLI(t, "", "migrate", "up"); code != 0 || !strings.Contains(out, "applied 1") {
		t.Fatalf("up = %d %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
	}{
		{[]string{"help"}, 0},
		{[]string{"no-such-command"}, 2},
		{[]string{"migrate"}, 2},
		{[]string{"migrate", "sideways"}, 2},
		{[]string{"migrate", "down", "-3"}, 2},
		{[]string{"serve", "extra"}, 2},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != tt.wantCode {
			t.Errorf("memberdb %v = %d, want %d (%s)", tt.args, code, tt.wantCode, errOut)
		}
	}
}

func TestInvalidConfigurationStopsWithEveryProblem(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("DEV", "")
	t.Setenv("MAIL_TLS", "maybe")
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"serve"}, &env{stdout: &errOut, stderr: &errOut,
		logger: slog.New(slog.NewTextHandler(&errOut, nil))})
	if code != 1 || !strings.Contains(errOut.String(), "DATABASE_URL") || !strings.Contains(errOut.String(), "MAIL_TLS") {
		t.Fatalf("serve with bad config = %d:\n%s", code, errOut.String())
	}
}

// A .env that cannot be read stops `memberdb dev` with the reason instead
// of starting with its variables silently unset.
func TestDevStopsOnAMalformedDotEnv(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL='unterminated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	code := run(context.Background(), []string{"dev"}, &env{stdout: &errOut, stderr: &errOut,
		logger: slog.New(slog.NewTextHandler(&errOut, nil))})
	if code != 1 || !strings.Contains(errOut.String(), ".env") {
		t.Fatalf("dev with a malformed .env = %d:\n%s", code, errOut.String())
	}
}
