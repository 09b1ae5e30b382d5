package site_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The look page in a browser: a logo uploaded through the form appears in
// the navigation, an accent colour colours the buttons, a postal address
// reaches the legal notice, and the pages pass
// the accessibility check (contrast among it) on a phone and a desktop, in
// German and English. A colour too light and an address of seven lines
// are refused on the page.
func TestBrowserLookPage(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	dir := t.TempDir()
	logo := filepath.Join(dir, "logo.svg")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#6f2da8"/>` +
		`<text x="60" y="27" fill="#fff" font-family="sans-serif" font-size="20" text-anchor="middle">VB</text></svg>`
	if err := os.WriteFile(logo, []byte(svg), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, size := range [][2]int{{360, 740}, {1280, 900}} {
		b := apptest.NewBrowser(t, size[0], size[1])
		b.Login(t, app, "texts_admin")
		for _, lang := range []string{"de", "en"} {
			name := fmt.Sprintf("%s-%d", lang, size[0])
			b.Language(t, app.URL, lang)
			b.Do(t, "open the look page in "+lang,
				chromedp.Navigate(app.URL+"/admin/site"), chromedp.WaitVisible(`[data-testid="logo-section"]`))
			if i == 0 && lang == "de" {
				b.Screenshot(t, "look-empty-"+name)
				b.Do(t, "a colour too light", chromedp.SetValue(`#accent`, "#ffd700"), chromedp.Click(`[data-testid="accent-submit"]`),
					chromedp.WaitVisible(`[data-testid="accent-error"]`))
				b.Screenshot(t, "look-accent-error-"+name)
				b.Do(t, "upload the logo", chromedp.SetUploadFiles(`#logo`, []string{logo}), chromedp.Click(`[data-testid="logo-submit"]`),
					chromedp.WaitVisible(`[data-testid="logo-preview"]`))
				b.Do(t, "set the accent colour", chromedp.SetValue(`#accent`, "#6f2da8"), chromedp.Click(`[data-testid="accent-submit"]`),
					chromedp.WaitVisible(`[data-testid="logo-preview"]`))
				b.WaitTrue(t, "the colour to be saved", `getComputedStyle(document.querySelector('[data-testid="accent-submit"]')).backgroundColor === "rgb(111, 45, 168)"`)
				b.Do(t, "a postal address of seven lines", chromedp.SetValue(`#postal_address`, "a\nb\nc\nd\ne\nf\ng"),
					chromedp.Click(`[data-testid="org-submit"]`), chromedp.WaitVisible(`[data-testid="postal_address-error"]`))
				b.Do(t, "scroll to it", chromedp.ScrollIntoView(`#postal_address`))
				b.Screenshot(t, "look-postal-error-"+name)
				b.Do(t, "a postal address", chromedp.SetValue(`#postal_address`, "Verein B\nNotenweg 1\n12345 Klangstadt"),
					chromedp.Click(`[data-testid="org-submit"]`), chromedp.WaitNotPresent(`[data-testid="postal_address-error"]`))
			}
			b.WaitTrue(t, "the postal address is kept", `document.querySelector('#postal_address').value === "Verein B\nNotenweg 1\n12345 Klangstadt"`)
			b.WaitTrue(t, "the logo is shown in the navigation", `(function (img) {
				return !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height >= 24 })(document.querySelector('[data-testid="site-logo"]'))`)
			b.WaitTrue(t, "buttons take the accent colour", `getComputedStyle(document.querySelector('[data-testid="accent-submit"]')).backgroundColor === "rgb(111, 45, 168)"`)
			b.FitsWidth(t)
			b.Screenshot(t, "look-"+name)
			b.Do(t, "open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(`[data-testid="site-logo"]`))
			b.FitsWidth(t)
			b.Screenshot(t, "home-"+name)
			b.Do(t, "open the events", chromedp.Navigate(app.URL+"/events/"), chromedp.WaitVisible(`[data-testid="site-logo"]`))
			b.Screenshot(t, "events-"+name)
			b.Do(t, "open the legal notice", chromedp.Navigate(app.URL+"/impressum"), chromedp.WaitVisible(`main`))
			b.WaitTrue(t, "it shows the postal address", `document.querySelector('main').innerText.includes("Notenweg 1")`)
			b.FitsWidth(t)
			b.Screenshot(t, "impressum-"+name)
		}
		if i == 0 {
			b.Do(t, "ask to remove the logo", chromedp.Navigate(app.URL+"/admin/site"), chromedp.Click(`[data-testid="logo-delete"]`),
				chromedp.WaitVisible(`[data-testid="logo-delete-confirm"]`))
			b.FitsWidth(t)
			b.Screenshot(t, "logo-delete-en-360")
		}
		// The refused colour is answered 422, which the browser logs.
		b.NoConsoleErrors(t, "status of 422")
	}
}
