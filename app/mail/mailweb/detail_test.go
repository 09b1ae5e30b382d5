package mailweb_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

// A mail to "Jürgen Müller" as the board reads it, with a reset link in
// its text and two failed attempts behind it.
func jurgensMail(t *testing.T, app *apptest.App) (id int64, addr, token string) {
	t.Helper()
	addr = unique("juergen")
	token = strings.Repeat("Ab3_", 10) + "xyz"
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		var err error
		id, err = mail.Enqueue(context.Background(), tx, mail.Message{Kind: "password_reset",
			To: []string{"Jürgen Müller <" + addr + ">"}, Subject: "Passwort zurücksetzen",
			Text: "Hallo Jürgen,\nhier ist dein Link: https://members.example.org/password_reset/" + token + "\nBis bald"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.Pool.Exec(context.Background(), `
		UPDATE mail_outbox SET status = 'failed', attempts = 2, last_error = '550 5.1.1 mailbox unavailable' WHERE id = $1;`, id)
	if err == nil {
		_, err = app.Pool.Exec(context.Background(), `INSERT INTO mail_attempts (mail_id, error)
			VALUES ($1, '421 4.7.0 try again later'), ($1, '550 5.1.1 mailbox unavailable')`, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id, addr, token
}

// The outbox shows names as people write them, not MIME-encoded, and each
// mail opens to its headers, text and every attempt's answer, with the
// secret part of its links hidden from whoever reads the outbox.
func TestOutboxShowsAMailInFull(t *testing.T) {
	app := apptest.Start(t)
	id, addr, token := jurgensMail(t, app)
	admin, _ := app.ClientWith(t, "mail_admin")

	list := app.Get(t, admin, "/admin/mail?q="+addr)
	if !strings.Contains(list.Body, "Jürgen Müller &lt;"+addr+"&gt;") || strings.Contains(list.Body, "=?utf-8") {
		t.Errorf("the outbox does not show the decoded name:\n%s", rowOf(t, list.Body, id))
	}
	if !strings.Contains(list.Body, fmt.Sprintf(`href="/admin/mail/%d"`, id)) {
		t.Error("the outbox does not link to the mail")
	}

	for _, lang := range []string{"de", "en"} {
		page := app.Get(t, admin, fmt.Sprintf("/admin/mail/%d", id), "Accept-Language", lang)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("GET /admin/mail/%d = %d", id, page.StatusCode)
		}
		for _, want := range []string{"Jürgen Müller &lt;" + addr + "&gt;", "Passwort zurücksetzen", "Hallo Jürgen,",
			"421 4.7.0 try again later", "550 5.1.1 mailbox unavailable", `data-testid="mail-retry"`,
			map[string]string{"de": "Zustellversuche", "en": "Delivery attempts"}[lang]} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("%s: the mail's page does not show %q", lang, want)
			}
		}
		if strings.Contains(page.Body, token) {
			t.Errorf("%s: the mail's page shows the secret of its link", lang)
		}
	}

	if resp := app.Get(t, admin, "/admin/mail/999999999"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown mail = %d, want 404", resp.StatusCode)
	}
	other, _ := app.ClientWith(t, "get_members")
	if resp := app.Get(t, other, fmt.Sprintf("/admin/mail/%d", id)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without mail_admin = %d, want 403", resp.StatusCode)
	}
}

// The development mailbox decodes names too.
func TestDevMailboxShowsDecodedNames(t *testing.T) {
	app := apptest.Start(t, apptest.Env("DEV", "true"))
	_, addr, _ := jurgensMail(t, app)
	page := app.Get(t, app.Client(), "/dev/mail?to="+addr)
	if !strings.Contains(page.Body, "Jürgen Müller &lt;"+addr+"&gt;") || strings.Contains(page.Body, "=?utf-8") {
		t.Errorf("the mailbox does not show the decoded name")
	}
}
