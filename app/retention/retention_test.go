package retention_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/retention"
)

// fixture is a database with data of every age, backdated by SQL.
type fixture struct {
	app *apptest.App
	ids map[string]int64
}

var seq atomic.Int64

func (f *fixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.app.Pool.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) id(t *testing.T, key, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := f.app.Pool.QueryRow(context.Background(), q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	f.ids[key] = id
	return id
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.app.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (f *fixture) person(t *testing.T, key, status, created string) int64 {
	t.Helper()
	n := seq.Add(1)
	return f.id(t, key, `INSERT INTO persons (name, email, membership_status, created_at, updated_at)
		VALUES ($1, $2, nullif($3, ''), now() - $4::interval, now() - $4::interval) RETURNING id`,
		"Person "+key, fmt.Sprintf("%s-%d@example.org", key, n), status, created)
}

// event ended ago, keeping its answers for keep (empty: the default),
// with one confirmed registration with answers.
func (f *fixture) event(t *testing.T, key, ended, keep, notify string) int64 {
	t.Helper()
	id := f.id(t, key, `INSERT INTO events (name, shortlink, registration_schema, starts_at, ends_at, retain_registrations, notify_email)
		VALUES ($1, $2, '{"type":"object","properties":{"wish":{"type":"string"}}}', now() - $3::interval - interval '2 hours',
		        now() - $3::interval, nullif($4, '')::interval, nullif($5, '')) RETURNING id`,
		"Fest "+key, fmt.Sprintf("%s%d", key, seq.Add(1)), ended, keep, notify)
	p := f.person(t, key+"-guest", "confirmed", "3 years")
	f.id(t, key+"-reg", `INSERT INTO registrations (event_id, person_id, status, data, confirmed_at, created_at)
		VALUES ($1, $2, 'confirmed', '{"wish": "Wunsch von `+key+`"}', now() - $3::interval, now() - $3::interval) RETURNING id`,
		id, p, ended)
	return id
}

func newFixture(t *testing.T) *fixture {
	app := apptest.Start(t)
	f := &fixture{app: app, ids: map[string]int64{}}
	ctx := context.Background()
	// Mails: sent 100 and 80 days ago, failed 91 days ago, queued 200 days ago.
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		for _, m := range []struct{ key, status, age string }{
			{"mail-old", "sent", "100 days"}, {"mail-recent", "sent", "80 days"},
			{"mail-failed", "failed", "91 days"}, {"mail-queued", "queued", "200 days"},
		} {
			id, err := mail.Enqueue(ctx, tx, mail.Message{Kind: "test", To: []string{m.key + "@example.org"}, Subject: m.key, Text: "x",
				Attachments: []mail.Attachment{{Filename: m.key + ".txt", ContentType: "text/plain", Content: []byte("only " + m.key)}}})
			if err != nil {
				return err
			}
			f.ids[m.key] = id
			if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET status = $2, created_at = now() - $3::interval,
				sent_at = CASE WHEN $2 = 'sent' THEN now() - $3::interval END, next_attempt_at = now() + interval '1 year'
				WHERE id = $1`, id, m.status, m.age); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Events: past their 12 months with and without organisers to tell,
	// not yet past, past their own month, within their own three years.
	f.event(t, "told", "13 months", "", "orga@example.org")
	f.event(t, "untold", "13 months", "", "")
	f.event(t, "young", "11 months", "", "orga-young@example.org")
	f.event(t, "short", "2 months", "1 month", "")
	f.event(t, "long", "2 years", "3 years", "")
	// Applications: unverified 7 and 5 months ago, verified 7 months ago.
	for _, a := range []struct{ key, status, age string }{
		{"app-stale", "email_unverified", "7 months"}, {"app-fresh", "email_unverified", "5 months"}, {"app-verified", "pending", "7 months"},
	} {
		p := f.person(t, a.key, a.status, a.age)
		f.exec(t, `INSERT INTO membership_applications (person_id, name, membership_type, created_at, verified_at)
			VALUES ($1, 'x', 'ordentlich', now() - $2::interval, CASE WHEN $3 = 'pending' THEN now() - $2::interval END)`, p, a.age, a.status)
	}
	// Persons: nobody needs one; a member and a former member stay.
	f.person(t, "idle", "", "7 months")
	f.person(t, "member", "confirmed", "7 months")
	f.person(t, "former", "canceled", "7 months")
	// Audit values 4 and 2 years old.
	f.exec(t, `INSERT INTO audit_log (at, actor, table_name, row_id, field, old_value, new_value) VALUES
		(now() - interval '4 years', 'x', 'persons', 'audit-old', 'name', 'Alt', 'Neu'),
		(now() - interval '2 years', 'x', 'persons', 'audit-young', 'name', 'Alt', 'Neu')`)
	// Expired and valid links, sessions and drafts.
	f.exec(t, `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use) VALUES
		(sha256(random()::text::bytea), 'gdpr_view', 1, now() - interval '1 minute', false),
		(sha256(random()::text::bytea), 'gdpr_view', 1, now() + interval '1 hour', false)`)
	f.exec(t, `INSERT INTO sessions (token, data, expiry) VALUES ($1, '\x00', now() - interval '1 minute'), ($2, '\x00', now() + interval '1 hour')`,
		fmt.Sprintf("expired-%d", seq.Add(1)), fmt.Sprintf("valid-%d", seq.Add(1)))
	user := app.NewUser(t)
	for _, d := range []struct{ key, age string }{{"draft-old", "8 days"}, {"draft-new", "1 hour"}} {
		f.exec(t, `INSERT INTO organiser_mail_drafts (key, event_id, user_id, sender_name, sender_email, subject, body, statuses, created_at)
			VALUES ($1, $2, $3, 'Orga', 'orga@example.org', 's', 'b', '{confirmed}', now() - $4::interval)`,
			fmt.Sprintf("%s-%d", d.key, seq.Add(1)), f.ids["young"], user.ID, d.age)
	}
	return f
}

func counts(rep retention.Report) map[string]int {
	out := map[string]int{}
	for _, l := range rep.Lines {
		out[l.Key] = l.Count
	}
	return out
}

// TestPurge runs the purge as `memberdb purge` does, first dry, against
// data of every age, and checks what went and what stayed.
func TestPurge(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := retention.New(f.app.Config, f.app.Pool, nil)
	now := time.Now()
	state := func() string {
		return fmt.Sprint(
			f.count(t, `SELECT count(*) FROM mail_outbox`), f.count(t, `SELECT count(*) FROM persons`),
			f.count(t, `SELECT count(*) FROM registrations WHERE data <> '{}'`), f.count(t, `SELECT count(*) FROM tokens`),
			f.count(t, `SELECT count(*) FROM audit_log WHERE old_value IS NOT NULL`), f.count(t, `SELECT count(*) FROM events WHERE retention_notice_at IS NOT NULL`))
	}
	before := state()
	dry, err := p.Run(ctx, now, true)
	if err != nil {
		t.Fatal(err)
	}
	if after := state(); after != before {
		t.Fatalf("the dry run changed the database: %s → %s", before, after)
	}
	var out strings.Builder
	if err := dry.Print(&out); err != nil || !strings.Contains(out.String(), "would purge") {
		t.Errorf("dry-run summary:\n%s", out.String())
	}

	rep, err := p.Run(ctx, now, false)
	if err != nil {
		t.Fatal(err)
	}
	// Other tests of this package share the database: only at-least
	// counts are exact to this test; the rows are checked one by one below.
	for key, min := range map[string]int{"notices": 1, "registrations": 2, "mails": 2, "applications": 1, "persons": 2,
		"audit": 1, "tokens": 1, "sessions": 1, "drafts": 1, "name_words": 0} {
		if got := counts(rep)[key]; got < min {
			t.Errorf("%s: purged %d, want at least %d\n%v", key, got, min, rep.Lines)
		}
	}
	if fmt.Sprint(counts(dry)) != fmt.Sprint(counts(rep)) {
		t.Errorf("the dry run said %v, the run did %v", counts(dry), counts(rep))
	}

	gone := func(what, q string, id int64) {
		t.Helper()
		if f.count(t, q, id) != 0 {
			t.Errorf("%s is still there", what)
		}
	}
	kept := func(what, q string, id int64) {
		t.Helper()
		if f.count(t, q, id) == 0 {
			t.Errorf("%s was purged", what)
		}
	}
	const mailQ = `SELECT count(*) FROM mail_outbox WHERE id = $1`
	gone("the mail sent 100 days ago", mailQ, f.ids["mail-old"])
	gone("the mail failed 91 days ago", mailQ, f.ids["mail-failed"])
	kept("the mail sent 80 days ago", mailQ, f.ids["mail-recent"])
	kept("the queued mail", mailQ, f.ids["mail-queued"])
	if n := f.count(t, `SELECT count(*) FROM mail_blobs WHERE content = 'only mail-old'::bytea`); n != 0 {
		t.Error("the purged mail's attachment content is still stored")
	}

	const answersQ = `SELECT count(*) FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.id = $1 AND r.data <> '{}' AND p.anonymised_at IS NULL`
	gone("the answers of the event past 12 months without organisers to tell", answersQ, f.ids["untold-reg"])
	gone("the answers of the event past its own month", answersQ, f.ids["short-reg"])
	kept("the answers of the event whose organisers were only now told", answersQ, f.ids["told-reg"])
	kept("the answers of the event 11 months ago", answersQ, f.ids["young-reg"])
	kept("the answers of the event keeping them 3 years", answersQ, f.ids["long-reg"])
	// The count stays: the registration is still confirmed, just nobody's.
	kept("the anonymised registration", `SELECT count(*) FROM registrations WHERE id = $1 AND status = 'confirmed'`, f.ids["untold-reg"])
	kept("the guest of the anonymised event (a member)", `SELECT count(*) FROM persons WHERE id = $1 AND anonymised_at IS NULL`, f.ids["untold-guest"])

	const personQ = `SELECT count(*) FROM persons WHERE id = $1`
	gone("the person of the stale application", personQ, f.ids["app-stale"])
	kept("the person of the fresh application", personQ, f.ids["app-fresh"])
	kept("the person of the verified application", personQ, f.ids["app-verified"])
	gone("the person nobody needs", personQ, f.ids["idle"])
	kept("the member", personQ, f.ids["member"])
	kept("the former member", personQ, f.ids["former"])

	if f.count(t, `SELECT count(*) FROM audit_log WHERE row_id = 'audit-old' AND old_value IS NULL AND new_value IS NULL AND field = 'name'`) != 1 {
		t.Error("the 4 years old audit entry kept its values (or lost its field)")
	}
	if f.count(t, `SELECT count(*) FROM audit_log WHERE row_id = 'audit-young' AND old_value = 'Alt'`) != 1 {
		t.Error("the 2 years old audit entry lost its values")
	}
	if f.count(t, `SELECT count(*) FROM tokens WHERE expires_at < now()`) != 0 || f.count(t, `SELECT count(*) FROM tokens WHERE expires_at > now()`) == 0 {
		t.Error("expired links should go and valid ones stay")
	}
	if f.count(t, `SELECT count(*) FROM sessions WHERE expiry < now()`) != 0 || f.count(t, `SELECT count(*) FROM sessions WHERE expiry > now()`) == 0 {
		t.Error("expired sessions should go and valid ones stay")
	}
	if f.count(t, `SELECT count(*) FROM organiser_mail_drafts WHERE created_at < now() - interval '7 days'`) != 0 ||
		f.count(t, `SELECT count(*) FROM organiser_mail_drafts WHERE created_at > now() - interval '1 day'`) == 0 {
		t.Error("old drafts should go and new ones stay")
	}
	if f.count(t, `SELECT count(*) FROM audit_log WHERE actor = 'purge' AND table_name = 'purge' AND new_value LIKE 'notices=%'`) == 0 {
		t.Error("the run is not in the audit log")
	}

	// The organisers of the told event got their notice, once, with the
	// date and the link to the CSV export.
	msgs := f.app.SMTP.WaitTo(t, "orga@example.org", 1, 15*time.Second)
	notice := msgs[0]
	csv := fmt.Sprintf("/events/%d/participants.csv", f.ids["told"])
	if !strings.Contains(notice.Text, csv) || !strings.Contains(notice.Text, now.AddDate(0, 0, 14).In(berlin(t)).Format("02.01.2006")) {
		t.Errorf("notice mail lacks the CSV link %s or the date:\n%s", csv, notice.Text)
	}
	again, err := p.Run(ctx, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if counts(again)["notices"] != 0 {
		t.Errorf("a second run sent %d notices again", counts(again)["notices"])
	}
	kept("the told event's answers on the day after the notice", answersQ, f.ids["told-reg"])

	// Two weeks after the notice they go.
	later, err := p.Run(ctx, now.Add(15*24*time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	gone("the told event's answers two weeks after the notice", answersQ, f.ids["told-reg"])
	if counts(later)["registrations"] < 1 {
		t.Errorf("the later run reports %v", later.Lines)
	}
}

// The daily run of serve purges by itself, once a day however many
// instances look.
func TestDailyRun(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	p := retention.New(f.app.Config, f.app.Pool, nil)
	if _, err := f.app.Pool.Exec(ctx, `DELETE FROM job_runs`); err != nil {
		t.Fatal(err)
	}
	var start time.Time
	if err := f.app.Pool.QueryRow(ctx, `SELECT now()`).Scan(&start); err != nil {
		t.Fatal(err)
	}
	var waits []func()
	for range 3 {
		r := &jobs.Runner{Pool: f.app.Pool, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Tick: 20 * time.Millisecond}
		waits = append(waits, r.Start(ctx, p.Jobs(time.Now)...))
	}
	apptest.Eventually(t, 15*time.Second, "the daily purge to finish", func() bool {
		last, err := jobs.LastFinished(ctx, f.app.Pool, "purge")
		return err == nil && !last.IsZero()
	})
	cancel()
	for _, w := range waits {
		w()
	}
	if n := f.count(t, `SELECT count(*) FROM persons WHERE id = $1`, f.ids["idle"]); n != 0 {
		t.Error("the daily run left the person nobody needs")
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE actor = 'purge' AND at >= $1`, start); n != 1 {
		t.Errorf("the daily run ran %d times in three instances, want once", n)
	}
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A denied applicant whose mandate the denial revoked, and someone whose
// fees were paid, are the association's books: their rows keep them from
// being deleted. The purge found them idle, and deleting them failed the
// whole run, every night; it anonymises them instead.
func TestPurgeAnonymisesWhomTheBooksKeep(t *testing.T) {
	f := newFixture(t)
	denied := f.person(t, "denied-mandate", "denied", "7 months")
	f.exec(t, `INSERT INTO sepa_mandates (person_id, reference, account_holder, iban_sealed, iban_masked, signed_on, revoked_at)
		VALUES ($1, 'REF-PURGE-1', 'Kontoinhaberin', '\x00'::bytea, 'DE** **** 1234', DATE '2024-01-01', now() - interval '7 months')`, denied)
	paid := f.person(t, "paid-fee", "", "7 months")
	f.exec(t, `INSERT INTO fees (person_id, year, cents, status) VALUES ($1, 2024, 2000, 'paid')`, paid)
	f.exec(t, `UPDATE persons SET updated_at = now() - interval '7 months' WHERE id IN ($1, $2)`, denied, paid)
	// A reduced fee category goes with the erasure: it keeps no one.
	reduced := f.person(t, "reduced", "", "7 months")
	f.exec(t, `INSERT INTO fee_categories (person_id, category) VALUES ($1, 'ermaessigt')`, reduced)
	f.exec(t, `UPDATE persons SET updated_at = now() - interval '7 months' WHERE id = $1`, reduced)

	p := retention.New(f.app.Config, f.app.Pool, nil)
	if _, err := p.Run(context.Background(), time.Now(), false); err != nil {
		t.Fatalf("the purge failed: %v", err)
	}
	for _, id := range []int64{denied, paid} {
		if n := f.count(t, `SELECT count(*) FROM persons WHERE id = $1 AND anonymised_at IS NOT NULL AND email NOT LIKE '%example%'`, id); n != 1 {
			t.Errorf("person %d is not kept anonymised", id)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM persons WHERE id = $1`, f.ids["idle"]); n != 0 {
		t.Error("the person nobody needs was not purged beside them")
	}
	if n := f.count(t, `SELECT count(*) FROM persons WHERE id = $1`, reduced); n != 0 {
		t.Error("the person of a reduced category alone was kept")
	}
	// Months later they are not erased again, nor counted.
	f.exec(t, `UPDATE persons SET updated_at = now() - interval '7 months' WHERE id IN ($1, $2)`, denied, paid)
	again, err := p.Run(context.Background(), time.Now(), false)
	if err != nil {
		t.Fatalf("the next purge failed: %v", err)
	}
	if n := counts(again)["persons"]; n != 0 {
		t.Errorf("the next purge counted %d persons", n)
	}
}
