package admin_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a phone the question an inline save asks (making an applicant a
// member without the welcome mail) is in view whole, clear of the fade
// that marks more columns, with its button focused.
func TestBrowserInlineQuestionFitsAPhone(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("qf")
	id := newPerson(t, app, "Petra Phone", "petra."+tag+"@example.org")
	exec(t, app, `UPDATE persons SET membership_status = 'pending' WHERE id = $1`, id)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			b := apptest.NewBrowser(t, 360, 740)
			b.Login(t, app, "person_admin")
			b.Language(t, app.URL, lang)
			row := fmt.Sprintf("#persons-%d", id)
			sel := row + ` td[data-field="membership_status"] select[name="value"]`
			b.Do(t, "open the list", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(row)))
			settled(t, b)
			b.Do(t, "open the status", chromedp.Click(css(row+` td[data-field="membership_status"] [data-editable]`)), chromedp.WaitVisible(css(sel)))
			settled(t, b)
			b.Do(t, "choose member", chromedp.Evaluate[chromedp.Void](`(function () {
				var s = document.querySelector('`+sel+`');
				s.value = 'confirmed';
				s.dispatchEvent(new Event('change', { bubbles: true }));
			})()`))
			b.WaitTrue(t, "the question with its button focused", `!!document.querySelector('`+row+` [data-testid="confirm"]') &&
				document.activeElement === document.querySelector('`+row+` [data-testid="confirm-save"]')`)
			settled(t, b)
			b.Screenshot(t, "persons-confirm-phone-"+lang)
			b.WaitTrue(t, "the question in view, clear of the fades", `(function () {
				var box = document.querySelector('`+row+` [data-testid="confirm"]').getBoundingClientRect();
				var wrap = document.querySelector('`+row+`').closest('.table-responsive');
				var w = wrap.getBoundingClientRect();
				var fade = parseFloat(getComputedStyle(document.documentElement).fontSize) * 2.5;
				var left = w.left + (wrap.hasAttribute('data-more-left') ? fade : 0);
				var right = w.right - (wrap.hasAttribute('data-more-right') ? fade : 0);
				return box.left >= left - 0.5 && box.right <= right + 0.5 && box.right <= document.documentElement.clientWidth;
			})()`)
			b.FitsWidth(t)
		})
	}
}
