package mailweb_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

func unique(name string) string {
	return fmt.Sprintf("%s.%d@example.org", name, time.Now().UnixNano())
}

func enqueue(t *testing.T, app *apptest.App, to, subject string) int64 {
	t.Helper()
	var id int64
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		var err error
		id, err = mail.Enqueue(context.Background(), tx, mail.Message{Kind: "test", To: []string{to}, Subject: subject, Text: "Hallo"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func status(t *testing.T, app *apptest.App, id int64) (string, int) {
	t.Helper()
	var s string
	var attempts int
	if err := app.Pool.QueryRow(context.Background(), `SELECT status, attempts FROM mail_outbox WHERE id = $1`, id).Scan(&s, &attempts); err != nil {
		t.Fatal(err)
	}
	return s, attempts
}

func waitStatus(t *testing.T, app *apptest.App, id int64, want string) {
	t.Helper()
	apptest.EventuallyValue(t, 10*time.Second, fmt.Sprintf("mail %d to be %s", id, want), func() (string, bool) {
		s, _ := status(t, app, id)
		return s, s == want
	})
}

// failedMail writes a mail that failed for good.
func failedMail(t *testing.T, app *apptest.App, to string) int64 {
	t.Helper()
	var id int64
	err := app.Pool.QueryRow(context.Background(), `
		INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status, attempts, last_error)
		VALUES ('test', ARRAY[$1], 'Fehlgeschlagen', 'Text', 'failed', 1, '550 Mailbox unavailable') RETURNING id`, to).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOutboxNeedsMailAdmin(t *testing.T) {
	app := apptest.Start(t)
	admin, _ := app.ClientWith(t, "mail_admin")
	other, _ := app.ClientWith(t, "member_management")
	tests := []struct {
		name       string
		client     *http.Client
		wantStatus int
	}{
		{"anonymous is sent to log in", app.Client(), http.StatusSeeOther},
		{"wrong level", other, http.StatusForbidden},
		{"mail_admin", admin, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, tt.client, "/admin/mail")
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("GET /admin/mail = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login/") {
				t.Errorf("Location = %q, want the login page", resp.Header.Get("Location"))
			}
			if tt.wantStatus == http.StatusOK && !strings.Contains(resp.Body, `data-testid="mail-admin"`) {
				t.Errorf("the outbox is missing from the page")
			}
		})
	}
}

func TestPermanentFailureIsShownAndRetriedFromTheOutbox(t *testing.T) {
	app := apptest.Start(t)
	admin, user := app.ClientWith(t, "mail_admin")
	app.SMTP.Reject(550, "Mailbox unavailable")
	to := unique("bounce")
	id := enqueue(t, app, to, "Zurückgewiesen")
	waitStatus(t, app, id, "failed")

	list := app.Get(t, admin, "/admin/mail?status=failed&q="+url.QueryEscape(to))
	row := rowOf(t, list.Body, id)
	for _, want := range []string{`data-status="failed"`, "fehlgeschlagen", "550", "Mailbox unavailable", "Versuche: 1", `data-testid="mail-retry"`, to} {
		if !strings.Contains(row, want) {
			t.Errorf("row lacks %q:\n%s", want, row)
		}
	}

	app.SMTP.Accept()
	resp := app.PostForm(t, admin, fmt.Sprintf("/admin/mail/%d/retry", id), url.Values{"return": {"status=failed"}},
		"HX-Request", "true")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("retry = %d", resp.StatusCode)
	}
	if strings.Contains(resp.Body, "<html") || !strings.Contains(resp.Body, fmt.Sprintf(`id="mail-%d"`, id)) ||
		!strings.Contains(resp.Body, `data-status="queued"`) || strings.Contains(resp.Body, `data-testid="mail-retry"`) {
		t.Errorf("retry answered with %q, want the row alone, queued, without a retry button", resp.Body)
	}
	if !strings.Contains(resp.Header.Get("HX-Trigger"), "Die Mail wird erneut gesendet.") {
		t.Errorf("HX-Trigger = %q, want the success toast", resp.Header.Get("HX-Trigger"))
	}
	app.SMTP.WaitTo(t, to, 1, 5*time.Second)
	waitStatus(t, app, id, "sent")
	if _, attempts := status(t, app, id); attempts != 1 {
		t.Errorf("attempts = %d after a retry that worked, want the count started again at 1", attempts)
	}
	var actor, oldValue, newValue string
	err := app.Pool.QueryRow(context.Background(), `
		SELECT actor, old_value, new_value FROM audit_log WHERE table_name = 'mail_outbox' AND row_id = $1`, fmt.Sprint(id)).
		Scan(&actor, &oldValue, &newValue)
	if err != nil || actor != user.Username || oldValue != "failed" || newValue != "queued" {
		t.Errorf("audit = %q %q→%q (%v)", actor, oldValue, newValue, err)
	}
}

// rowOf cuts mail id's table row out of a page.
func rowOf(t *testing.T, body string, id int64) string {
	t.Helper()
	start := strings.Index(body, fmt.Sprintf(`<tr id="mail-%d"`, id))
	if start < 0 {
		t.Fatalf("mail %d is not listed", id)
	}
	end := strings.Index(body[start:], "</tr>")
	return body[start : start+end]
}

func TestRetryIsProtected(t *testing.T) {
	app := apptest.Start(t)
	admin, _ := app.ClientWith(t, "mail_admin")
	other, _ := app.ClientWith(t, "member_management")
	// Without a worker a retried mail stays queued for the checks below.
	app.Worker.Stop()
	id := failedMail(t, app, unique("protected"))
	path := fmt.Sprintf("/admin/mail/%d/retry", id)
	tests := []struct {
		name       string
		client     *http.Client
		headers    []string
		wantStatus int
	}{
		{"cross-site", admin, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"anonymous", app.Client(), nil, http.StatusUnauthorized},
		{"wrong level", other, nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.PostForm(t, tt.client, path, url.Values{}, tt.headers...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("POST = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if s, _ := status(t, app, id); s != "failed" {
				t.Errorf("mail is %s, want still failed", s)
			}
		})
	}

	t.Run("without htmx it returns to the list", func(t *testing.T) {
		resp := app.PostForm(t, admin, path, url.Values{"return": {"status=failed&q=protected&page=x"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/mail?q=protected&status=failed" {
			t.Fatalf("POST = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if s, _ := status(t, app, id); s != "queued" {
			t.Errorf("mail is %s, want queued", s)
		}
		page := app.Get(t, admin, resp.Header.Get("Location"))
		if !strings.Contains(page.Body, "Die Mail wird erneut gesendet.") {
			t.Errorf("the list does not show the flash")
		}
	})
	t.Run("a mail that has not failed is left alone", func(t *testing.T) {
		resp := app.PostForm(t, admin, path, url.Values{}, "HX-Request", "true")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("HX-Trigger"), "Nur fehlgeschlagene Mails") {
			t.Fatalf("POST = %d, HX-Trigger %q", resp.StatusCode, resp.Header.Get("HX-Trigger"))
		}
		if s, _ := status(t, app, id); s != "queued" {
			t.Errorf("mail is %s, want still queued", s)
		}
	})
	t.Run("unknown mail", func(t *testing.T) {
		for _, p := range []string{"/admin/mail/999999999/retry", "/admin/mail/abc/retry"} {
			if resp := app.PostForm(t, admin, p, url.Values{}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s = %d, want 404", p, resp.StatusCode)
			}
		}
	})
}

func TestOutboxFiltersSearchesAndPages(t *testing.T) {
	app := apptest.Start(t)
	admin, _ := app.ClientWith(t, "mail_admin")
	domain := fmt.Sprintf("d%d.example.org", time.Now().UnixNano())
	// 55 sent mails to the domain and 3 failed ones, one to a name with an
	// underscore that a LIKE wildcard would also match.
	_, err := app.Pool.Exec(context.Background(), `
		INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status, sent_at, created_at)
		SELECT 'test', ARRAY['p' || i || '@' || $1], 'Nr. ' || i, 'Text', 'sent', now(), now() - i * interval '1 minute'
		FROM generate_series(1, 55) AS i`, domain)
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.Pool.Exec(context.Background(), `
		INSERT INTO mail_outbox (kind, to_addrs, cc_addrs, subject, body_text, status, last_error)
		VALUES ('test', ARRAY['x@example.org'], ARRAY['under_score@' || $1], 'Kopie', 'Text', 'failed', '550 no'),
		       ('test', ARRAY['underXscore@' || $1], '{}', 'Andere', 'Text', 'failed', '550 no'),
		       ('test', ARRAY['third@' || $1], '{}', 'Dritte', 'Text', 'failed', '550 no')`, domain)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		query     string
		wantTotal int
		wantRows  int
		wantNext  bool
	}{
		{"search by recipient", "q=" + domain, 58, 50, true},
		{"second page", "q=" + domain + "&page=2", 58, 8, false},
		{"status", "status=failed&q=" + domain, 3, 3, false},
		{"search finds cc", "q=under_score@", 1, 1, false},
		{"unknown status shows all", "status=bogus&q=" + domain, 58, 50, true},
		{"no match", "q=nobody." + domain, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, admin, "/admin/mail?"+tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET = %d", resp.StatusCode)
			}
			noun := "Mails"
			if tt.wantTotal == 1 {
				noun = "Mail"
			}
			if want := fmt.Sprintf(`data-testid="mail-total">%d %s<`, tt.wantTotal, noun); !strings.Contains(resp.Body, want) {
				t.Errorf("want %s", want)
			}
			if n := strings.Count(resp.Body, `data-testid="mail-row"`); n != tt.wantRows {
				t.Errorf("%d rows, want %d", n, tt.wantRows)
			}
			if got := strings.Contains(resp.Body, `data-testid="mail-next"`); got != tt.wantNext {
				t.Errorf("next link shown: %v, want %v", got, tt.wantNext)
			}
		})
	}

	t.Run("newest first", func(t *testing.T) {
		body := app.Get(t, admin, "/admin/mail?status=sent&q="+domain).Body
		if strings.Index(body, ">Nr. 1<") > strings.Index(body, ">Nr. 2<") {
			t.Error("Nr. 1 (the newest) should come before Nr. 2")
		}
	})
	t.Run("htmx gets only the list", func(t *testing.T) {
		resp := app.Get(t, admin, "/admin/mail?q="+domain, "HX-Request", "true")
		if strings.Contains(resp.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(resp.Body), `<div id="mail-outbox"`) {
			t.Errorf("fragment = %.200q", resp.Body)
		}
		if !strings.Contains(resp.Body, `href="/admin/mail?page=2&amp;q=`+domain+`"`) {
			t.Errorf("the next link loses the filter")
		}
	})
}
