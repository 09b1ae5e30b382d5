package members_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Applying answers the same bytes whatever is known about the address;
// only the mail tells the owner of the address what is going on. Nothing
// about a known person changes before the address is verified.
func TestApplyingTwiceAnswersAlikeAndMailsByState(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name       string
		status     string // "" = unknown address; "known" = person without membership
		wantSubj   string
		wantText   []string
		wantLink   bool
		wantStatus string
	}{
		{"new address", "", "bestätige", []string{"Neuer Name"}, true, "email_unverified"},
		{"known from an event", "known", "bestätige", []string{"Neuer Name"}, true, ""},
		{"unverified", "email_unverified", "bestätige", []string{"Neuer Name"}, true, "email_unverified"},
		{"former member", "canceled", "bestätige", []string{"Neuer Name"}, true, "canceled"},
		{"pending", "pending", "beim Vorstand", []string{"Alter Name", "Entscheidung des Vorstands"}, false, "pending"},
		{"member", "confirmed", "schon Mitglied", []string{"Alter Name", "bereits Mitglied"}, true, "confirmed"},
		{"denied", "denied", "Mitgliedsantrag", []string{"Alter Name", app.Config.OrgEmail}, false, "denied"},
	}
	var first *apptest.Response
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email := newAddress(t)
			if tt.status != "" {
				status := tt.status
				if status == "known" {
					status = ""
				}
				insertPerson(t, app, "Alter Name", email, status, "ausserordentlich")
			}
			before := personOrZero(t, app, email)
			resp := applyFor(t, app, "Neuer Name", strings.ToUpper(email[:1])+email[1:], "ordentlich")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST /register/ = %d", resp.StatusCode)
			}
			if first == nil {
				first = &resp
			} else {
				if resp.Body != first.Body {
					t.Errorf("the answer differs from the first branch's")
				}
				for _, h := range []string{"Content-Type", "Set-Cookie", "HX-Trigger", "Cache-Control", "Vary"} {
					if resp.Header.Get(h) != first.Header.Get(h) {
						t.Errorf("header %s = %q, first branch had %q", h, resp.Header.Get(h), first.Header.Get(h))
					}
				}
			}
			m := lastMailTo(t, app, email, 1)
			if !strings.Contains(m.Subject, tt.wantSubj) {
				t.Errorf("subject %q lacks %q", m.Subject, tt.wantSubj)
			}
			mustContain(t, "the mail", m.Text, tt.wantText...)
			if got := linkRE.MatchString(m.Text); got != tt.wantLink {
				t.Errorf("mail has a link: %v, want %v", got, tt.wantLink)
			}
			after := loadPerson(t, app, email)
			if after.Status != tt.wantStatus {
				t.Errorf("status after applying = %q, want %q", after.Status, tt.wantStatus)
			}
			if before.ID != 0 && (after.Name != before.Name || after.Type != before.Type || after.Version != before.Version) {
				t.Errorf("applying changed the known person before verification: %+v -> %+v", before, after)
			}
		})
	}
}

func personOrZero(t *testing.T, app *apptest.App, email string) person {
	t.Helper()
	var n int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE lower(email) = lower($1)`, email).Scan(&n)
	if n == 0 {
		return person{}
	}
	return loadPerson(t, app, email)
}

// Applying again while unverified mails a fresh link; each link carries the
// data submitted with it, and the person takes it only when verified.
func TestApplyingAgainWhileUnverifiedUsesTheVerifiedSubmission(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	applyFor(t, app, "Erster Versuch", email, "ordentlich")
	applyFor(t, app, "Zweiter Versuch", email, "ausserordentlich")
	mails := app.SMTP.WaitTo(t, email, 2, mailWait)
	if p := loadPerson(t, app, email); p.Name != "Erster Versuch" || p.Type != "ordentlich" {
		t.Fatalf("the second submission changed the unverified person: %+v", p)
	}
	// The worker may deliver them in either order.
	if strings.Contains(mails[0].Text, "Zweiter Versuch") {
		mails[0], mails[1] = mails[1], mails[0]
	}
	second := linkIn(t, mails[1])
	if resp := app.PostForm(t, app.Client(), second, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify = %d", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Name != "Zweiter Versuch" || p.Type != "ausserordentlich" || p.Status != "pending" {
		t.Fatalf("after verifying the second link: %+v", p)
	}
	// The first link is still unused but the address is verified now:
	// it changes nothing and leads to the data.
	first := linkIn(t, mails[0])
	resp := app.PostForm(t, app.Client(), first, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the older link = %d, want 303 to the data", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Name != "Zweiter Versuch" || p.Status != "pending" {
		t.Fatalf("the older link changed the person: %+v", p)
	}
	app.SMTP.WaitTo(t, board, 1, mailWait)
	if n := mailsAbout(t, app, "membership_board_application", loadPerson(t, app, email).ID); n != 1 {
		t.Errorf("the board got %d mails about the applicant, want exactly 1", n)
	}
}

// Double clicks and impatient reloads send identical forms at once: one
// person, and every answer is the normal one.
func TestConcurrentIdenticalApplicationsMakeOnePerson(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	const n = 5
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			form := url.Values{"name": {"Gleichzeitig"}, "email": {email}, "membership_type": {"ordentlich"}}
			resp, err := http.PostForm(app.URL+"/register/", form)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("request %d answered %d, want 200", i, s)
		}
	}
	var persons int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE lower(email) = lower($1)`,
		email).Scan(&persons); err != nil || persons != 1 {
		t.Fatalf("%d persons with the address (err %v), want 1", persons, err)
	}
	// One application and one link: the copies find the first's fresh.
	var applications, mails int
	if err := app.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM membership_applications a JOIN persons p ON p.id = a.person_id WHERE lower(p.email) = lower($1)),
		(SELECT count(*) FROM mail_outbox WHERE kind = 'membership_verify' AND lower(array_to_string(to_addrs, ',')) LIKE '%' || lower($1) || '%')`,
		email).Scan(&applications, &mails); err != nil || applications != 1 || mails != 1 {
		t.Errorf("%d applications and %d mails with a link (err %v), want 1 and 1", applications, mails, err)
	}
}

func TestApplyValidation(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name                string
		form                url.Values
		wantField, wantText string
	}{
		{"empty name", url.Values{"name": {"  "}, "email": {"a@example.org"}, "membership_type": {"ordentlich"}},
			"name-error", "Bitte gib deinen Namen an."},
		{"bad email", url.Values{"name": {"A"}, "email": {"not-an-address"}, "membership_type": {"ordentlich"}},
			"email-error", "keine gültige E-Mail-Adresse"},
		{"display name in email", url.Values{"name": {"A"}, "email": {"Eve <eve@example.org>"}, "membership_type": {"ordentlich"}},
			"email-error", "keine gültige E-Mail-Adresse"},
		{"no type", url.Values{"name": {"A"}, "email": {"b@example.org"}},
			"membership_type-error", "Bitte wähle die Art"},
		{"unknown type", url.Values{"name": {"A"}, "email": {"c@example.org"}, "membership_type": {"ehren"}},
			"membership_type-error", "Bitte wähle die Art"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, hx := range []bool{false, true} {
				var headers []string
				if hx {
					headers = []string{"HX-Request", "true"}
				}
				resp := app.PostForm(t, app.Client(), "/register/", tt.form, headers...)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("htmx %v: status %d, want 422", hx, resp.StatusCode)
				}
				mustContain(t, "the form", resp.Body, `data-testid="`+tt.wantField+`"`, tt.wantText)
				if hx == strings.Contains(resp.Body, "<html") {
					t.Errorf("htmx %v: whole page %v", hx, !hx)
				}
			}
			var n int
			_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE email = $1`, tt.form.Get("email")).Scan(&n)
			if n != 0 {
				t.Errorf("an invalid form stored a person")
			}
		})
	}
	en := app.PostForm(t, app.Client(), "/register/", url.Values{"email": {"x@example.org"}, "membership_type": {"ordentlich"}},
		"Accept-Language", "en")
	if !strings.Contains(en.Body, "Please enter your name.") {
		t.Errorf("the English form does not explain the missing name in English")
	}
}

