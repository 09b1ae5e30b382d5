package members_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The whole way in: apply, follow the mailed link, confirm, the board is
// mailed, accepts, and the new member is welcomed.
func TestMembershipJourney(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	anon := app.Client()

	form := app.Get(t, anon, "/register/")
	if form.StatusCode != http.StatusOK {
		t.Fatalf("GET /register/ = %d", form.StatusCode)
	}
	mustContain(t, "the application form", form.Body, `name="name"`, `name="email"`,
		`value="ordentlich"`, `value="ausserordentlich"`, "Fakultät Physik")

	sent := app.PostForm(t, anon, "/register/", url.Values{
		"name": {"Ada Lovelace"}, "email": {email}, "membership_type": {"ordentlich"}})
	if sent.StatusCode != http.StatusOK || !strings.Contains(sent.Body, `data-testid="link-sent"`) ||
		!strings.Contains(sent.Body, "30 Minuten") {
		t.Fatalf("POST /register/ = %d, want the link-sent page naming 30 Minuten", sent.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Status != "email_unverified" || p.EmailValid {
		t.Fatalf("after applying: status %q, email_valid %v; want email_unverified, false", p.Status, p.EmailValid)
	}

	verifyMail := lastMailTo(t, app, email, 1)
	if !strings.Contains(verifyMail.Subject, "bestätige") {
		t.Errorf("verification mail subject = %q", verifyMail.Subject)
	}
	mustContain(t, "the verification mail", verifyMail.Text, "Ada Lovelace", "ordentliches Mitglied", "30 Minuten")
	link := linkIn(t, verifyMail)

	// Opening the link changes nothing: mail scanners open links.
	page := app.Get(t, anon, link)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `data-testid="verify-submit"`) {
		t.Fatalf("GET %s = %d, want the page with one button", link, page.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Status != "email_unverified" {
		t.Fatalf("opening the link changed the status to %q", p.Status)
	}

	confirmed := app.PostForm(t, anon, link, nil)
	if confirmed.StatusCode != http.StatusSeeOther || !strings.HasPrefix(confirmed.Header.Get("Location"), "/edit/") {
		t.Fatalf("POST %s = %d to %q, want 303 to an edit link", link, confirmed.StatusCode, confirmed.Header.Get("Location"))
	}
	p := loadPerson(t, app, email)
	if p.Status != "pending" || !p.EmailValid {
		t.Fatalf("after verifying: status %q, email_valid %v; want pending, true", p.Status, p.EmailValid)
	}
	editPage := app.Get(t, anon, confirmed.Header.Get("Location"))
	if editPage.StatusCode != http.StatusOK || !strings.Contains(editPage.Body, `data-testid="edit-form"`) ||
		!strings.Contains(editPage.Body, "Antrag liegt jetzt beim Vorstand") {
		t.Fatalf("after verifying the edit form with a flash should show, got %d", editPage.StatusCode)
	}

	boardMail := lastMailTo(t, app, board, 1)
	mustContain(t, "the board's mail", boardMail.Subject+boardMail.Text, "Ada Lovelace", email, app.URL+"/applications")

	admin, _ := app.ClientWith(t, "member_management")
	list := app.Get(t, admin, "/applications")
	mustContain(t, "the applications page", list.Body, "Ada Lovelace", `id="application-`+strconv.FormatInt(p.ID, 10)+`"`,
		`data-testid="nav-applications"`, "beantragt am "+berlinToday(t))

	accepted := app.PostForm(t, admin, "/applications/"+strconv.FormatInt(p.ID, 10)+"/accept", nil, "HX-Request", "true")
	if accepted.StatusCode != http.StatusOK || !strings.Contains(accepted.Body, `data-status="confirmed"`) ||
		strings.Contains(accepted.Body, "<html") {
		t.Fatalf("accept = %d, want the row fragment with status confirmed:\n%s", accepted.StatusCode, accepted.Body)
	}
	if !strings.Contains(accepted.Header.Get("HX-Trigger"), "showToast") {
		t.Errorf("accept sent no toast")
	}

	welcome := lastMailTo(t, app, email, 2)
	if !strings.Contains(welcome.Subject, "Willkommen") {
		t.Errorf("welcome mail subject = %q", welcome.Subject)
	}
	var joined time.Time
	if err := app.Pool.QueryRow(context.Background(), `SELECT joining_date FROM persons WHERE lower(email) = lower($1)`, email).Scan(&joined); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "the welcome mail", welcome.Text, "Ada Lovelace", app.Config.OrgName, app.Config.OrgEmail,
		// The date as every other German date: two digits for day and month.
		"Seit dem "+joined.Format("02.01.2006")+" ")
	if strings.Contains(welcome.Text, app.Config.OrgName+".") {
		t.Errorf("the welcome mail ends a sentence after %q, which ends with a dot already:\n%s", app.Config.OrgName, welcome.Text)
	}

	var today bool
	err := app.Pool.QueryRow(context.Background(),
		`SELECT membership_status = 'confirmed' AND joining_date = (now() AT TIME ZONE 'Europe/Berlin')::date
		FROM persons WHERE id = $1`, p.ID).Scan(&today)
	if err != nil || !today {
		t.Fatalf("after accepting: want status confirmed and joining date today (err %v)", err)
	}
	var audited int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE table_name = 'persons'
		AND row_id = $1 AND field = 'membership_status' AND new_value = 'confirmed' AND user_id IS NOT NULL`,
		strconv.FormatInt(p.ID, 10)).Scan(&audited)
	if audited != 1 {
		t.Errorf("the acceptance has %d audit entries, want 1", audited)
	}
}
