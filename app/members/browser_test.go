package members_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a phone: apply, open the mailed link, confirm, edit one's data.
func TestBrowserApplyConfirmEditOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	b := apptest.NewBrowser(t, 360, 740)
	email := newAddress(t)
	phd := tuStatusID(t, app, "Doktorandin/Doktorand")

	b.Do(t, "applying",
		chromedp.Navigate(app.URL+"/register/"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Bärbel Browser"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.Click(chromedp.CSS(`[data-testid="type-ausserordentlich"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="apply-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="link-sent"]`)),
	)
	b.FitsWidth(t)

	link := linkIn(t, lastMailTo(t, app, email, 1))
	b.Do(t, "opening the mailed link",
		chromedp.Navigate(app.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="verify-submit"]`)),
	)
	b.FitsWidth(t)
	b.Do(t, "confirming",
		chromedp.Click(chromedp.CSS(`[data-testid="verify-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="edit-form"]`)),
	)
	if p := loadPerson(t, app, email); p.Status != "pending" || p.Type != "ausserordentlich" {
		t.Fatalf("after confirming in the browser: %+v", p)
	}
	b.FitsWidth(t)

	b.Do(t, "editing",
		chromedp.SetValue(chromedp.ID("date_of_birth"), "1995-07-14"),
		chromedp.Click(chromedp.CSS(`[data-testid="tu-`+phd+`"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="edit-submit"]`)),
	)
	// Headless Chromium asks for English; the toast may come in either language.
	b.WaitTrue(t, "a toast saying it was saved", `/saved|gespeichert/.test(document.getElementById('toasts').textContent)`)
	p := loadPerson(t, app, email)
	if p.Birth != "1995-07-14" || p.TUStatus != phd || p.Name != "Bärbel Browser" {
		t.Fatalf("stored after editing: %+v", p)
	}

	// A mistake shows next to the field, in place.
	b.Do(t, "an empty name",
		chromedp.SetValue(chromedp.ID("name"), " "),
		chromedp.Click(chromedp.CSS(`[data-testid="edit-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="name-error"]`)),
	)
	if got := loadPerson(t, app, email).Name; got != "Bärbel Browser" {
		t.Errorf("an empty name was saved: %q", got)
	}
	// Chromium logs every 4xx answer; the 422 of the form is expected.
	b.NoConsoleErrors(t, "status of 422")
}

// On a phone: ask for one's data, open the mailed link and read it, with
// the university relation in the reader's language.
func TestBrowserGDPRDataOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	b := apptest.NewBrowser(t, 360, 740)
	email := newAddress(t)
	id := insertPerson(t, app, "Gundula Datenschutz", email, "confirmed", "ordentlich")
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET tu_status_id = $2 WHERE id = $1`, id, tuStatusID(t, app, "Doktorandin/Doktorand")); err != nil {
		t.Fatal(err)
	}
	b.Do(t, "asking for the data",
		chromedp.Navigate(app.URL+"/request_gdpr_data"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.Click(chromedp.CSS(`[data-testid="request-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="link-sent"]`)),
	)
	link := linkIn(t, lastMailTo(t, app, email, 1))
	b.Do(t, "opening the mailed link",
		chromedp.Navigate(app.URL+link),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gdpr-person"]`)),
	)
	text, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="gdpr-person"]').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	// The browser reads English: the relation is named in English.
	for _, want := range []string{"Gundula Datenschutz", email, "Doctoral candidate"} {
		if !strings.Contains(text, want) {
			t.Errorf("the person's data lacks %q:\n%s", want, text)
		}
	}
	b.FitsWidth(t)
	b.Screenshot(t, "gdpr-360")

	// The whole page, with the links sent and the changes made, in both
	// languages on a desktop too.
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			w := apptest.NewBrowser(t, size[0], size[1])
			if _, err := chromedp.Call(w.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			w.Do(t, "reading the data in "+lang, chromedp.Navigate(app.URL+link), chromedp.WaitVisible(chromedp.CSS(`[data-testid="gdpr-links"]`)))
			w.FitsWidth(t)
			w.Screenshot(t, fmt.Sprintf("gdpr-%s-%dx%d", lang, size[0], size[1]))
			w.NoConsoleErrors(t)
		}
	}
}
