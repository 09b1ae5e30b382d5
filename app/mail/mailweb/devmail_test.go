package mailweb_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

func TestDevMailboxCapturesAndShowsMail(t *testing.T) {
	app := apptest.Start(t, apptest.Env("DEV", "true"), apptest.Env("MAIL_SERVER", ""))
	to := unique("dev")
	var ids []int64
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		for _, m := range []mail.Message{
			{Kind: "first", To: []string{to}, Subject: "Erste Mail", Text: "alt"},
			{
				Kind:    "event_confirmation",
				To:      []string{mail.Address("Ada <Lovelace>", to)},
				Bcc:     []string{"orga@example.org"},
				Subject: "Bitte bestätigen <b>jetzt</b>",
				Text:    "Hallo Ada,\n\nbitte klicke: https://example.org/confirm?a=1&b=2.\n<script>alert(1)</script>\n",
				Attachments: []mail.Attachment{
					{Filename: "plan.pdf", ContentType: "application/pdf", Content: []byte("%PDF")},
				},
			},
		} {
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
	for _, id := range ids {
		waitStatus(t, app, id, "captured")
	}
	if n := len(app.SMTP.Messages()); n != 0 {
		t.Errorf("%d mails sent in development mode without MAIL_SERVER", n)
	}

	resp := app.Get(t, app.Client(), "/dev/mail?to="+to)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /dev/mail = %d", resp.StatusCode)
	}
	body := resp.Body
	for _, want := range []string{
		"Bitte bestätigen &lt;b&gt;jetzt&lt;/b&gt;",
		to,
		"orga@example.org",
		`<a href="https://example.org/confirm?a=1&amp;b=2" rel="noreferrer">https://example.org/confirm?a=1&amp;b=2</a>.`,
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"plan.pdf",
		"abgefangen",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("mailbox lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<b>jetzt") {
		t.Error("mail content is not escaped")
	}
	if strings.Index(body, "Bitte bestätigen") > strings.Index(body, "Erste Mail") {
		t.Error("want the newest mail first")
	}
}

func TestDevMailboxDoesNotExistOutsideDevelopment(t *testing.T) {
	app := apptest.Start(t)
	resp := app.Get(t, app.Client(), "/dev/mail")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /dev/mail = %d, want 404", resp.StatusCode)
	}
	// Mail is sent, not captured.
	to := unique("prod")
	id := enqueue(t, app, to, "Echt")
	app.SMTP.WaitTo(t, to, 1, 5*time.Second)
	waitStatus(t, app, id, "sent")
}
