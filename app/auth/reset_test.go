package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
)

var resetLink = regexp.MustCompile(`/password_reset/[A-Za-z0-9_-]{43}`)

// requestReset asks for a link for userOrEmail and returns the answer.
func requestReset(t *testing.T, app *apptest.App, userOrEmail string) apptest.Response {
	t.Helper()
	return app.PostForm(t, app.Client(), "/password_reset/", url.Values{"user_or_email": {userOrEmail}})
}

// mailedLink waits for the n-th reset mail to addr and returns its path.
func mailedLink(t *testing.T, app *apptest.App, addr string, n int) string {
	t.Helper()
	msgs := app.SMTP.WaitTo(t, addr, n, 10*time.Second)
	link := resetLink.FindString(msgs[n-1].Text)
	if link == "" {
		t.Fatalf("no reset link in the mail:\n%s", msgs[n-1].Text)
	}
	if !strings.Contains(msgs[n-1].Text, app.URL+link) {
		t.Errorf("the link is not absolute on BASE_URL:\n%s", msgs[n-1].Text)
	}
	return link
}

func setPassword(t *testing.T, app *apptest.App, c *http.Client, link, password, confirm string) apptest.Response {
	t.Helper()
	return app.PostForm(t, c, link, url.Values{"new_password": {password}, "confirm": {confirm}})
}

func TestResetAnswersTheSameForKnownAndUnknown(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "altes-passwort")
	known := requestReset(t, app, u.Email)
	unknown := requestReset(t, app, "nobody-"+u.Email)
	if known.StatusCode != http.StatusOK || !strings.Contains(known.Body, `data-testid="reset-sent"`) {
		t.Fatalf("reset request = %d, want 200 with the sent message", known.StatusCode)
	}
	if known.StatusCode != unknown.StatusCode || known.Body != unknown.Body {
		t.Fatal("a known and an unknown address get different answers")
	}
	if !strings.Contains(known.Body, "Der Link gilt 30 Minuten.") {
		t.Error("the answer does not say how long the link works")
	}
	msgs := app.SMTP.WaitTo(t, u.Email, 1, 10*time.Second)
	if !strings.Contains(msgs[0].Subject, "Passwort zurücksetzen") {
		t.Errorf("subject = %q, want the German reset subject", msgs[0].Subject)
	}
	// The worker sends in the order mails were queued: once the mail of a
	// later request is out, one for the unknown address would be too.
	later := newUser(t, app, "anderes-passwort")
	requestReset(t, app, later.Email)
	app.SMTP.WaitTo(t, later.Email, 1, 10*time.Second)
	if all := app.SMTP.Messages(); len(all) != 2 {
		t.Fatalf("%d mails sent, want only the ones to the two known accounts", len(all))
	}
	var queued int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE kind = 'password_reset' AND $1 = ANY(to_addrs)`,
		"nobody-"+u.Email).Scan(&queued); err != nil || queued != 0 {
		t.Fatalf("mails queued for the unknown address: %d (%v)", queued, err)
	}
}

func TestResetNeedsAName(t *testing.T) {
	app := apptest.Start(t)
	resp := requestReset(t, app, "  ")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="user_or_email-error"`) {
		t.Fatalf("empty reset request = %d, want 422 with a message at the field", resp.StatusCode)
	}
}

