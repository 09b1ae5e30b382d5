package server_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestBrowserHomeRendersMathWithoutConsoleErrors(t *testing.T) {
	app := apptest.Start(t)
	b := apptest.NewBrowser(t, 360, 740)
	b.Do(t, "open the home page with its motto typeset by KaTeX",
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="motto"] .katex`)),
	)
	tex, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](
		`document.querySelector('[data-testid="motto"] .katex annotation').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if tex != `e^{i\pi}+1=0` {
		t.Fatalf("KaTeX rendered %q, want e^{i\\pi}+1=0", tex)
	}
	// The page must fit a 360 px phone: nothing wider than the viewport.
	b.FitsWidth(t)
	// Late console messages (fonts, CSP reports) are in once it returns.
	b.NoConsoleErrors(t)
}
