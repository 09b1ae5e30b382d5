package admin_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// A name shared by more persons than the search counts: the status line
// says "more than 200", and the pages hold every one of those 200, in
// order, without repeating anybody.
func TestBrowserSearchOfACommonNameCountsToItsCap(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("cap")
	exec(t, app, `INSERT INTO persons (name, email, email_valid)
		SELECT 'Lena Kappe'||$1||' '||g, 'lena.'||g||'.'||$1||'@example.org', true FROM generate_series(1, 260) g`, tag)
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		for _, lang := range []i18n.Lang{i18n.DE, i18n.EN} {
			t.Run(fmt.Sprintf("%s-%d", lang, size[0]), func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				b.Login(t, app, "person_admin")
				b.Language(t, app.URL, string(lang))
				b.Do(t, "search the common name", chromedp.Navigate(app.URL+"/admin/persons?q=kappe"+tag),
					chromedp.WaitVisible(css(`#persons-list tr[data-testid="row"]`)))
				settled(t, b)
				want := i18n.In(lang, "admin.list.total_capped", 200)
				if got := apptest.Eval[string](t, b, `document.querySelector('#persons-total').textContent.trim()`); got != want {
					t.Errorf("status line %q, want %q", got, want)
				}
				seen := map[string]bool{}
				for page := 1; ; page++ {
					ids := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#persons-list tr[data-testid="row"]')).map(function (r) { return r.id })`)
					if len(ids) != 25 {
						t.Fatalf("page %d has %d rows, want 25", page, len(ids))
					}
					for _, id := range ids {
						if seen[id] {
							t.Fatalf("page %d repeats %s", page, id)
						}
						seen[id] = true
					}
					if page == 1 {
						b.FitsWidth(t)
						b.Screenshot(t, fmt.Sprintf("persons-capped-%s-%d", lang, size[0]))
					}
					if !apptest.Eval[bool](t, b, `!!document.querySelector('[data-testid="next"]')`) {
						break
					}
					first := ids[0]
					b.Do(t, "next page", chromedp.Click(css(`[data-testid="next"]`)))
					b.WaitTrue(t, "the next page", `(function (r) { return !!r && r.id !== `+strconv.Quote(first)+` })(document.querySelector('#persons-list tr[data-testid="row"]'))`)
					settled(t, b)
				}
				if len(seen) != 200 {
					t.Errorf("the pages show %d persons, want the 200 counted", len(seen))
				}
				b.NoConsoleErrors(t)
			})
		}
	}
}
