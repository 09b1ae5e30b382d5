package admin_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The small layout defects of the console's lists and forms, on a phone
// and a desktop: dates on one line, the search's explanation whole, the
// row's actions in view beside an open editor, targets of 24 px, and a
// warning before leaving an event's form with unsaved changes.
func TestBrowserAdminListsLayout(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("layout")
	// Every column as wide as real data makes it: a long address, the
	// longest type, status and relation.
	person := newPerson(t, app, "Lena Layout"+tag, "vanderbilt."+tag+"@googlemail.example.org")
	exec(t, app, `UPDATE persons SET joining_date = '2024-03-01', membership_status = 'email_unverified',
		membership_type = 'ausserordentlich', tu_status_id = (SELECT id FROM tu_status WHERE name LIKE 'Mitarbeiterin/%') WHERE id = $1`, person)
	ev := newEvent(t, app, "Layout-Fest mit einem recht langen Namen "+tag, intp(12))
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := apptest.NewBrowser(t, size[0], size[1])
			b.Login(t, app, "person_admin", "event_admin")
			german(t, b, app)
			prow := fmt.Sprintf("#persons-%d", person)
			b.Do(t, "open the persons", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(prow)))
			settled(t, b)
			if ws := apptest.Eval[string](t, b, `getComputedStyle(document.querySelector('`+prow+` td:nth-child(7)')).whiteSpace`); ws != "nowrap" {
				t.Errorf("the joining date may wrap (white-space %s)", ws)
			}
			if !apptest.Eval[bool](t, b, `(function (h) { return !!h && h.offsetHeight > 0 && h.scrollWidth <= h.clientWidth &&
				h.textContent.trim().length > 5 })(document.querySelector('[data-testid="search-help"]'))`) {
				t.Error("what the search looks in is cut off or missing")
			}
			b.FitsWidth(t)
			if size[0] >= 768 && !apptest.Eval[bool](t, b, `(function (box) { return box.scrollWidth <= box.clientWidth })(document.querySelector('#persons-list .table-responsive'))`) {
				t.Errorf("the persons list is wider than its box: its row actions cover the last column (%s)", apptest.Eval[string](t, b, `(function (box) { return box.scrollWidth + " > " + box.clientWidth })(document.querySelector("#persons-list .table-responsive"))`))
			}
			b.Screenshot(t, fmt.Sprintf("persons-de-%d", size[0]))

			erow := fmt.Sprintf("#events-%d", ev)
			b.Do(t, "open the events", chromedp.Navigate(app.URL+"/admin/events?q="+tag), chromedp.WaitVisible(css(erow)))
			settled(t, b)
			small := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#events-list a, #events-list button')).filter(function (a) {
				var r = a.getBoundingClientRect(); return r.width < 24 || r.height < 24 }).map(function (a) { return a.outerHTML.slice(0, 80) })`)
			if len(small) > 0 {
				t.Errorf("targets below 24 px: %v", small)
			}
			b.Do(t, "open the name's editor", chromedp.ScrollIntoView(css(erow+` td[data-field="name"] [data-editable]`)),
				chromedp.Click(css(erow+` td[data-field="name"] [data-editable]`)))
			b.WaitTrue(t, "the editor opens", `!!document.querySelector('`+erow+` td[data-field="name"] input[name="value"]')`)
			if size[0] >= 768 {
				b.WaitTrue(t, "Details and Löschen stay in view", `(function (r) {
				var d = r.querySelector('[data-testid="detail"]').getBoundingClientRect(), x = r.querySelector('[data-testid="delete"]').getBoundingClientRect();
				var box = document.querySelector('#events-list .table-responsive').getBoundingClientRect();
				return d.left >= box.left - 1 && x.right <= Math.min(box.right, window.innerWidth) + 1 })(document.querySelector('`+erow+`'))`)
			}
			b.Screenshot(t, fmt.Sprintf("events-editor-de-%d", size[0]))
			b.Do(t, "leave the editor", chromedp.KeyEvent("\u001b"))
			settled(t, b)

			b.Do(t, "open the event's form", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)), chromedp.WaitVisible(css(`#af-name`)))
			settled(t, b)
			if b.AsksBeforeLeaving(t) {
				t.Error("an untouched form warns before leaving")
			}
			b.Do(t, "change the name", chromedp.SendKeys(css(`#af-name`), " geändert"))
			if !b.AsksBeforeLeaving(t) {
				t.Error("leaving a changed form gives no warning")
			}
			b.NoConsoleErrors(t)
		})
	}
}
