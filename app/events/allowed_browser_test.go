package events_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The organiser's message stands under the email field before and, as the
// field's error, after a refused address, in the reader's language.
func TestBrowserAllowedAddressesMessage(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {}}`,
		allowed: `@verein-b\.example$`, allowedDE: "Bitte melde dich mit deiner Adresse von Verein B an.", allowedEN: "Please use your Club B address."})
	for _, lang := range []string{"de", "en"} {
		want := map[string]string{"de": "Bitte melde dich mit deiner Adresse von Verein B an.", "en": "Please use your Club B address."}[lang]
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			b := apptest.NewBrowser(t, size[0], size[1])
			if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			b.Do(t, "open the form", chromedp.Navigate(app.URL+ev.regPath()), chromedp.WaitVisible(chromedp.ID("f-email")))
			if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="help-email"]').textContent`); got != want {
				t.Errorf("%s: help %q, want %q", lang, got, want)
			}
			b.Do(t, "register with another address",
				chromedp.SendKeys(chromedp.ID("f-name"), "Ada Lovelace"),
				chromedp.SendKeys(chromedp.ID("f-email"), unique("ada")+"@example.org"),
				chromedp.Click(chromedp.CSS(`[data-testid="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-email"]`)),
			)
			if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="error-email"]').textContent`); got != want {
				t.Errorf("%s: error %q, want %q", lang, got, want)
			}
			b.FitsWidth(t)
			b.Screenshot(t, fmt.Sprintf("event-refused-%s-%dx%d", lang, size[0], size[1]))
			b.NoConsoleErrors(t, "status of 422")
		}
	}
}
