package texts_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

func setLanguage(t *testing.T, app *apptest.App, b *apptest.Browser, lang string) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
		t.Fatal(err)
	}
}

// The mail text editor on a phone and on a desk, in both languages: an
// unknown placeholder refused with its line, the preview in du and Sie,
// the text saved, then reset after a confirmation.
func TestBrowserMailTextEditor(t *testing.T) {
	app := apptest.Start(t)
	wantError := map[string]string{"de": "Text, Zeile 2: Den Platzhalter {{.Vorname}} kennt diese Mail nicht.",
		"en": "Text, line 2: this mail has no placeholder {{.Vorname}}."}
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			t.Run(fmt.Sprintf("%s/%d", lang, size[0]), func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				setLanguage(t, app, b, lang)
				b.Login(t, app, "texts_admin")
				shot := func(name string) {
					b.FitsWidth(t)
					b.Screenshot(t, fmt.Sprintf("texts-%s-%s-%dx%d", name, lang, size[0], size[1]))
				}
				b.Do(t, "open the texts", chromedp.Navigate(app.URL+"/admin/texts"),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="texts-mails"]`)))
				shot("index")
				const editor = "/admin/texts/mail/events/registration_pending/" + "%s"
				b.Do(t, "open a mail's editor", chromedp.Navigate(app.URL+fmt.Sprintf(editor, lang)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="placeholders"]`)))
				if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="placeholders"]').textContent`); !strings.Contains(got, "{{.EventName}}") ||
					!strings.Contains(got, "{{.Link}}") || !strings.Contains(got, "{{.Name}}") {
					t.Errorf("the placeholders listed are %q", got)
				}
				shot("mail-editor")
				b.Do(t, "type an unknown placeholder and save", chromedp.SetValue(`#body`, "{{.Link}}\nHallo {{.Vorname}}"),
					chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="text-error"]`)))
				if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="text-error"]').textContent`); got != wantError[lang] {
					t.Errorf("the editor says %q, want %q", got, wantError[lang])
				}
				shot("mail-error")
				b.Do(t, "preview a good text", chromedp.SetValue(`#body`, "{{if .Sie}}Guten Tag{{else}}Hallo{{end}} {{.Name}},\n{{.Link}}"),
					chromedp.Click(chromedp.CSS(`[data-testid="preview"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="mail-preview"]`)))
				bodies := apptest.Eval[string](t, b, `[...document.querySelectorAll('[data-testid="preview-body"]')].map(e => e.textContent.split("\n")[0]).join("|")`)
				if bodies != "Hallo Erika Mustermann,|Guten Tag Erika Mustermann," {
					t.Errorf("the previews begin %q", bodies)
				}
				shot("mail-preview")
				b.Do(t, "save it", chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset"]`)))
				shot("mail-saved")
				b.Do(t, "reset it", chromedp.Click(chromedp.CSS(`[data-testid="reset"] summary`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-confirm"]`)))
				shot("mail-reset-confirm")
				b.Do(t, "confirm", chromedp.Click(chromedp.CSS(`[data-testid="reset-confirm"]`)))
				b.WaitTrue(t, "the editor without a reset", `document.querySelector('[data-testid="mail-editor"]') && !document.querySelector('[data-testid="reset"]')`)
				var rows int
				if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_texts`).Scan(&rows); err != nil || rows != 0 {
					t.Errorf("after the reset %d texts are left (%v)", rows, err)
				}
				b.Do(t, "type into the text", chromedp.SendKeys(`#body`, " Eigener Satz."))
				if !b.AsksBeforeLeaving(t) {
					t.Error("leaving the mail editor with typed text gives no warning")
				}
				// The refused save came back as 422, which the browser logs.
				b.NoConsoleErrors(t, "status of 422")
			})
		}
	}
}

// The page editors and the legal pages, on a phone and on a desk: the
// privacy page's draft, and the legal pages reached from the footer; the
// home page and the membership form with the association's own texts.
func TestBrowserLegalPages(t *testing.T) {
	app := apptest.Start(t, apptest.Env("ORG_ADDRESS", `Musterstraße 1\n12345 Musterstadt`))
	c, _ := app.ClientWith(t, "texts_admin")
	savePage(t, app, c, "home", "de", `<p>Willkommen beim <strong>Verein B</strong>! Wir rechnen gern: $\int_0^1 x\,dx = \tfrac12$.</p>`)
	savePage(t, app, c, "home", "en", `<p>Welcome to <strong>Verein B</strong>! We like sums: $\int_0^1 x\,dx = \tfrac12$.</p>`)
	savePage(t, app, c, "apply", "de", `<p>Mitglied werden kostet nichts. <a href="/datenschutz">Datenschutz</a></p>`)
	savePage(t, app, c, "apply", "en", `<p>Membership is free. <a href="/datenschutz">Privacy</a></p>`)
	savePage(t, app, c, "footer", "de", `<p>Gemeinnützig anerkannt, Amtsgericht Musterstadt VR 1234.</p>`)
	savePage(t, app, c, "footer", "en", `<p>Registered charity, Musterstadt local court VR 1234.</p>`)
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			t.Run(fmt.Sprintf("%s/%d", lang, size[0]), func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				setLanguage(t, app, b, lang)
				shot := func(name string) {
					b.FitsWidth(t)
					b.Screenshot(t, fmt.Sprintf("texts-%s-%s-%dx%d", name, lang, size[0], size[1]))
				}
				b.Do(t, "open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="home-text"] .katex`)))
				shot("home")
				b.Do(t, "open the membership form", chromedp.Navigate(app.URL+"/register/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="apply-text"]`)))
				shot("apply")
				for _, page := range []string{"impressum", "datenschutz"} {
					b.Do(t, "follow the footer's link", chromedp.Navigate(app.URL+"/"),
						chromedp.Click(chromedp.CSS(`[data-testid="legal-links"] a[href="/`+page+`"]`)),
						chromedp.WaitVisible(chromedp.CSS(`[data-testid="legal-fallback"]`)))
					if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="legal-fallback"]').innerText`); !strings.Contains(got, "Musterstraße 1\n12345 Musterstadt") {
						t.Errorf("%s shows %q", page, got)
					}
					shot(page)
				}
				b.Login(t, app, "texts_admin", "person_admin")
				b.Do(t, "the admin index warns", chromedp.Navigate(app.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="legal-warning"]`)))
				shot("admin-index")
				b.Do(t, "open the privacy editor", chromedp.Navigate(app.URL+"/admin/texts/pages/datenschutz/"+lang),
					chromedp.Click(chromedp.CSS(`[data-testid="privacy-draft"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="drafted"]`)))
				shot("privacy-draft")
				b.Do(t, "preview the draft", chromedp.Click(chromedp.CSS(`[data-testid="preview"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="page-preview"]`)))
				shot("privacy-preview")
				// Text typed and not saved: leaving the editor (the draft's
				// link among the ways) asks first.
				if b.AsksBeforeLeaving(t) {
					t.Error("the previewed editor warns before leaving, with nothing typed since")
				}
				b.Do(t, "type into the text", chromedp.SendKeys(`#body`, " Eigener Satz."))
				if !b.AsksBeforeLeaving(t) {
					t.Error("leaving the editor with typed text gives no warning")
				}
				b.NoConsoleErrors(t)
			})
		}
	}
}
