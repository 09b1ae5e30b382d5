package organisers_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestZZDebugWidth(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox Workshop", testSchema)
	register(t, app, ev, testRegistration{Name: "Özlem Yılmaz", Status: "confirmed", Confirmed: at(1), Data: `{"guests": 1, "title": "Julia und Rust", "languages": {"python": true, "other": "Rust"}}`})
	b := apptest.NewBrowser(t, 360, 740)
	loginBrowser(t, app, b, "get_participants", "write_email")
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(fmt.Sprintf("%s/events/%s/participants/", app.URL, ev.Shortlink))); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 362).slice(0,15).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('\n')`))
	t.Log(out, err)
	png, _ := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/participants.png", png, 0o644)
	chromedp.Do(b.Ctx, chromedp.Navigate(fmt.Sprintf("%s/events/%s/write_mail/", app.URL, ev.Shortlink)))
	png, _ = chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/writemail.png", png, 0o644)
	chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("#mail-subject"), "Anreise <b>"), chromedp.SendKeys(chromedp.CSS("#mail-body"), "Hallo,\n\nwir treffen uns $x$ am Bahnhof.\n\nLea"), chromedp.Click(chromedp.CSS(`[data-testid="preview"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="preview-text"]`)))
	png, _ = chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/preview.png", png, 0o644)
}
