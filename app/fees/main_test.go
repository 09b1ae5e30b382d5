package fees_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/tokens"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const mailWait = 15 * time.Second

// testKey is the SEPA_KEY of every app of the package: they share one
// database, and a run collects from the mandates of every test.
var testKey = func() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return key
}()

// sepaEnv configures fee collection.
func sepaEnv() []apptest.Option {
	key := testKey
	return []apptest.Option{
		// The payee written otherwise than the association (ORG_NAME): the
		// mandate and its mails must name the payee.
		apptest.Env("SEPA_CREDITOR_NAME", "PeP Beitragskasse e.V."),
		apptest.Env("SEPA_CREDITOR_IBAN", "DE89 3704 0044 0532 0130 00"),
		apptest.Env("SEPA_CREDITOR_BIC", "COBADEFFXXX"),
		apptest.Env("SEPA_CREDITOR_ID", "DE98ZZZ09999999999"),
		apptest.Env("SEPA_KEY", base64.StdEncoding.EncodeToString(key)),
	}
}

var seq atomic.Int64

func newAddress() string {
	return fmt.Sprintf("fees%d.%d@example.org", time.Now().UnixNano()%1e9, seq.Add(1))
}

// insertMember adds a confirmed member of membership type typ.
func insertMember(t *testing.T, app *apptest.App, name, typ string) (int64, string) {
	t.Helper()
	email := newAddress()
	var id int64
	err := app.Pool.QueryRow(context.Background(), `INSERT INTO persons (name, email, email_valid, membership_status,
		membership_type, joining_date) VALUES ($1, $2, true, 'confirmed', $3, DATE '2020-01-01') RETURNING id`,
		name, email, typ).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id, email
}

// editLink issues an edit link for person id, as the mailed one.
func editLink(t *testing.T, app *apptest.App, id int64) string {
	t.Helper()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	h := sha256.Sum256(raw)
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
		VALUES ($1, $2, $3, now() + interval '1 hour', false)`, h[:], tokens.MembershipEdit, id)
	if err != nil {
		t.Fatal(err)
	}
	return "/edit/" + base64.RawURLEncoding.EncodeToString(raw)
}

// dueAfter is the first TARGET2 business day at least days from today.
func dueAfter(days int) time.Time {
	now := time.Now()
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	for !sepa.IsTarget2Day(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
