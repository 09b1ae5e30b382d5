package events_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A formula KaTeX cannot typeset is flagged where it stands, with a
// sentence in the page's language and KaTeX's own message smaller after
// it: in the admin's preview of a description while typing it, on the
// event's page, and under a latex answer.
func TestBrowserBrokenFormulaIsFlagged(t *testing.T) {
	app := apptest.Start(t)
	broken := `<p>Energie $E = mc^2$ und kaputt $\frac{1}{$ am Ende.</p>`
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: "de", URL: app.URL}); err != nil {
		t.Fatal(err)
	}
	b.Do(t, "type a description with a broken formula",
		chromedp.Navigate(app.URL+"/admin/events/new"),
		chromedp.WaitVisible(chromedp.ID("af-description")),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var el = document.getElementById('af-description');
			el.value = %q;
			el.dispatchEvent(new Event('input', { bubbles: true }));
		})()`, broken)))
	preview := `#af-description-preview`
	b.WaitTrue(t, "the preview to typeset the good formula and flag the broken one",
		`!!document.querySelector('`+preview+` .katex') && !!document.querySelector('`+preview+` [data-testid="math-problem"]')`)
	flagged := func(where string) {
		t.Helper()
		note := apptest.Eval[string](t, b, `document.querySelector('`+where+` [data-testid="math-problem"]').firstChild.textContent`)
		detail := apptest.Eval[string](t, b, `(function () {
			var d = document.querySelector('`+where+` [data-testid="math-problem"] [lang="en"]');
			return d ? d.textContent : "";
		})()`)
		if note != "Diese Formel ist fehlerhaft und lässt sich nicht setzen." || !strings.Contains(detail, "KaTeX parse error") {
			t.Errorf("%s: the broken formula is flagged %q (detail %q)", where, note, detail)
		}
		visible := apptest.Eval[bool](t, b, `(function () {
			var r = document.querySelector('`+where+` [data-testid="math-problem"]').getBoundingClientRect();
			return r.width > 0 && r.height > 0;
		})()`)
		if !visible {
			t.Errorf("%s: the flag is not visible", where)
		}
	}
	flagged(preview)
	b.Screenshot(t, "ev-admin-description-broken-formula")
	b.NoConsoleErrors(t)

	ev := createEvent(t, app, testEvent{description: broken,
		schema: `{"type": "object", "properties": {"title": {"type": "string", "format": "latex", "label": "Titel"}}}`})
	b.Do(t, "open the event's page and type a broken formula",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"] [data-testid="math-problem"]`)),
		chromedp.SendKeys(chromedp.ID("f-title"), `$\frac{1}$`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="latex-problem"]`)))
	flagged(`[data-testid="description"]`)
	problem := apptest.Eval[string](t, b, `document.querySelector('[data-testid="latex-problem"]').firstChild.textContent`)
	detail := apptest.Eval[string](t, b, `document.querySelector('[data-testid="latex-problem-detail"]').textContent`)
	if problem != "Diese Formel lässt sich nicht setzen." || !strings.HasPrefix(detail, "KaTeX parse error") {
		t.Errorf("the latex answer's problem reads %q, detail %q", problem, detail)
	}
	if lang := apptest.Eval[string](t, b, `document.querySelector('[data-testid="latex-problem-detail"]').lang`); lang != "en" {
		t.Errorf("KaTeX's message is marked as %q, want en", lang)
	}
	b.Screenshot(t, "ev-registration-broken-formula")
	// The test left the event editor with a description typed and not
	// saved: the editor's unsaved-changes warning fired, and Chromium
	// reports that it showed no dialog for a page nobody clicked on.
	b.NoConsoleErrors(t, "beforeunload")
}

// A dollar written \$ stands for itself on the page, as the texts' check
// and the latex previews read it, beside formulas before and after it and
// a \$ inside one.
func TestBrowserEscapedDollarIsADollar(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{
		description: `<p>Eintritt 5 \$ pro Person, Energie $E = mc^2$ und $x = \$3$ bar.</p>`,
		schema:      `{"type": "object", "properties": {"title": {"type": "string", "format": "latex", "label": "Titel"}}}`})
	b := apptest.NewBrowser(t, 360, 740)
	b.Do(t, "open the event's page",
		chromedp.Navigate(app.URL+ev.regPath()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="description"] .katex`)))
	desc := `document.querySelector('[data-testid="description"]')`
	if n := apptest.Eval[int](t, b, desc+`.querySelectorAll('.katex').length`); n != 2 {
		t.Errorf("%d formulas typeset, want 2", n)
	}
	if n := apptest.Eval[int](t, b, desc+`.querySelectorAll('[data-testid="math-problem"]').length`); n != 0 {
		t.Errorf("%d formulas flagged as broken, want none", n)
	}
	text := apptest.Eval[string](t, b, `(function () {
		var el = `+desc+`.cloneNode(true);
		el.querySelectorAll('.katex').forEach(function (k) { k.replaceWith('[formula]'); });
		return el.textContent.replace(/\s+/g, ' ').trim();
	})()`)
	if text != "Eintritt 5 $ pro Person, Energie [formula] und [formula] bar." {
		t.Errorf("the description reads %q", text)
	}
	b.Screenshot(t, "ev-registration-escaped-dollar")
	b.NoConsoleErrors(t)
}
