package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/fees/sepa"
)

// fees run creates a run like the treasurer's page and prints its id.
func TestFeesRunCommand(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	if code, _, errOut := runCLI(t, "", "fees", "run", "--year", "2031", "--due", "2031-03-14"); code != 1 || !strings.Contains(errOut, "SEPA_KEY") {
		t.Fatalf("without SEPA settings: %d %s", code, errOut)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	t.Setenv("SEPA_CREDITOR_NAME", "PeP et al. e.V.")
	t.Setenv("SEPA_CREDITOR_IBAN", "DE89370400440532013000")
	t.Setenv("SEPA_CREDITOR_ID", "DE98ZZZ09999999999")
	t.Setenv("SEPA_KEY", base64.StdEncoding.EncodeToString(key))
	if _, err := pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01'),
		('ausserordentlich', 1500, '2020-01-01') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	var member int64
	if err := pool.QueryRow(ctx, `INSERT INTO persons (name, email, email_valid, membership_status, membership_type)
		VALUES ('Kommando Zeile', 'cli-fees@example.org', true, 'confirmed', 'ordentlich') RETURNING id`).Scan(&member); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fees"}, {"fees", "run", "--year", "2031"}, {"fees", "run", "--year", "2031", "--due", "14.3.2031"}} {
		if code, _, _ := runCLI(t, "", args...); code != 2 {
			t.Errorf("%v = %d, want 2 (usage)", args, code)
		}
	}
	if code, _, errOut := runCLI(t, "", "fees", "run", "--year", "2031", "--due", "2031-03-15"); code != 1 || !strings.Contains(errOut, "TARGET2") {
		t.Errorf("a Saturday: %d %s", code, errOut)
	}
	due := time.Now().AddDate(0, 0, 30)
	for !sepa.IsTarget2Day(due) {
		due = due.AddDate(0, 0, 1)
	}
	code, out, errOut := runCLI(t, "", "fees", "run", "--year", "2031", "--due", due.Format(time.DateOnly))
	id, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if code != 0 || err != nil {
		t.Fatalf("fees run = %d %q %s", code, out, errOut)
	}
	var fees, invoices int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM fees WHERE run_id = $1 AND person_id = $2),
		(SELECT count(*) FROM mail_outbox WHERE kind = 'fees_invoice' AND person_id = $2)`, id, member).Scan(&fees, &invoices); err != nil {
		t.Fatal(err)
	}
	if fees != 1 || invoices != 1 {
		t.Errorf("run %d: %d fees and %d invoices for the member, want 1 and 1", id, fees, invoices)
	}
	// The audit log has the run, made on the command line by no user.
	var logged int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE table_name = 'fee_runs' AND row_id = $1::bigint::text
		AND field = '' AND new_value = '2031' AND actor = 'command line' AND user_id IS NULL`, id).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("the run's creation is logged %d times (%v), want once by the command line", logged, err)
	}
}
