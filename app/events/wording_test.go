package events_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Counts read as counts: "1 Platz frei", "3 Plätze frei", never
// "1 Plätze frei", in both languages, on the list and the registration
// page; a limit of one character is "1 character".
func TestCountsHaveSingularAndPlural(t *testing.T) {
	app := apptest.Start(t)
	one := createEvent(t, app, testEvent{name: "Einzelplatz", max: places(1),
		schema: `{"type": "object", "properties": {"initial": {"type": "string", "maxLength": 1, "label": "Initiale"}}}`})
	three := createEvent(t, app, testEvent{name: "Dreiplatz", max: places(3)})
	for _, tt := range []struct {
		lang                    string
		listOne, listThree      string
		pageOne, pageThree, max string
	}{
		{"de", "1 Platz frei", "3 Plätze frei", "Noch 1 Platz frei", "Noch 3 Plätze frei", "Bitte höchstens 1 Zeichen eingeben."},
		{"en", "1 place left", "3 places left", "1 place left", "3 places left", "Please enter at most 1 character."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			list := visibleText(app.Get(t, app.Client(), "/events/", "Accept-Language", tt.lang).Body)
			for _, want := range []string{"Einzelplatz " + tt.listOne, "Dreiplatz " + tt.listThree} {
				if !strings.Contains(list, want) {
					t.Errorf("the list lacks %q:\n%s", want, list)
				}
			}
			for ev, want := range map[created]string{one: tt.pageOne, three: tt.pageThree} {
				page := app.Get(t, app.Client(), ev.regPath(), "Accept-Language", tt.lang).Body
				free := regexp.MustCompile(`(?s)data-testid="free-places">(.*?)</p>`).FindStringSubmatch(page)
				if free == nil || visibleText(free[1]) != want {
					t.Errorf("free places %q, want %q", free, want)
				}
			}
			resp := registerVia(t, app, app.Client(), one.regPath(), "Zu Lang", unique("long")+"@example.org",
				url.Values{"initial": {"AB"}}, "Accept-Language", tt.lang)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(visibleText(resp.Body), tt.max) {
				t.Errorf("too long an answer: %d, want 422 saying %q", resp.StatusCode, tt.max)
			}
		})
	}
}

