package members_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// board is APPROVE_MAIL in apptest.
const board = "board@example.org"

// mailWait is how long a test waits for the worker to deliver.
const mailWait = 15 * time.Second

var addrSeq atomic.Int64

// newAddress returns an address no other test uses.
func newAddress(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	return fmt.Sprintf("%s-%d@example.org", strings.Trim(name, "-"), addrSeq.Add(1))
}

// applyFor posts the membership form.
func applyFor(t *testing.T, app *apptest.App, name, email, typ string, headers ...string) apptest.Response {
	t.Helper()
	return app.PostForm(t, app.Client(), "/register/",
		url.Values{"name": {name}, "email": {email}, "membership_type": {typ}}, headers...)
}

var linkRE = regexp.MustCompile(`https?://[^\s/]+(/(?:edit|view_data)/[A-Za-z0-9_-]+)`)

// linkIn returns the path of the personal link in a mail's text.
func linkIn(t *testing.T, m mailtest.Message) string {
	t.Helper()
	match := linkRE.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no personal link in mail %q:\n%s", m.Subject, m.Text)
	}
	return match[1]
}

// lastMailTo waits for the n-th mail to addr and returns it.
func lastMailTo(t *testing.T, app *apptest.App, addr string, n int) mailtest.Message {
	t.Helper()
	got := app.SMTP.WaitTo(t, addr, n, mailWait)
	return got[n-1]
}

// tokenOf is the token of a link path.
func tokenOf(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

// expire makes the link's token expire as if its time had passed.
func expire(t *testing.T, app *apptest.App, linkPath string) {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tokenOf(linkPath))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(raw)
	tag, err := app.Pool.Exec(context.Background(),
		`UPDATE tokens SET expires_at = now() - interval '1 minute', created_at = now() - interval '2 hours' WHERE hash = $1`, h[:])
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("expire token: %v (%d rows)", err, tag.RowsAffected())
	}
}

// person is the stored state the tests look at.
type person struct {
	ID         int64
	Name       string
	Email      string
	EmailValid bool
	Status     string
	Type       string
	Joining    string
	Birth      string
	TUStatus   string
	Version    int
}

func loadPerson(t *testing.T, app *apptest.App, email string) person {
	t.Helper()
	var p person
	err := app.Pool.QueryRow(context.Background(), `
		SELECT id, name, email, email_valid, coalesce(membership_status, ''), coalesce(membership_type, ''),
		       coalesce(to_char(joining_date, 'YYYY-MM-DD'), ''), coalesce(to_char(date_of_birth, 'YYYY-MM-DD'), ''),
		       coalesce(tu_status_id::text, ''), version
		FROM persons WHERE lower(email) = lower($1)`, email).
		Scan(&p.ID, &p.Name, &p.Email, &p.EmailValid, &p.Status, &p.Type, &p.Joining, &p.Birth, &p.TUStatus, &p.Version)
	if err != nil {
		t.Fatalf("load person %s: %v", email, err)
	}
	return p
}

// insertPerson stores a person in the given state directly.
func insertPerson(t *testing.T, app *apptest.App, name, email, status, typ string) int64 {
	t.Helper()
	var id int64
	err := app.Pool.QueryRow(context.Background(), `
		INSERT INTO persons (name, email, email_valid, membership_status, membership_type, joining_date)
		VALUES ($1, $2, $3 <> '', nullif($3, ''), nullif($4, ''), CASE WHEN $3 = 'confirmed' THEN DATE '2020-02-02' END)
		RETURNING id`, name, email, status, typ).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// issueLink stores a personal link for subject and returns its path.
func issueLink(t *testing.T, app *apptest.App, purpose string, subject int64, path string) string {
	t.Helper()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	h := sha256.Sum256(raw)
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
		VALUES ($1, $2, $3, now() + interval '1 hour', false)`, h[:], purpose, subject)
	if err != nil {
		t.Fatal(err)
	}
	return path + base64.RawURLEncoding.EncodeToString(raw)
}

// outboxCount counts the queued or sent mails of a kind to addr.
func outboxCount(t *testing.T, app *apptest.App, kind, addr string) int {
	t.Helper()
	var n int
	err := app.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM mail_outbox WHERE kind = $1 AND lower($2) = ANY (SELECT lower(unnest(to_addrs)))`,
		kind, addr).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// mailsAbout counts the mails of a kind about a person (to anyone).
func mailsAbout(t *testing.T, app *apptest.App, kind string, personID int64) int {
	t.Helper()
	var n int
	err := app.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM mail_outbox WHERE kind = $1 AND person_id = $2`, kind, personID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// berlinToday is today in the association's time zone, as German readers
// write dates.
func berlinToday(t *testing.T) string {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return time.Now().In(loc).Format("02.01.2006")
}
