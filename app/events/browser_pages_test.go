package events_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// readText is what a person reads of the page: the main part and the
// toasts, without navigation and footer.
const readText = `document.querySelector("main").innerText + "\n" + document.getElementById("toasts").innerText`

// A participant walks the registration page, the answer after sending it,
// the personal page before and after confirming, on a phone and a
// desktop, in German and English, of an event set to du and one set to
// Sie. Each page addresses them as the event does, counts its free places
// in words, marks the required field at its label rather than after its
// help, and fits the screen. MEMBERDB_SCREENSHOTS keeps every page.
func TestBrowserParticipantPagesInEveryLanguageAndAddress(t *testing.T) {
	app := apptest.Start(t)
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, lang := range []string{"de", "en"} {
				b := apptest.NewBrowser(t, size[0], size[1])
				_, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL})
				if err != nil {
					t.Fatal(err)
				}
				for _, formality := range []string{"du", "sie"} {
					walkParticipantPages(t, app, b, fmt.Sprintf("ev-%d-%s-%s", size[0], lang, formality), lang, formality)
				}
			}
		})
	}
}

func walkParticipantPages(t *testing.T, app *apptest.App, b *apptest.Browser, shot, lang, formality string) {
	t.Helper()
	ev := createEvent(t, app, testEvent{name: "Sommerakademie " + map[string]string{"du": "Nord", "sie": "Süd"}[formality], formality: formality, max: places(2),
		schema: "summer-academy.json", description: `<p>Eine Woche Physik mit $E = mc^2$ und Wanderungen.</p>`})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '30 days',
		ends_at = now() + interval '30 days 3 hours', location = 'Physikgebäude, Otto-Hahn-Straße 4' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	email := unique("walk") + "@example.org"
	wrong := map[string]*regexp.Regexp{"du": sieWords, "sie": duWords}[formality]
	if lang == "en" {
		wrong = regexp.MustCompile(`\b(du|Sie|Ihre|deine)\b`)
	}
	look := func(page string, wants ...string) {
		t.Helper()
		b.FitsWidth(t)
		text := apptest.Eval[string](t, b, readText)
		if m := wrong.FindString(text); m != "" {
			t.Errorf("%s, %s: the %s says %q:\n%s", lang, formality, page, m, text)
		}
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s, %s: the %s lacks %q:\n%s", lang, formality, page, want, text)
			}
		}
		b.Screenshot(t, shot+"-"+page)
	}

	b.Do(t, "open the registration page",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"] .katex`)))
	look("1-registration", map[string]string{"de": "Noch 2 Plätze frei", "en": "2 places left"}[lang])
	// The mark follows "Handynummer", above the help under the label.
	markAbove := apptest.Eval[bool](t, b, `(function () {
		var label = document.querySelector('[data-testid="field-phone"] label');
		var mark = label.querySelector('[data-testid="required-mark"]');
		var help = document.querySelector('[data-testid="help-phone"]');
		var m = mark.getBoundingClientRect(), h = help.getBoundingClientRect();
		return m.bottom <= h.top + 1 && label.textContent.trim().indexOf("Handynummer") === 0;
	})()`)
	if !markAbove {
		t.Errorf("%s, %s: the required mark is not right after the label", lang, formality)
	}

	b.Do(t, "register",
		chromedp.SendKeys(chromedp.ID("f-name"), "Ana Walker"),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-phone"), "0231 755-0"),
		chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="check-mail"]`)))
	look("2-answer", email)

	link := linkRE.FindString(app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0].Text)
	b.Do(t, "open the mailed link",
		chromedp.Navigate(app.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="pending"]`)))
	look("3-personal-pending", map[string]string{"de": "unbestätigt", "en": "unconfirmed"}[lang])

	b.Do(t, "confirm",
		chromedp.Click(chromedp.CSS(`[data-testid="confirm"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-status="confirmed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="answers-form"]`)))
	ticket := map[string]string{"de": "Deine Eintrittskarte", "en": "Your ticket"}[lang]
	if lang == "de" && formality == "sie" {
		ticket = "Ihre Eintrittskarte"
	}
	// The answer to the click comes as a toast, in a signed cookie: the
	// visitor has no session.
	confirmed := map[string]string{"de": "Deine Anmeldung ist bestätigt.", "en": "Your registration is confirmed."}[lang]
	if lang == "de" && formality == "sie" {
		confirmed = "Ihre Anmeldung ist bestätigt."
	}
	look("4-personal-confirmed", map[string]string{"de": "bestätigt", "en": "confirmed"}[lang], ticket, confirmed,
		map[string]string{"de": "In den Kalender", "en": "Add to calendar"}[lang], "Otto-Hahn-Straße 4")
	if code := apptest.Eval[string](t, b, `document.querySelector("[data-ticket-code]").dataset.ticketCode`); !regexp.MustCompile(`^[0-9A-Z]{5}-[0-9A-Z]{5}$`).MatchString(code) {
		t.Errorf("%s, %s: data-ticket-code %q", lang, formality, code)
	}
	b.NoConsoleErrors(t)
}
