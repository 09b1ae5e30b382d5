package events_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// The location of englishEvent in German and English.
const (
	placeDE = "Hörsaal 1"
	placeEN = "Lecture hall 1"
)

// englishEvent is an event named, described, with a footer and taking
// place (placeDE) in both languages, in a month.
func englishEvent(t *testing.T, app *apptest.App) (ev created, de, en string) {
	t.Helper()
	tag := unique("")
	de, en = "Sommerfest "+tag, "Summer party "+tag
	ev = createEvent(t, app, testEvent{
		name: de, nameEN: en,
		description: `<p>Wir feiern mit $e^{i\pi}$.</p>`, descriptionEN: `<p>We celebrate with $e^{i\pi}$.</p>`,
		footer: `<p>Fragen an orga@example.org</p>`, footerEN: `<p>Questions to orga@example.org</p>`,
	})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '30 days',
		ends_at = now() + interval '30 days 4 hours', location = $2, location_en = $3 WHERE id = $1`, ev.id, placeDE, placeEN); err != nil {
		t.Fatal(err)
	}
	return ev, de, en
}

// mustLack fails for each of texts that body holds.
func mustLack(t *testing.T, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Errorf("holds %q", s)
		}
	}
}

// An English visitor reads an event's English name, description, footer
// and location wherever a visitor reads them: the list, the form and its
// title, the calendar file; a German visitor reads the German.
func TestEventPagesInEnglish(t *testing.T) {
	app := apptest.Start(t)
	ev, de, en := englishEvent(t, app)
	tests := []struct {
		lang             string
		want, wantNot    []string
		name, notName    string
		summary, notWant string
		place, notPlace  string
	}{
		{"en", []string{"We celebrate with", "Questions to"}, []string{"Wir feiern", "Fragen an"}, en, de, "SUMMARY:" + en, de, placeEN, placeDE},
		{"de", []string{"Wir feiern mit", "Fragen an"}, []string{"We celebrate", "Questions to"}, de, en, "SUMMARY:" + de, en, placeDE, placeEN},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c := app.Client()
			list := app.Get(t, c, "/events/", "Accept-Language", tt.lang)
			mustContain(t, list.Body, ">"+tt.name+"<")
			mustLack(t, list.Body, tt.notName)

			page := app.Get(t, c, ev.regPath(), "Accept-Language", tt.lang)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", ev.regPath(), page.StatusCode)
			}
			mustContain(t, page.Body, "<title>"+tt.name+" · ", `data-testid="event-name">`+tt.name+"<")
			mustContain(t, page.Body, append(tt.want, " "+tt.place+"</p>")...)
			// Nor in the description for search results and previews.
			mustLack(t, page.Body, append(tt.wantNot, tt.notName, tt.notPlace)...)

			ics := app.Get(t, c, "/events/"+ev.shortlink+"/calendar.ics", "Accept-Language", tt.lang)
			mustContain(t, ics.Body, tt.summary, "LOCATION:"+tt.place+"\r\n")
			mustLack(t, ics.Body, tt.notWant, tt.notPlace)
			// The calendar app a link is copied into asks in its own
			// language: the link on the page names the page's, and so may
			// the feed's.
			cards := app.Get(t, c, "/events/", "Accept-Language", tt.lang)
			link := "/events/" + ev.shortlink + "/calendar.ics?lang=" + tt.lang
			mustContain(t, cards.Body, `href="`+link+`"`)
			other := map[string]string{"de": "en", "en": "de"}[tt.lang]
			mustContain(t, app.Get(t, app.Client(), link, "Accept-Language", other).Body, tt.summary)
			mustContain(t, app.Get(t, app.Client(), "/events.ics?lang="+tt.lang, "Accept-Language", other).Body, tt.summary)
		})
	}
}

// A closed event the visitor just tried is named in their language.
func TestClosedNoticeInEnglish(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("")
	ev := createEvent(t, app, testEvent{name: "Exkursion " + tag, nameEN: "Excursion " + tag, closed: true})
	page := app.Get(t, app.Client(), "/events/?closed="+ev.shortlink, "Accept-Language", "en")
	mustContain(t, page.Body, `data-testid="closed-notice"`, "Excursion "+tag)
	mustLack(t, page.Body, "Exkursion "+tag)
}

// The mails of a registration name the event in the registration's
// language, in subject and body, and so do the calendar entry of the
// confirmation, the personal page, the list of links and the data page.
func TestEventMailsAndPersonalPagesInEnglish(t *testing.T) {
	app := apptest.Start(t)
	ev, de, en := englishEvent(t, app)
	tests := []struct {
		lang, person    string
		name, notName   string
		wantConfirmed   string
		wantLinkedFrom  string
		place, notPlace string
	}{
		{"en", "Ann English", en, de, "is confirmed", "Here are the links", placeEN, placeDE},
		{"de", "Bert Deutsch", de, en, "ist bestätigt", "die Links zu deinen Anmeldungen", placeDE, placeEN},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			email := unique("mail-"+tt.lang) + "@example.org"
			c := app.Client()
			registerVia(t, app, c, ev.regPath(), tt.person, email, nil, "Accept-Language", tt.lang)
			pending := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
			mailNames(t, pending, tt.name, tt.notName)

			link := lastLink(t, app, email)
			post(t, app, c, link, "action", "confirm")
			confirmed := app.SMTP.WaitTo(t, email, 2, 10*time.Second)[1]
			mailNames(t, confirmed, tt.name, tt.notName)
			mustContain(t, confirmed.Text, tt.wantConfirmed)
			ics := attachment(confirmed, ".ics")
			if ics == nil {
				t.Fatal("the confirmation carries no calendar entry")
			}
			mustContain(t, string(ics.Content), "SUMMARY:"+tt.name, "LOCATION:"+tt.place+"\r\n")
			mustLack(t, string(ics.Content), tt.notPlace)

			page := app.Get(t, c, link, "Accept-Language", tt.lang)
			mustContain(t, page.Body, "<title>"+tt.name+" · ", `data-testid="event-name">`+tt.name+"<", " "+tt.place+"</p>")
			mustLack(t, page.Body, tt.notName, tt.notPlace)

			resp := app.PostForm(t, app.Client(), "/events/resend_emails/", url.Values{"email": {email}}, "Accept-Language", tt.lang)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("resend = %d", resp.StatusCode)
			}
			links := app.SMTP.WaitTo(t, email, 3, 10*time.Second)[2]
			mustContain(t, links.Text, tt.wantLinkedFrom, tt.name+" (")
			mustLack(t, links.Text, tt.notName)

			data := app.Get(t, app.Client(), dataLink(t, app, email), "Accept-Language", tt.lang)
			if data.StatusCode != http.StatusOK {
				t.Fatalf("data page = %d", data.StatusCode)
			}
			mustContain(t, data.Body, ">"+tt.name+"<")
			mustLack(t, data.Body, tt.notName)
		})
	}
}

// mailNames checks that m names the event as name, in subject and body,
// and nowhere as notName.
func mailNames(t *testing.T, m mailtest.Message, name, notName string) {
	t.Helper()
	if !strings.Contains(m.Subject, name) || !strings.Contains(m.Text, name) {
		t.Errorf("mail does not name %q in subject and body:\n%s\n%s", name, m.Subject, m.Text)
	}
	if strings.Contains(m.Subject, notName) || strings.Contains(m.Text, notName) || strings.Contains(m.HTML, notName) {
		t.Errorf("mail names %q:\n%s\n%s", notName, m.Subject, m.Text)
	}
}

// dataLink is a link to the data page of the person with email.
func dataLink(t *testing.T, app *apptest.App, email string) string {
	t.Helper()
	ctx := context.Background()
	var token string
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM persons WHERE lower(email) = lower($1)`, email).Scan(&id); err != nil {
			return err
		}
		var err error
		token, err = tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.GDPRView, SubjectID: id, TTL: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return "/view_data/" + token
}