// A registration's status has one name wherever it is shown: the
// participant's page, the organisers' notice and the admin console say
// "storniert", never "abgesagt" in one place and "storniert" in the
// other. The personal page says the place on the waiting list once.
func TestOneWordForEachStatus(t *testing.T) {
	app := apptest.Start(t)
	orga := unique("orga") + "@example.org"
	ev := createEvent(t, app, testEvent{notify: orga, max: places(1)})
	addRegistration(t, app, ev.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
	_, waiting := addRegistration(t, app, ev.id, "Wartende", unique("waiting")+"@example.org", "waitinglist", time.Minute)
	_, link := addRegistration(t, app, ev.id, "Storno", unique("storno")+"@example.org", "confirmed", time.Minute)

	for _, tt := range []struct{ lang, want string }{
		{"de", "Status deiner Anmeldung: Warteliste · Platz 1"},
		{"en", "Status of your registration: waiting list · position 1"},
	} {
		text := visibleText(app.Get(t, app.Client(), waiting, "Accept-Language", tt.lang).Body)
		if !strings.Contains(text, tt.want) || strings.Count(strings.ToLower(text), "warteliste")+strings.Count(text, "waiting list") > 2 {
			t.Errorf("%s: the personal page says\n%s\nwant %q", tt.lang, text, tt.want)
		}
	}

	c := app.Client()
	post(t, app, c, link, "action", "cancel")
	participant := regexp.MustCompile(`(?s)data-testid="status".*?</p>`).FindString(app.Get(t, c, link).Body)
	if !strings.Contains(visibleText(participant), "storniert") {
		t.Errorf("the participant's page says %q", visibleText(participant))
	}
	notices := app.SMTP.WaitTo(t, orga, 1, 10*time.Second)
	if subject := notices[len(notices)-1].Subject; !strings.HasSuffix(subject, "– storniert") {
		t.Errorf("the organisers' notice is %q", subject)
	}
	admin, _ := app.ClientWith(t, "event_registration_admin")
	list := app.Get(t, admin, "/admin/registrations?event="+strconv.FormatInt(ev.id, 10))
	if list.StatusCode != http.StatusOK {
		t.Fatalf("admin list = %d", list.StatusCode)
	}
	text := visibleText(list.Body)
	if !strings.Contains(text, "Storno") || !strings.Contains(text, "storniert") || strings.Contains(strings.ToLower(text), "abgesagt") {
		t.Errorf("the admin console names the status otherwise:\n%s", text)
	}
	for _, label := range []string{"unbestätigt", "bestätigt", "Warteliste", "storniert"} {
		if !strings.Contains(list.Body, ">"+label+"</option>") {
			t.Errorf("the admin's status filter lacks %q", label)
		}
	}
}

// Registering again for the same event does not change the registration:
// the answer page says so, and that the mail brings the link where the
// answers can be changed; it never shows that link, and it reads the same
// for an address that was not registered, so a stranger who typed
// someone's address learns nothing. The mail says the new answers were
// not saved.
func TestRegisteringAgainPointsToTheExistingRegistration(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {"food": {"type": "string"}}}`})
	email := unique("again") + "@example.org"
	registerVia(t, app, app.Client(), ev.regPath(), "Erste", email, url.Values{"food": {"Suppe"}})
	link := linkRE.FindString(app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0].Text)
	post(t, app, app.Client(), link, "action", "confirm")

	again := registerVia(t, app, app.Client(), ev.regPath(), "Erste", email, url.Values{"food": {"Braten"}}, "HX-Request", "true")
	if again.StatusCode != http.StatusOK {
		t.Fatalf("registering again = %d", again.StatusCode)
	}
	text := visibleText(again.Body)
	for _, want := range []string{
		"Wir haben eine Mail an " + email + " geschickt.",
		"Warst du schon angemeldet? Dann bleibt deine Anmeldung, wie sie war, und die Mail bringt dir den Link zu ihr: Dort kannst du deine Angaben ändern.",
		"Keine Mail bekommen? Links erneut schicken lassen",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the answer page lacks %q:\n%s", want, text)
		}
	}
	mustContain(t, again.Body, `href="/events/resend_emails/"`)
	if linkRE.MatchString(again.Body) {
		t.Error("the answer page shows the personal link")
	}
	stranger := unique("new") + "@example.org"
	fresh := registerVia(t, app, app.Client(), ev.regPath(), "Neu", stranger, nil, "HX-Request", "true")
	if strings.ReplaceAll(fresh.Body, stranger, email) != again.Body {
		t.Errorf("a new address gets another answer than a registered one:\n%s\n---\n%s", fresh.Body, again.Body)
	}

	msgs := app.SMTP.WaitTo(t, email, 3, 10*time.Second)
	state := msgs[len(msgs)-1]
	for _, want := range []string{"Die Angaben, die du gerade eingegeben hast, haben wir deshalb nicht übernommen", "Status deiner Anmeldung: bestätigt"} {
		if !strings.Contains(state.Text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, state.Text)
		}
	}
	if !linkRE.MatchString(state.Text) {
		t.Errorf("the mail has no link:\n%s", state.Text)
	}
	var food string
	// The event has two registrations now (the stranger's too): read the
	// first address's.
	_ = app.Pool.QueryRow(t.Context(), `SELECT r.data->>'food' FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1 AND lower(p.email) = lower($2)`, ev.id, email).Scan(&food)
	if food != "Suppe" {
		t.Errorf("stored answer %q, want the first one", food)
	}
}

// English mails start the sentence after the greeting with a capital
// letter ("Hello Ana,\n\nWe have …"), as English does and German does not.
func TestEnglishMailsCapitaliseAfterTheGreeting(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	email := unique("en") + "@example.org"
	registerVia(t, app, app.Client(), ev.regPath(), "Ana", email, nil, "Accept-Language", "en")
	if m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]; !strings.HasPrefix(m.Text, "Hello Ana,\n\nWe have received") {
		t.Errorf("mail starts %q", m.Text[:min(len(m.Text), 40)])
	}
	// Every English text of every domain.
	files, _ := filepath.Glob("../*/mails/*.en.txt")
	if len(files) < 10 {
		t.Fatalf("found %d English mail texts", len(files))
	}
	greeting := regexp.MustCompile(`(?m)^(Hello|Dear) [^\n]*,\n\n(\S)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range greeting.FindAllStringSubmatch(string(b), -1) {
			if first := m[2]; strings.ToUpper(first) != first {
				t.Errorf("%s: the sentence after the greeting starts with %q", f, first)
			}
		}
	}
}