// Mail bombing an address, or the form from one client, is refused with 429.
func TestApplyIsRateLimited(t *testing.T) {
	t.Run("per address", func(t *testing.T) {
		app := apptest.Start(t)
		email := newAddress(t)
		// Five different submissions: the same one again sends no mail.
		for i := range 5 {
			if resp := applyFor(t, app, "Viel "+strconv.Itoa(i), email, "ordentlich"); resp.StatusCode != http.StatusOK {
				t.Fatalf("submission %d = %d", i+1, resp.StatusCode)
			}
		}
		resp := applyFor(t, app, "Viel", email, "ordentlich")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("6th submission for one address = %d (Retry-After %q), want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		hx := applyFor(t, app, "Viel", email, "ordentlich", "HX-Request", "true")
		if hx.StatusCode != http.StatusTooManyRequests || !strings.Contains(hx.Header.Get("HX-Trigger"), "showToast") {
			t.Errorf("htmx submission over the limit = %d with HX-Trigger %q, want 429 with a toast", hx.StatusCode, hx.Header.Get("HX-Trigger"))
		}
		// The address counts for the other mailing forms too.
		if resp := app.PostForm(t, app.Client(), "/request_edit", url.Values{"email": {email}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("request_edit for the same address = %d, want 429", resp.StatusCode)
		}
		if n := outboxCount(t, app, "membership_verify", email); n != 5 {
			t.Errorf("%d verification mails queued, want 5", n)
		}
	})
	t.Run("per client", func(t *testing.T) {
		app := apptest.Start(t)
		for i := range 60 {
			if resp := applyFor(t, app, "Stand", newAddress(t), "ordentlich"); resp.StatusCode != http.StatusOK {
				t.Fatalf("submission %d = %d", i+1, resp.StatusCode)
			}
		}
		if resp := applyFor(t, app, "Stand", newAddress(t), "ordentlich"); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("61st submission from one client = %d, want 429", resp.StatusCode)
		}
	})
	// A client with an IPv6 network has a whole /64 of addresses to pick
	// from; counting each address apart would give it endless mails.
	t.Run("per IPv6 network", func(t *testing.T) {
		app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
		for i := range 60 {
			addr := fmt.Sprintf("2001:db8:1:2::%x", i+1)
			if resp := applyFor(t, app, "Stand", newAddress(t), "ordentlich", "X-Forwarded-For", addr); resp.StatusCode != http.StatusOK {
				t.Fatalf("submission %d = %d", i+1, resp.StatusCode)
			}
		}
		if resp := applyFor(t, app, "Stand", newAddress(t), "ordentlich", "X-Forwarded-For", "2001:db8:1:2:ffff::1"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("61st submission from the same /64 = %d, want 429", resp.StatusCode)
		}
		if resp := applyFor(t, app, "Stand", newAddress(t), "ordentlich", "X-Forwarded-For", "2001:db8:1:3::1"); resp.StatusCode != http.StatusOK {
			t.Errorf("submission from another /64 = %d, want 200", resp.StatusCode)
		}
	})
}
