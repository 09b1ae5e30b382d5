package organisers_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The pages of a long list, on a phone and a desktop, in both languages:
// the pager fits and leads to the next page and back.
func TestBrowserParticipantsPages(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerfest", `{"type": "object", "properties": {"guests": {"type": "integer", "title": "Gäste"}}}`)
	crowd(t, app, ev, 250, 0)
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			b := apptest.NewBrowser(t, size[0], size[1])
			b.Login(t, app, "get_participants")
			if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			b.Do(t, "open the list", chromedp.Navigate(fmt.Sprintf("%s/events/%d/participants/", app.URL, ev.ID)),
				chromedp.WaitVisible(css(`[data-testid="pager"]`)), chromedp.ScrollIntoView(css(`[data-testid="pager"]`)))
			b.FitsWidth(t)
			b.Screenshot(t, fmt.Sprintf("participants-pager-%s-%dx%d", lang, size[0], size[1]))
			b.Do(t, "go to the next page", chromedp.Click(css(`[data-testid="page-next"]`)), chromedp.WaitVisible(css(`[data-testid="page-prev"]`)))
			if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="participant"]').length`); n != 50 {
				t.Errorf("the second page shows %d rows, want 50", n)
			}
			b.Do(t, "and back", chromedp.Click(css(`[data-testid="page-prev"]`)), chromedp.WaitVisible(css(`[data-testid="page-next"]`)))
			if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="participant"]').length`); n != 200 {
				t.Errorf("the first page shows %d rows, want 200", n)
			}
			b.NoConsoleErrors(t)
		}
	}
}