func TestResetSetsPasswordAndEndsOtherSessions(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "altes-passwort")
	elsewhere := app.LoginAs(t, u) // another browser, logged in before
	if loggedInAs(t, app, elsewhere) == "" {
		t.Fatal("the other session is not logged in to begin with")
	}

	requestReset(t, app, u.Username)
	link := mailedLink(t, app, u.Email, 1)
	c := app.Client()
	if form := app.Get(t, c, link); form.StatusCode != http.StatusOK || !strings.Contains(form.Body, `name="new_password"`) {
		t.Fatalf("GET link = %d, want the form", form.StatusCode)
	}
	// Looking at the form twice does not use the link up (mail scanners).
	if form := app.Get(t, c, link); form.StatusCode != http.StatusOK {
		t.Fatalf("second GET link = %d, want 200", form.StatusCode)
	}

	bad := []struct{ name, password, confirm, wantText string }{
		{"too short", "kurz", "kurz", "mindestens 10 Zeichen"},
		{"nine characters", "123456789", "123456789", "mindestens 10 Zeichen"},
		{"different confirmation", "neues-passwort", "neues-passwortt", "stimmen nicht überein"},
	}
	for _, tt := range bad {
		resp := setPassword(t, app, c, link, tt.password, tt.confirm)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, tt.wantText) {
			t.Errorf("%s: = %d, want 422 saying %q", tt.name, resp.StatusCode, tt.wantText)
		}
	}

	resp := setPassword(t, app, c, link, "neues-passwort", "neues-passwort")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("set password = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := loggedInAs(t, app, c); got != "Test "+u.Username {
		t.Errorf("after setting the password this browser shows %q, want logged in", got)
	}
	if got := loggedInAs(t, app, elsewhere); got != "" {
		t.Errorf("the other session is still logged in as %q", got)
	}
	changed := app.SMTP.WaitTo(t, u.Email, 2, 10*time.Second)[1]
	if !strings.Contains(changed.Subject, "Passwort wurde geändert") || strings.Contains(changed.Text, "neues-passwort") {
		t.Errorf("changed mail: subject %q; it must not contain the password", changed.Subject)
	}
	if r := login(t, app, app.Client(), u.Username, "altes-passwort"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("login with the old password = %d, want 422", r.StatusCode)
	}
	if r := login(t, app, app.Client(), u.Username, "neues-passwort"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password = %d, want 303", r.StatusCode)
	}
	var audited int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE table_name = 'users' AND row_id = $1
		AND field = 'password_hash' AND new_value NOT LIKE '%argon2%'`, fmt.Sprint(u.ID)).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("audit entries for the change = %d (%v), want 1 without the hash", audited, err)
	}

	// The link worked once.
	if r := setPassword(t, app, app.Client(), link, "drittes-passwort", "drittes-passwort"); r.StatusCode != http.StatusGone ||
		!strings.Contains(r.Body, `data-testid="new-link"`) {
		t.Errorf("reusing the link = %d, want 410 offering a new link", r.StatusCode)
	}
	if r := app.Get(t, app.Client(), link); r.StatusCode != http.StatusGone {
		t.Errorf("GET of a used link = %d, want 410", r.StatusCode)
	}
}

func TestResetLinksThatDoNotWork(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "altes-passwort")

	// A newer link makes the older one void.
	requestReset(t, app, u.Email)
	first := mailedLink(t, app, u.Email, 1)
	requestReset(t, app, u.Email)
	second := mailedLink(t, app, u.Email, 2)
	if first == second {
		t.Fatal("two requests mailed the same link")
	}

	expired := issue(t, app, tokens.PasswordReset, u.ID)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE tokens SET expires_at = now() - interval '1 second'
		WHERE purpose = $1 AND subject_id = $2 AND used_at IS NULL AND expires_at > now() AND created_at = (
			SELECT max(created_at) FROM tokens WHERE purpose = $1 AND subject_id = $2)`, tokens.PasswordReset, u.ID); err != nil {
		t.Fatal(err)
	}
	otherPurpose := issue(t, app, tokens.MembershipEdit, u.ID)
	altered := []byte(second)
	if altered[len(altered)-1] == 'A' {
		altered[len(altered)-1] = 'B'
	} else {
		altered[len(altered)-1] = 'A'
	}

	tests := []struct {
		name, link string
		want       int
	}{
		{"superseded", first, http.StatusGone},
		{"expired", expired, http.StatusGone},
		{"other purpose", otherPurpose, http.StatusNotFound},
		{"altered", string(altered), http.StatusNotFound},
		{"garbage", "/password_reset/not-a-token", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := app.Get(t, app.Client(), tt.link); r.StatusCode != tt.want || !strings.Contains(r.Body, `data-testid="new-link"`) {
				t.Errorf("GET = %d, want %d with a friendly page", r.StatusCode, tt.want)
			}
			if r := setPassword(t, app, app.Client(), tt.link, "neues-passwort", "neues-passwort"); r.StatusCode != tt.want {
				t.Errorf("POST = %d, want %d", r.StatusCode, tt.want)
			}
		})
	}
	// None of them changed the password.
	if r := login(t, app, app.Client(), u.Username, "altes-passwort"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the old password no longer works (%d): a dead link changed it", r.StatusCode)
	}
	// The newest link still works.
	if r := setPassword(t, app, app.Client(), second, "neues-passwort", "neues-passwort"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("newest link = %d, want 303", r.StatusCode)
	}
}

