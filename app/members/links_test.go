package members_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// verificationLink applies with a new address and returns it with the
// mailed link.
func verificationLink(t *testing.T, app *apptest.App) (email, link string) {
	t.Helper()
	email = newAddress(t)
	if resp := applyFor(t, app, "Link Test", email, "ordentlich"); resp.StatusCode != http.StatusOK {
		t.Fatalf("apply = %d", resp.StatusCode)
	}
	return email, linkIn(t, lastMailTo(t, app, email, 1))
}

func wantLinkProblem(t *testing.T, resp apptest.Response, status int, newLink string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d", resp.StatusCode, status)
	}
	mustContain(t, "the page", resp.Body, `data-testid="link-problem"`, `href="`+newLink+`" data-testid="new-link"`)
}

func TestVerificationLinkProblems(t *testing.T) {
	app := apptest.Start(t)

	t.Run("expired", func(t *testing.T) {
		email, link := verificationLink(t, app)
		expire(t, app, link)
		wantLinkProblem(t, app.Get(t, app.Client(), link), http.StatusGone, "/register/")
		wantLinkProblem(t, app.PostForm(t, app.Client(), link, nil), http.StatusGone, "/register/")
		if p := loadPerson(t, app, email); p.Status != "email_unverified" {
			t.Errorf("an expired link changed the status to %q", p.Status)
		}
	})

	t.Run("used twice", func(t *testing.T) {
		email, link := verificationLink(t, app)
		if resp := app.PostForm(t, app.Client(), link, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use = %d", resp.StatusCode)
		}
		// Used, the link says so and offers the details, not applying again.
		wantLinkProblem(t, app.PostForm(t, app.Client(), link, nil), http.StatusGone, "/request_edit")
		again := app.Get(t, app.Client(), link)
		wantLinkProblem(t, again, http.StatusGone, "/request_edit")
		mustContain(t, "the used link's page", again.Body, "schon benutzt", "beim Vorstand")
		if strings.Contains(again.Body, `href="/register/" data-testid="new-link"`) {
			t.Error("a used confirmation link offers to apply again")
		}
		if n := mailsAbout(t, app, "membership_board_application", loadPerson(t, app, email).ID); n != 1 {
			t.Errorf("the board was mailed %d times, want once", n)
		}
	})

	t.Run("unknown or altered", func(t *testing.T) {
		_, link := verificationLink(t, app)
		altered := link[:len(link)-2] + "AA"
		if altered == link {
			altered = link[:len(link)-2] + "BB"
		}
		for _, path := range []string{altered, "/edit/short", "/edit/" + strings.Repeat("A", 43)} {
			wantLinkProblem(t, app.Get(t, app.Client(), path), http.StatusNotFound, "/request_edit")
			wantLinkProblem(t, app.PostForm(t, app.Client(), path, nil), http.StatusNotFound, "/request_edit")
		}
	})

	t.Run("wrong purpose", func(t *testing.T) {
		email, link := verificationLink(t, app)
		p := loadPerson(t, app, email)
		// A GDPR link at /edit/ and a verification link at /view_data/.
		gdpr := issueLink(t, app, tokens.GDPRView, p.ID, "/edit/")
		wantLinkProblem(t, app.Get(t, app.Client(), gdpr), http.StatusNotFound, "/request_edit")
		wantLinkProblem(t, app.PostForm(t, app.Client(), gdpr, url.Values{"name": {"X"}}), http.StatusNotFound, "/request_edit")
		wantLinkProblem(t, app.Get(t, app.Client(), "/view_data/"+tokenOf(link)), http.StatusNotFound, "/request_gdpr_data")
		reset := issueLink(t, app, tokens.PasswordReset, p.ID, "/edit/")
		wantLinkProblem(t, app.Get(t, app.Client(), reset), http.StatusNotFound, "/request_edit")
		if got := loadPerson(t, app, email); got.Status != "email_unverified" || got.Name != "Link Test" {
			t.Errorf("a wrong link changed the person: %+v", got)
		}
	})

	t.Run("person deleted meanwhile", func(t *testing.T) {
		email, link := verificationLink(t, app)
		p := loadPerson(t, app, email)
		edit := issueLink(t, app, tokens.MembershipEdit, p.ID, "/edit/")
		gdpr := issueLink(t, app, tokens.GDPRView, p.ID, "/view_data/")
		if _, err := app.Pool.Exec(context.Background(), `DELETE FROM persons WHERE id = $1`, p.ID); err != nil {
			t.Fatal(err)
		}
		wantLinkProblem(t, app.Get(t, app.Client(), link), http.StatusGone, "/register/")
		wantLinkProblem(t, app.PostForm(t, app.Client(), link, nil), http.StatusGone, "/register/")
		wantLinkProblem(t, app.Get(t, app.Client(), edit), http.StatusGone, "/request_edit")
		wantLinkProblem(t, app.PostForm(t, app.Client(), edit, url.Values{"name": {"Zombie"}, "version": {"1"}}),
			http.StatusGone, "/request_edit")
		wantLinkProblem(t, app.Get(t, app.Client(), gdpr), http.StatusGone, "/request_gdpr_data")
		var n int
		_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE lower(email) = lower($1)`, email).Scan(&n)
		if n != 0 {
			t.Errorf("a link brought the deleted person back")
		}
	})

	t.Run("english", func(t *testing.T) {
		_, link := verificationLink(t, app)
		expire(t, app, link)
		resp := app.Get(t, app.Client(), link, "Accept-Language", "en")
		mustContain(t, "the English page", resp.Body, "Link expired", "Apply again")
	})
}

// An edit link works again and again until it expires: a saved form can be
// corrected. Then it is refused with a way to a new one.
func TestEditLinkIsReusableUntilItExpires(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	insertPerson(t, app, "Mehrfach", email, "confirmed", "ordentlich")
	if resp := app.PostForm(t, app.Client(), "/request_edit", url.Values{"email": {email}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("request_edit = %d", resp.StatusCode)
	}
	link := linkIn(t, lastMailTo(t, app, email, 1))
	for i, name := range []string{"Erstens", "Zweitens"} {
		page := app.Get(t, app.Client(), link)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `data-testid="edit-form"`) {
			t.Fatalf("visit %d = %d", i+1, page.StatusCode)
		}
		p := loadPerson(t, app, email)
		resp := app.PostForm(t, app.Client(), link, editValues(p, name))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save %d = %d:\n%s", i+1, resp.StatusCode, resp.Body)
		}
		if got := loadPerson(t, app, email).Name; got != name {
			t.Fatalf("save %d stored name %q", i+1, got)
		}
	}
	expire(t, app, link)
	wantLinkProblem(t, app.Get(t, app.Client(), link), http.StatusGone, "/request_edit")
	p := loadPerson(t, app, email)
	wantLinkProblem(t, app.PostForm(t, app.Client(), link, editValues(p, "Zu spät")), http.StatusGone, "/request_edit")
	if got := loadPerson(t, app, email).Name; got != "Zweitens" {
		t.Errorf("an expired link saved the name %q", got)
	}
	// htmx swaps no 410 into the form: the page reloads and explains.
	late := app.PostForm(t, app.Client(), link, editValues(p, "Zu spät"), "HX-Request", "true")
	if late.StatusCode != http.StatusGone || late.Header.Get("HX-Refresh") != "true" {
		t.Errorf("saving with htmx on an expired link = %d, HX-Refresh %q; want 410 and a reload",
			late.StatusCode, late.Header.Get("HX-Refresh"))
	}
}

// editValues is the edit form as the browser posts it, with a new name.
func editValues(p person, name string) url.Values {
	return url.Values{
		"version":         {itoa(p.Version)},
		"name":            {name},
		"date_of_birth":   {p.Birth},
		"tu_status":       {p.TUStatus},
		"membership_type": {p.Type},
	}
}
