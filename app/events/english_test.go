package events_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// An organiser who writes a question in English too reaches English
// visitors with it: on the form, in its error, on the personal page and
// in the mails. German visitors and questions without English stay as
// they were.
func TestQuestionsInEnglish(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {
		"guests": {"type": "integer", "label": "Gäste", "label_en": "Guests", "error_hint": "Höchstens 3 Gäste.", "error_hint_en": "At most 3 guests.", "maximum": 3},
		"diet": {"type": "string", "label": "Essen"},
		"meal": {"type": "string", "format": "radio", "label": "Mahlzeit", "enum": ["vegetarisch", "mit Fleisch"], "enum_en": ["vegetarian", ""]}}}`})
	en := app.Get(t, app.Client(), ev.regPath(), "Accept-Language", "en")
	mustContain(t, en.Body, ">Guests<", ">Essen<", `value="vegetarisch"`, ">vegetarian<", ">mit Fleisch<")
	if strings.Contains(en.Body, ">Gäste<") {
		t.Error("the English form asks in German")
	}
	mustContain(t, app.Get(t, app.Client(), ev.regPath(), "Accept-Language", "de").Body, ">Gäste<", ">vegetarisch<")

	email := unique("english") + "@example.org"
	c := app.Client()
	bad := registerVia(t, app, c, ev.regPath(), "Ann English", email, url.Values{"guests": {"5"}}, "Accept-Language", "en")
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "At most 3 guests.") || strings.Contains(bad.Body, "Höchstens") {
		t.Errorf("the English error: %d", bad.StatusCode)
	}
	registerVia(t, app, c, ev.regPath(), "Ann English", email, url.Values{"guests": {"2"}, "diet": {"vegan"}, "meal": {"vegetarisch"}}, "Accept-Language", "en")
	m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
	if !strings.Contains(m.Text, "Guests: 2") || strings.Contains(m.Text, "Gäste") || !strings.Contains(m.Text, "vegetarian") || strings.Contains(m.Text, "vegetarisch") {
		t.Errorf("the English mail lists:\n%s\n%s", m.Subject, m.Text)
	}
	link := lastLink(t, app, email)
	post(t, app, c, link, "action", "confirm")
	page := app.Get(t, c, link, "Accept-Language", "en")
	mustContain(t, page.Body, ">Guests<", `value="vegetarisch" checked`, ">vegetarian<")
}