// issue makes a token directly and returns its link path.
func issue(t *testing.T, app *apptest.App, purpose string, subject int64) string {
	t.Helper()
	var token string
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		var err error
		token, err = tokens.Issue(t.Context(), tx, tokens.Spec{Purpose: purpose, SubjectID: subject, TTL: time.Hour, SingleUse: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return "/password_reset/" + token
}

func TestResetRateLimit(t *testing.T) {
	app := apptest.Start(t)
	clock := stopClocks(app)
	u := newUser(t, app, "altes-passwort")
	for _, name := range []string{u.Email, "nobody@example.org"} {
		for i := range 3 {
			if r := requestReset(t, app, name); r.StatusCode != http.StatusOK {
				t.Fatalf("%s: request %d = %d, want 200", name, i+1, r.StatusCode)
			}
		}
		r := requestReset(t, app, strings.ToUpper(name))
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s: fourth request = %d (Retry-After %q), want 429 with Retry-After", name, r.StatusCode, r.Header.Get("Retry-After"))
		}
	}
	app.SMTP.WaitTo(t, u.Email, 3, 10*time.Second)
	clock.advance(time.Hour + time.Second)
	if r := requestReset(t, app, u.Email); r.StatusCode != http.StatusOK {
		t.Fatalf("request after an hour = %d, want 200", r.StatusCode)
	}
	app.SMTP.WaitTo(t, u.Email, 4, 10*time.Second)
}

// Mails speak the language the person uses on the site when they ask for
// the link and when they set the password, not the stored default.
func TestResetMailsSpeakTheLanguageOfTheRequest(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "altes-passwort")
	c := app.Client()
	if r := app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}, "return": {"/"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switching to English = %d", r.StatusCode)
	}
	if r := app.PostForm(t, c, "/password_reset/", url.Values{"user_or_email": {u.Email}}); r.StatusCode != http.StatusOK {
		t.Fatalf("reset request = %d", r.StatusCode)
	}
	reset := app.SMTP.WaitTo(t, u.Email, 1, 10*time.Second)[0]
	if reset.Subject != "Reset your password" || !strings.Contains(reset.Text, "The link works for 30 minutes") {
		t.Errorf("reset mail asked for in English: subject %q\n%s", reset.Subject, reset.Text)
	}
	link := resetLink.FindString(reset.Text)
	if r := setPassword(t, app, c, link, "neues-passwort", "neues-passwort"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password = %d", r.StatusCode)
	}
	if changed := app.SMTP.WaitTo(t, u.Email, 2, 10*time.Second)[1]; changed.Subject != "Your password was changed" {
		t.Errorf("password set in English, mail subject %q", changed.Subject)
	}
}

// A known account costs a token and a queued mail; the answer waits for a
// common floor, so its time does not tell who has an account.
func TestResetTakesAsLongForUnknownAccounts(t *testing.T) {
	app := apptest.Start(t)
	known := make([]string, 4)
	for i := range known {
		known[i] = newUser(t, app, "altes-passwort").Email
	}
	send := func(userOrEmail string) {
		if resp := requestReset(t, app, userOrEmail); resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /password_reset/ = %d", resp.StatusCode)
		}
	}
	apptest.AnswerAlike(t, web.AnswerFloor, 40*time.Millisecond, len(known),
		func(i int) { send(known[i]) },
		func(i int) { send(fmt.Sprintf("nobody-%d-%s", i, known[i])) })
}
