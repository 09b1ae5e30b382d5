package members_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a phone: the membership form offers an association's own type with
// its description, and applying with it stores it.
func TestBrowserApplyWithAnOwnTypeOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	key := addType(t, app, "Fördermitglied", "supporting member", true, false)
	hidden := addType(t, app, "Altmitglied", "old member", true, true)
	b := apptest.NewBrowser(t, 360, 740)
	email := newAddress(t)

	b.Do(t, "applying with the own type",
		chromedp.Navigate(app.URL+"/register/"),
		chromedp.WaitVisible(chromedp.ID("name")),
	)
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="type-`+hidden+`"]').length`); n != 0 {
		t.Error("the form offers a hidden type")
	}
	b.FitsWidth(t)
	b.Do(t, "filling the form",
		chromedp.SendKeys(chromedp.ID("name"), "Fiona Förder"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.Click(chromedp.CSS(`[data-testid="type-`+key+`"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="apply-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="link-sent"]`)),
	)
	if p := loadPerson(t, app, email); p.Type != key {
		t.Fatalf("stored type %q, want %q", p.Type, key)
	}
	b.NoConsoleErrors(t)

	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			w := apptest.NewBrowser(t, size[0], size[1])
			if _, err := chromedp.Call(w.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			w.Do(t, "reading the form in "+lang, chromedp.Navigate(app.URL+"/register/"), chromedp.WaitVisible(chromedp.ID("name")))
			w.FitsWidth(t)
			w.Screenshot(t, fmt.Sprintf("apply-types-%s-%dx%d", lang, size[0], size[1]))
			w.NoConsoleErrors(t)
		}
	}
}
