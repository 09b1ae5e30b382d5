package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

// enqueue writes msgs in one committed transaction of app's pool.
func enqueue(t *testing.T, app *apptest.App, msgs ...mail.Message) []int64 {
	t.Helper()
	var ids []int64
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		for _, m := range msgs {
			id, err := mail.Enqueue(context.Background(), tx, m)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// simple is a plain mail to addr.
func simple(addr, subject string) mail.Message {
	return mail.Message{Kind: "test", To: []string{addr}, Subject: subject, Text: "Hallo " + addr + "\n"}
}

// outboxRow is what the outbox says about one mail.
type outboxRow struct {
	Status    string
	Attempts  int
	LastError string
	SentAt    *time.Time
	Tries     int // rows in mail_attempts
}

func row(t *testing.T, pool *pgxpool.Pool, id int64) outboxRow {
	t.Helper()
	var r outboxRow
	err := pool.QueryRow(context.Background(), `
		SELECT status, attempts, last_error, sent_at, (SELECT count(*) FROM mail_attempts WHERE mail_id = o.id)
		FROM mail_outbox o WHERE id = $1`, id).Scan(&r.Status, &r.Attempts, &r.LastError, &r.SentAt, &r.Tries)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitRow polls mail id until ok holds, failing t after a few seconds.
func waitRow(t *testing.T, pool *pgxpool.Pool, id int64, what string, ok func(outboxRow) bool) outboxRow {
	t.Helper()
	return apptest.EventuallyValue(t, 10*time.Second, fmt.Sprintf("mail %d: %s", id, what), func() (outboxRow, bool) {
		r := row(t, pool, id)
		return r, ok(r)
	})
}

func unique(t *testing.T, name string) string {
	return fmt.Sprintf("%s.%d@example.org", name, time.Now().UnixNano())
}

func TestQueuedMailArrivesOnceWithHeadersAndBody(t *testing.T) {
	app := apptest.Start(t)
	to := unique(t, "juergen")
	text := "Hallo Jürgen,\n\ndeine Anmeldung ist da: https://example.org/e/1?x=1&y=2\n" +
		strings.Repeat("eine sehr lange Zeile ", 10) + "\nEnde.\n"
	ids := enqueue(t, app, mail.Message{
		Kind:    "test",
		To:      []string{mail.Address("Jürgen Müller", to)},
		Cc:      []string{"cc@example.org"},
		Bcc:     []string{"bcc@example.org"},
		ReplyTo: "orga@example.org",
		Subject: "Anmeldung bestätigt – Sommerfest",
		Text:    text,
		HTML:    "<p>Hallo Jürgen</p>",
		Attachments: []mail.Attachment{
			{Filename: "teilnehmer.csv", ContentType: "text/csv", Content: []byte("name;email\nA;a@example.org\n")},
		},
	})
	m := app.SMTP.WaitTo(t, to, 1, 5*time.Second)[0]

	if m.Subject != "Anmeldung bestätigt – Sommerfest" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != text {
		t.Errorf("text body = %q, want %q", m.Text, text)
	}
	if m.HTML != "<p>Hallo Jürgen</p>" {
		t.Errorf("HTML body = %q", m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "teilnehmer.csv" ||
		m.Attachments[0].ContentType != "text/csv" || string(m.Attachments[0].Content) != "name;email\nA;a@example.org\n" {
		t.Errorf("attachments = %+v", m.Attachments)
	}
	headers := []struct{ name, want string }{
		{"From", "noreply@example.org"},
		{"To", to},
		{"Cc", "cc@example.org"},
		{"Reply-To", "orga@example.org"},
	}
	for _, h := range headers {
		addrs, err := m.Header.AddressList(h.name)
		if err != nil || len(addrs) != 1 || addrs[0].Address != h.want {
			t.Errorf("%s = %v (%v), want %s", h.name, addrs, err, h.want)
		}
	}
	if to, _ := m.Header.AddressList("To"); len(to) == 1 && to[0].Name != "Jürgen Müller" {
		t.Errorf("To name = %q", to[0].Name)
	}
	if m.Header.Get("Bcc") != "" {
		t.Errorf("Bcc header is visible: %q", m.Header.Get("Bcc"))
	}
	if m.Header.Get("Message-ID") == "" || m.Header.Get("Date") == "" {
		t.Errorf("Message-ID %q, Date %q: want both", m.Header.Get("Message-ID"), m.Header.Get("Date"))
	}
	if m.From != "noreply@example.org" {
		t.Errorf("envelope sender = %q", m.From)
	}
	if want := []string{to, "cc@example.org", "bcc@example.org"}; strings.Join(m.Rcpt, ",") != strings.Join(want, ",") {
		t.Errorf("envelope recipients = %v, want %v", m.Rcpt, want)
	}

	r := waitRow(t, app.Pool, ids[0], "sent", func(r outboxRow) bool { return r.Status == "sent" })
	if r.Attempts != 1 || r.SentAt == nil || r.LastError != "" {
		t.Errorf("outbox row = %+v, want one attempt, sent_at set, no error", r)
	}
	// Another mail through the same worker proves the first is not sent again.
	marker := unique(t, "marker")
	enqueue(t, app, simple(marker, "Marker"))
	app.SMTP.WaitTo(t, marker, 1, 5*time.Second)
	if got := app.SMTP.To(to); len(got) != 1 {
		t.Errorf("%d mails to %s, want exactly 1", len(got), to)
	}
}

func TestRolledBackTransactionSendsNothing(t *testing.T) {
	app := apptest.Start(t)
	lost := unique(t, "lost")
	errAbort := errors.New("the change failed")
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		if _, err := mail.Enqueue(context.Background(), tx, simple(lost, "Nie")); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("transaction: %v", err)
	}
	// The worker delivers in order of queueing: once a later mail arrived,
	// the rolled-back one would have too.
	marker := unique(t, "marker")
	enqueue(t, app, simple(marker, "Marker"))
	app.SMTP.WaitTo(t, marker, 1, 5*time.Second)
	if got := app.SMTP.To(lost); len(got) != 0 {
		t.Errorf("rolled-back mail was sent %d times", len(got))
	}
	var n int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE $1 = ANY(to_addrs)`, lost).Scan(&n); err != nil || n != 0 {
		t.Errorf("outbox holds %d rows of the rolled-back mail (%v)", n, err)
	}
}

func TestEnqueueRefusesBadMail(t *testing.T) {
	app := apptest.Start(t)
	ok := mail.Message{Kind: "test", To: []string{"a@example.org"}, Subject: "S", Text: "T"}
	tests := []struct {
		name    string
		change  func(*mail.Message)
		wantErr error
	}{
		{"no recipient", func(m *mail.Message) { m.To = nil }, mail.ErrNoRecipient},
		{"line break in display name", func(m *mail.Message) { m.To = []string{"Name\r\nBcc: someone@example.org <a@example.org>"} }, mail.ErrHeaderInjection},
		{"line feed in cc", func(m *mail.Message) { m.Cc = []string{"a@example.org\nBcc: someone@example.org"} }, mail.ErrHeaderInjection},
		{"line break in reply-to", func(m *mail.Message) { m.ReplyTo = "a@example.org\r\nBcc: someone@example.org" }, mail.ErrHeaderInjection},
		{"line break in subject", func(m *mail.Message) { m.Subject = "Hallo\r\nBcc: someone@example.org" }, mail.ErrHeaderInjection},
		{"line break in attachment name", func(m *mail.Message) {
			m.Attachments = []mail.Attachment{{Filename: "a\r\nBcc: someone@example.org", ContentType: "text/plain"}}
		}, mail.ErrHeaderInjection},
		{"unparseable address", func(m *mail.Message) { m.Bcc = []string{"not an address"} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.change(&m)
			tx, err := app.Pool.Begin(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(context.Background())
			_, err = mail.Enqueue(context.Background(), tx, m)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("mail.Enqueue = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestLineBreakInNameCannotAddHeaderOrRecipient(t *testing.T) {
	app := apptest.Start(t)
	victim := unique(t, "victim")
	ids := enqueue(t, app, mail.Message{
		Kind:    "test",
		To:      []string{mail.Address("Name\r\nBcc: someone@example.org", victim)},
		ReplyTo: mail.Address("Orga\r\nBcc: someone@example.org", "orga@example.org"),
		Subject: "Hallo",
		Text:    "Text",
	})
	m := app.SMTP.WaitTo(t, victim, 1, 5*time.Second)[0]
	if len(m.Rcpt) != 1 || m.Rcpt[0] != victim {
		t.Errorf("envelope recipients = %v, want only %s", m.Rcpt, victim)
	}
	if len(app.SMTP.To("someone@example.org")) != 0 {
		t.Error("someone@example.org received the mail")
	}
	if m.Header.Get("Bcc") != "" {
		t.Errorf("a Bcc header got in: %q", m.Header.Get("Bcc"))
	}
	for _, line := range strings.Split(string(m.Raw), "\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("raw mail has a line %q", line)
		}
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != victim || to[0].Name != "Name\r\nBcc: someone@example.org" {
		t.Errorf("To = %v (%v): want the name kept as an encoded word", to, err)
	}
	waitRow(t, app.Pool, ids[0], "sent", func(r outboxRow) bool { return r.Status == "sent" })
}

func TestWorkerRefusesInjectedRowWrittenAroundEnqueue(t *testing.T) {
	app := apptest.Start(t)
	victim := unique(t, "victim")
	var id int64
	// Something other than mail.Enqueue wrote the outbox: the worker checks again.
	err := app.Pool.QueryRow(context.Background(), `
		INSERT INTO mail_outbox (kind, to_addrs, subject, body_text)
		VALUES ('test', ARRAY[$1], E'Hallo\r\nBcc: someone@example.org', 'Text') RETURNING id`, victim).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	r := waitRow(t, app.Pool, id, "failed", func(r outboxRow) bool { return r.Status == "failed" })
	if !strings.Contains(r.LastError, "line break") {
		t.Errorf("last error = %q", r.LastError)
	}
	if n := len(app.SMTP.Messages()); n != 0 {
		t.Errorf("%d mails sent, want none", n)
	}
}

// Mails of one change go out in the order they were written, so a
// participant reads "cancelled" before "moved up"; each batch's deliveries
// are all recorded.
func TestMailsOfOneTransactionArriveInOrderAndAreRecorded(t *testing.T) {
	app := apptest.Start(t)
	to := unique(t, "reihenfolge")
	var msgs []mail.Message
	for i := range 60 {
		msgs = append(msgs, simple(to, fmt.Sprintf("Nachricht %02d", i)))
	}
	ids := enqueue(t, app, msgs...)
	got := app.SMTP.WaitTo(t, to, len(msgs), 10*time.Second)
	for i, m := range got {
		if want := fmt.Sprintf("Nachricht %02d", i); m.Subject != want {
			t.Fatalf("mail %d is %q, want %q", i, m.Subject, want)
		}
	}
	for _, id := range ids {
		waitRow(t, app.Pool, id, "sent", func(r outboxRow) bool { return r.Status == "sent" && r.Attempts == 1 && r.SentAt != nil })
	}
}
