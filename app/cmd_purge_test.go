package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

// purge --dry-run tells what would go and takes nothing; purge takes it
// and says the same.
func TestPurgeCommand(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO audit_log (at, actor, table_name, row_id, field, old_value, new_value)
		VALUES (now() - interval '5 years', 'x', 'persons', 'cli-purge', 'name', 'Alt', 'Neu')`); err != nil {
		t.Fatal(err)
	}
	valued := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE row_id = 'cli-purge' AND old_value IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	code, out, errOut := runCLI(t, "", "purge", "--dry-run")
	if code != 0 || !strings.Contains(out, "would purge") || valued() != 1 {
		t.Fatalf("purge --dry-run = %d, values left %d\n%s%s", code, valued(), out, errOut)
	}
	for _, category := range []string{"notices", "registrations", "mails", "applications", "persons", "name_words", "audit", "tokens", "sessions", "drafts"} {
		if !strings.Contains(out, category) {
			t.Errorf("the summary does not name %s:\n%s", category, out)
		}
	}
	if !strings.Contains(out, "audit") || !strings.Contains(out, "20") {
		t.Errorf("the summary lacks the oldest date:\n%s", out)
	}
	code, out, errOut = runCLI(t, "", "purge")
	if code != 0 || !strings.Contains(out, "purged") || strings.Contains(out, "would") || valued() != 0 {
		t.Fatalf("purge = %d, values left %d\n%s%s", code, valued(), out, errOut)
	}
	if code, _, errOut = runCLI(t, "", "purge", "--everything"); code != 2 || !strings.Contains(errOut, "--dry-run") {
		t.Errorf("purge --everything = %d\n%s", code, errOut)
	}
}
