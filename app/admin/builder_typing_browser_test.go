package admin_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a slow connection the organiser types the label, moves on with Tab
// and types the help text while the label's change is on its way: the
// builder drawn from the answer keeps every typed letter, and the help
// text is applied when they leave it.
func TestBrowserBuilderKeepsWhatIsTypedWhileAChangeIsOnItsWay(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Langsam "), nil)
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	d := builderDriver{t, b}
	b.Do(t, "open the event", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.WaitVisible(css(`[data-testid="builder-empty"]`)))
	settled(t, b)
	d.add("text", "")

	const help = "Mit Bahn oder Auto"
	latency(t, b, 600)
	b.Do(t, "type the label, Tab, and the help text at once",
		chromedp.Focus(css("#fb-label")), chromedp.SendKeys(css("#fb-label"), "Anreise"), chromedp.KeyEvent(kb.Tab))
	b.WaitTrue(t, "the label's change to be on its way", `!!document.querySelector('.htmx-request') && document.activeElement.id === 'fb-help'`)
	b.Do(t, "type the help text", chromedp.KeyEvent(help))
	b.WaitTrue(t, "the builder drawn anew from the label's answer", `!document.querySelector('.htmx-request') &&
		document.querySelector('[data-testid="builder-field-label"]') &&
		document.querySelector('[data-testid="builder-field-label"]').textContent.includes('Anreise')`)
	if got := apptest.Eval[string](t, b, `document.getElementById('fb-help').value`); got != help {
		t.Errorf("the help text reads %q after the builder was drawn anew, want %q", got, help)
	}
	if id := apptest.Eval[string](t, b, `document.activeElement.id`); id != "fb-help" {
		t.Errorf("the focus went to %q, want the help text", id)
	}
	latency(t, b, 0)
	b.Do(t, "leave the help text", chromedp.KeyEvent(kb.Tab))
	d.applied()
	if !apptest.Eval[bool](t, b, `document.querySelector('[data-testid="input-registration_schema"]').value.includes('`+help+`')`) {
		t.Errorf("the schema lacks the help text: %s", apptest.Eval[string](t, b, `document.querySelector('[data-testid="input-registration_schema"]').value`))
	}
	b.NoConsoleErrors(t)
}

// latency makes every request of the browser take ms longer.
func latency(t *testing.T, b *apptest.Browser, ms float64) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	// Network.emulateNetworkConditions: this Chromium does not know the
	// command cdproto offers in its place.
	emulate := cdp.Command[conditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	if _, err := chromedp.Call(b.Ctx, emulate, conditions{Latency: ms, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
}

type conditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}