// Name, description, footer and location fall back to the German each
// on its own (a place's own name needs no English):
// an event known by its German name may still describe itself in
// English, and one with an English name alone keeps its German text.
func TestEventEnglishFallsBackEachOnItsOwn(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("")
	tests := []struct {
		name          string
		ev            testEvent
		wantName      string
		want, wantNot []string
	}{
		{"English description, no English name",
			testEvent{name: "Vortrag " + tag, description: "<p>Ein Vortrag.</p>", descriptionEN: "<p>A talk in English.</p>"},
			"Vortrag " + tag, []string{"A talk in English."}, []string{"Ein Vortrag."}},
		{"English name, no English description",
			testEvent{name: "Grillen " + tag, nameEN: "Barbecue " + tag, description: "<p>Wir grillen.</p>", footer: "<p>Fuß</p>"},
			"Barbecue " + tag, []string{"Wir grillen.", "Fuß"}, []string{"Grillen " + tag}},
		{"no English at all",
			testEvent{name: "Stammtisch " + tag, description: "<p>Wie immer.</p>"},
			"Stammtisch " + tag, []string{"Wie immer."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := createEvent(t, app, tt.ev)
			if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET location = 'Audimax' WHERE id = $1`, ev.id); err != nil {
				t.Fatal(err)
			}
			c := app.Client()
			page := app.Get(t, c, ev.regPath(), "Accept-Language", "en")
			mustContain(t, page.Body, append(tt.want, `data-testid="event-name">`+tt.wantName+"<", "<title>"+tt.wantName+" · ", " Audimax</p>")...)
			mustLack(t, page.Body, tt.wantNot...)
			mustContain(t, app.Get(t, c, "/events/", "Accept-Language", "en").Body, ">"+tt.wantName+"<")

			email := unique("fallback") + "@example.org"
			registerVia(t, app, c, ev.regPath(), "Fall Back", email, nil, "Accept-Language", "en")
			m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
			if !strings.Contains(m.Subject, tt.wantName) {
				t.Errorf("the English mail's subject %q does not name %q", m.Subject, tt.wantName)
			}
		})
	}
}

// The event JSON keeps its fields and gives the English beside them:
// name_en, description_en (sanitised) and location_en as written, empty
// without.
func TestEventJSONCarriesTheEnglish(t *testing.T) {
	app := apptest.Start(t)
	ev, de, en := englishEvent(t, app)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET description_en = description_en || '<script>alert(1)</script>' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	germanName := "Nur deutsch " + unique("")
	german := createEvent(t, app, testEvent{name: germanName, description: "<p>Deutsch.</p>"})
	tests := []struct {
		name, path                 string
		wantName, wantNameEN       string
		wantDescription, wantDescE string
		wantPlaceEN                string
	}{
		{"with English", "/events/" + ev.shortlink + "/", de, en, `<p>Wir feiern mit $e^{i\pi}$.</p>`, `<p>We celebrate with $e^{i\pi}$.</p>`, placeEN},
		{"without", "/events/" + german.shortlink + "/", germanName, "", "<p>Deutsch.</p>", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// An English reader of the JSON gets the same: the website
			// picks the language.
			resp := app.Get(t, app.Client(), tt.path, "Accept-Language", "en")
			var got map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatalf("%d %v: %s", resp.StatusCode, err, resp.Body)
			}
			if got["name"] != tt.wantName {
				t.Errorf("name = %v, want %q", got["name"], tt.wantName)
			}
			for key, want := range map[string]string{"name_en": tt.wantNameEN, "description": tt.wantDescription, "description_en": tt.wantDescE, "location_en": tt.wantPlaceEN} {
				if v, ok := got[key]; !ok || v != want {
					t.Errorf("%s = %v (present %v), want %q", key, v, ok, want)
				}
			}
			for _, key := range []string{"id", "shortlink", "free_places", "registration_open", "registration_url", "location", "starts_at"} {
				if _, ok := got[key]; !ok {
					t.Errorf("no %s any more", key)
				}
			}
		})
	}
}
