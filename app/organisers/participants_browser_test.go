package organisers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Payloads that once covered the page when KaTeX typeset them: a black box
// thousands of pixels wide, text pulled over the cells to its left, text
// lifted over the rows above.
const (
	rulePayload  = `$\rule{3000px}{3000px}$`
	kernPayload  = `$\kern-2000px \text{DRÜBERGESCHOBEN}$`
	raisePayload = `$\raisebox{3000px}{HOCHGEHOBEN}$`
)

// Visitors' text on the participants page stays text; answers to latex
// fields are typeset, but every formula stays inside its own cell, even one
// written to cover the others.
func TestBrowserParticipantsKeepFormulasInTheirCells(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", `{"type": "object", "properties": {
		"title": {"type": "string", "format": "latex", "label": "Titel der Arbeit"},
		"note": {"type": "string", "label": "Anmerkung"}
	}}`)
	for i, r := range []testRegistration{
		{Name: rulePayload, Data: fmt.Sprintf(`{"title": "Über $\\alpha$-Zerfälle", "note": %q}`, kernPayload)},
		{Name: "Emmy Noether", Data: fmt.Sprintf(`{"title": %q, "note": %q}`, rulePayload+" "+kernPayload+" "+raisePayload, raisePayload)},
		{Name: kernPayload, Data: `{"title": "Symmetrien", "note": "keine"}`},
		// What maxSize does not cap: a negative \raisebox and a row of
		// huge rules, each within the answer's length limit.
		{Name: "Lise Meitner", Data: fmt.Sprintf(`{"title": %q, "note": "tief"}`,
			`$\raisebox{-99999px}{TIEF}$ $\Huge `+strings.Repeat(`\rule{5em}{5em}`, 300)+`$`)},
	} {
		r.Status, r.Confirmed = "confirmed", at(i)
		register(t, app, ev, r)
	}
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := apptest.NewBrowser(t, size[0], size[1])
			b.Login(t, app, "get_participants")
			b.Do(t, "open the participants",
				chromedp.Navigate(fmt.Sprintf("%s/events/%d/participants/", app.URL, ev.ID)),
				chromedp.WaitVisible(css(`[data-testid="participants-table"]`)),
			)
			// The first latex answer is typeset once KaTeX has run.
			b.WaitTrue(t, "the latex answer is typeset",
				`document.querySelectorAll('[data-testid="participant"] .katex').length >= 4`)
			b.Screenshot(t, fmt.Sprintf("participants-%dx%d", size[0], size[1]))

			typeset := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#participants-table .katex')).map(function (k) {
				var cell = k.closest('td, th');
				return cell ? cell.className : 'outside a cell';
			}).filter(function (c) { return !/\bmath\b/.test(c) || /no-math/.test(c); })`)
			if len(typeset) > 0 {
				t.Errorf("formulas typeset outside the latex answers, in cells of class %q", typeset)
			}
			for _, text := range []string{rulePayload, kernPayload, raisePayload} {
				if !apptest.Eval[bool](t, b, fmt.Sprintf(`Array.from(document.querySelectorAll('[data-testid="name"], td.no-math')).some(function (td) { return td.textContent.includes(%q) })`, text)) {
					t.Errorf("%s is not shown as typed", text)
				}
			}
			spills := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#participants-table .katex')).map(function (k) {
				// A formula is clipped to its own box, and that box (or the
				// answer's scrolling box around it) stays inside the cell.
				var box = k.closest('.math-cell') || k;
				var cell = k.closest('td').getBoundingClientRect(), r = box.getBoundingClientRect();
				var inside = r.left >= cell.left - 1 && r.right <= cell.right + 1 && r.top >= cell.top - 1 && r.bottom <= cell.bottom + 1;
				var clipped = getComputedStyle(k).overflow === 'clip' && getComputedStyle(box).overflow !== 'visible';
				return inside && clipped ? '' : k.textContent + ': ' + JSON.stringify(r) + ' in ' + JSON.stringify(cell) + ' overflow ' + getComputedStyle(k).overflow;
			}).filter(Boolean)`)
			if len(spills) > 0 {
				t.Errorf("formulas reach out of their cells:\n%q", spills)
			}
			// What shows at the middle of each visible cell is that cell's
			// own content: nothing was pulled or lifted over it.
			covered := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#participants-table td, #participants-table th')).map(function (cell) {
				if (cell.getClientRects().length === 0) return ''; // the email column, hidden on phones
				var r = cell.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
				if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return '';
				var el = document.elementFromPoint(x, y);
				return !el || cell.contains(el) || el.contains(cell) ? '' : cell.textContent.trim() + ' is covered by ' + el.outerHTML.slice(0, 120);
			}).filter(Boolean)`)
			if len(covered) > 0 {
				t.Errorf("cells covered by other content:\n%q", covered)
			}
			// KaTeX's maxSize keeps a \rule or \raisebox of 3000px to 5em.
			if tallest := apptest.Eval[float64](t, b, `Math.max.apply(null, Array.from(document.querySelectorAll('#participants-table tr')).map(function (r) { return r.getBoundingClientRect().height }))`); tallest > 300 {
				t.Errorf("the tallest row is %.0f px high; a formula may not make it taller than 300", tallest)
			}
			if widest := apptest.Eval[float64](t, b, `Math.max.apply(null, Array.from(document.querySelectorAll('#participants-table td.math')).map(function (c) { return c.getBoundingClientRect().width }))`); widest > 720 {
				t.Errorf("the widest latex cell is %.0f px wide; a formula may not stretch it past 40rem", widest)
			}
			b.FitsWidth(t)
			b.NoConsoleErrors(t)
		})
	}
}
