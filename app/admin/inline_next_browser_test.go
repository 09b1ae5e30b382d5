package admin_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// With one cell's editor open, a click on another cell saves the first
// and opens the one clicked, in the same row and in another: nobody has
// to click twice.
func TestBrowserClickOnAnotherCellOpensIt(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("nx")
	id := newPerson(t, app, "Nora Next", "nora."+tag+"@example.org")
	other := newPerson(t, app, "Otto Next", "otto."+tag+"@example.org")
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "person_admin")
	row, otherRow := fmt.Sprintf("#persons-%d", id), fmt.Sprintf("#persons-%d", other)
	editor := func(row, field string) string { return row + ` td[data-field="` + field + `"] input[name="value"]` }
	name := func(id int64) string { return scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id) }

	b.Do(t, "open the list", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	b.Do(t, "open the name", chromedp.Click(css(row+` td[data-field="name"] [data-editable]`)), chromedp.WaitVisible(css(editor(row, "name"))))
	b.WaitTrue(t, "the name's editor has the focus", `document.activeElement === document.querySelector('`+editor(row, "name")+`')`)
	b.Do(t, "type a name and click the address", chromedp.KeyEvent("Nora Neu"),
		chromedp.Click(css(row+` td[data-field="email"] [data-editable]`)))
	apptest.Eventually(t, 5*time.Second, "the name to be saved", func() bool { return name(id) == "Nora Neu" })
	b.WaitTrue(t, "the address's editor opens with the focus", `!document.querySelector('`+editor(row, "name")+`') &&
		document.activeElement === document.querySelector('`+editor(row, "email")+`')`)
	settled(t, b)

	b.Do(t, "click the other person's name", chromedp.Click(css(otherRow+` td[data-field="name"] [data-editable]`)))
	b.WaitTrue(t, "the other person's name opens with the focus", `!document.querySelector('`+editor(row, "email")+`') &&
		document.activeElement === document.querySelector('`+editor(otherRow, "name")+`')`)
	settled(t, b)
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('form[data-inline-edit]').length`); n != 1 {
		t.Errorf("%d editors open, want 1", n)
	}
	if got := name(other); got != "Otto Next" {
		t.Errorf("the other name is %q before anyone typed", got)
	}

	// A refused value keeps its editor open: the click opens nothing else.
	b.Do(t, "open the other address",
		chromedp.Click(css(otherRow+` td[data-field="email"] [data-editable]`)), chromedp.WaitVisible(css(editor(otherRow, "email"))))
	b.WaitTrue(t, "the address's editor has the focus", `document.activeElement === document.querySelector('`+editor(otherRow, "email")+`')`)
	settled(t, b)
	b.Do(t, "type an invalid address and click a name", chromedp.KeyEvent("kaputt"),
		chromedp.Click(css(row+` td[data-field="name"] [data-editable]`)))
	b.WaitTrue(t, "the refused address shows its error", `!!document.querySelector('`+otherRow+` [data-testid="cell-error"]')`)
	settled(t, b)
	if apptest.Eval[bool](t, b, `!!document.querySelector('`+editor(row, "name")+`')`) {
		t.Error("the name opened beside a refused address")
	}
	b.NoConsoleErrors(t, "status of 422")
}
