package events_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// duWords address the reader informally, sieWords formally (a capital
// Sie after a lowercase word is the pronoun, not a sentence's start).
var (
	duWords  = regexp.MustCompile(`\b([Dd]u|[Dd]ich|[Dd]ir|[Dd]ein|[Dd]eine|[Dd]einem|[Dd]einen|[Dd]einer|[Dd]eines)\b`)
	sieWords = regexp.MustCompile(`\b(Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Ihnen)\b|[a-zäöüß,] Sie\b`)
)

// An event set to Sie addresses its participants with Sie in everything
// they read, as its mails always did: the registration page, the form's
// messages, the answer after sending it, the personal page, its buttons
// and the messages after confirming and cancelling. An event set to du
// says du throughout. English reads the same either way.
func TestEventAddressesParticipantsAsItsMails(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		formality string
		wants     []string
		wrong     *regexp.Regexp
	}{
		{"du", []string{
			"Ausgebucht: Wenn du dich jetzt anmeldest, kommst du auf die Warteliste.",
			"Bitte prüfe die markierten Felder.",
			"Fast geschafft – schau in dein Postfach",
			"Bitte bestätige deine Anmeldung – erst dann zählt sie.",
			"Status deiner Anmeldung:",
			"Ausgebucht: Du stehst auf Platz 1 der Warteliste.",
			"Willst du deine Anmeldung wirklich stornieren?",
			"Deine Angaben",
			"Deine Anmeldung ist storniert.",
		}, sieWords},
		{"sie", []string{
			"Ausgebucht: Wenn Sie sich jetzt anmelden, kommen Sie auf die Warteliste.",
			"Bitte prüfen Sie die markierten Felder.",
			"Fast geschafft – schauen Sie in Ihr Postfach",
			"Bitte bestätigen Sie Ihre Anmeldung – erst dann zählt sie.",
			"Status Ihrer Anmeldung:",
			"Ausgebucht: Sie stehen auf Platz 1 der Warteliste.",
			"Wollen Sie Ihre Anmeldung wirklich stornieren?",
			"Ihre Angaben",
			"Ihre Anmeldung ist storniert.",
		}, duWords},
	}
	for _, tt := range tests {
		t.Run(tt.formality, func(t *testing.T) {
			ev := createEvent(t, app, testEvent{name: "Tagung", formality: tt.formality, max: places(1),
				schema: `{"type": "object", "properties": {"food": {"type": "string", "label": "Essen"}}, "required": ["food"]}`})
			addRegistration(t, app, ev.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
			email := unique("address") + "@example.org"
			c := app.Client()
			var read []string
			see := func(what string, resp apptest.Response, status int) {
				t.Helper()
				if resp.StatusCode != status {
					t.Fatalf("%s = %d, want %d", what, resp.StatusCode, status)
				}
				read = append(read, visibleText(resp.Body))
			}

			see("registration page", app.Get(t, c, ev.regPath()), http.StatusOK)
			see("refused form", registerVia(t, app, c, ev.regPath(), "Ana Reader", email, nil), http.StatusUnprocessableEntity)
			see("answer page", registerVia(t, app, c, ev.regPath(), "Ana Reader", email, url.Values{"food": {"Suppe"}}), http.StatusOK)
			mail := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
			link := linkRE.FindString(mail.Text)
			see("personal page while pending", app.Get(t, c, link), http.StatusOK)
			see("confirm", post(t, app, c, link, "action", "confirm"), http.StatusSeeOther)
			see("personal page on the waiting list", app.Get(t, c, link), http.StatusOK)
			see("cancel", post(t, app, c, link, "action", "cancel"), http.StatusSeeOther)
			see("personal page after cancelling", app.Get(t, c, link), http.StatusOK)

			all := strings.Join(read, "\n")
			for _, want := range tt.wants {
				if !strings.Contains(all, want) {
					t.Errorf("no page says %q", want)
				}
			}
			for i, text := range read {
				if m := tt.wrong.FindString(text); m != "" {
					t.Errorf("page %d says %q to a reader addressed with %s:\n%s", i, m, tt.formality, text)
				}
			}
			if m := tt.wrong.FindString(mail.Text); m != "" {
				t.Errorf("the mail says %q:\n%s", m, mail.Text)
			}

			// English has no such distinction.
			en := app.Get(t, app.Client(), ev.regPath(), "Accept-Language", "en")
			mustContain(t, en.Body, "Fully booked: if you register now, you will join the waiting list.")
		})
	}
}

// The admin's event form calls the setting what it now is: the form of
// address of everything the participants read, not only of the mails.
func TestEventFormCallsTheSettingAnrede(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	for _, tt := range []struct{ lang, want string }{{"de", "Anrede"}, {"en", "Form of address"}} {
		resp := app.Get(t, c, "/admin/events/new", "Accept-Language", tt.lang)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /admin/events/new = %d", resp.StatusCode)
		}
		label := regexp.MustCompile(`(?s)<label[^>]*for="af-formality"[^>]*>(.*?)</label>`).FindStringSubmatch(resp.Body)
		if label == nil {
			t.Fatalf("%s: no label for the form of address", tt.lang)
		}
		if got := strings.TrimSuffix(visibleText(label[1]), " *"); got != tt.want {
			t.Errorf("%s: the setting is labelled %q, want %q", tt.lang, got, tt.want)
		}
	}
}
