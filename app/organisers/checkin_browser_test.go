package organisers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Two door staff on phones: one types a code, the other scans the same
// code a moment later and finds a person through the search; the first
// sees the counters follow and undoes a mis-tap.
func TestBrowserCheckinAtTheDoor(t *testing.T) {
	app := apptest.Start(t)
	// A label with a formula is typeset at the door as everywhere else.
	ev := newEvent(t, app, "Absolventenfeier", strings.Replace(checkinSchema, `"label": "Gäste"`, `"label": "Gäste ($n \\le 3$)"`, 1))
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET checkin_answers = 'guests, diet' WHERE id = $1`, ev.ID); err != nil {
		t.Fatal(err)
	}
	anna := register(t, app, ev, testRegistration{Name: "Anna Gast", Status: "confirmed", Confirmed: at(1), Data: `{"guests": 2, "diet": "vegan"}`})
	register(t, app, ev, testRegistration{Name: "Bruno Ohnecode", Status: "confirmed", Confirmed: at(2), Data: `{"guests": 1}`})
	code := codeOf(t, app, anna.ID)
	page := fmt.Sprintf("%s/events/%d/checkin/", app.URL, ev.ID)

	first := apptest.NewBrowser(t, 360, 740)
	if _, err := chromedp.Call(first.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: "de", URL: app.URL}); err != nil {
		t.Fatal(err)
	}
	first.Login(t, app, "event_checkin")
	first.Do(t, "open the door's page", chromedp.Navigate(page), chromedp.WaitVisible(css(`[data-testid="checkin-form"]`)))
	first.Screenshot(t, "checkin-empty-de-360x740")
	first.Do(t, "type the code by hand",
		chromedp.SendKeys(css(`#checkin-code`), code[:5]+" "+code[5:]),
		chromedp.Click(css(`[data-testid="checkin-submit"]`)),
	)
	first.WaitTrue(t, "the green answer", `document.querySelector('[data-testid="checkin-result"]').dataset.status === "checked_in"`)
	first.WaitTrue(t, "the field emptied for the next code", `document.querySelector('#checkin-code').value === ""`)
	first.WaitTrue(t, "the counter to count her", `document.querySelector('[data-testid="checked-in-count"]').textContent === "1"`)
	if text := apptest.Eval[string](t, first, `document.querySelector('[data-testid="checkin-result"]').innerText`); !contains(text, "Anna Gast", "vegan") {
		t.Errorf("the answer reads %q", text)
	}
	first.Screenshot(t, "checkin-green-de-360x740")
	first.FitsWidth(t)

	second := apptest.NewBrowser(t, 360, 740)
	second.Login(t, app, "event_checkin")
	second.Do(t, "scan the same code",
		chromedp.Navigate(page),
		chromedp.WaitVisible(css(`[data-testid="checkin-form"]`)),
		chromedp.SendKeys(css(`#checkin-code`), code),
		chromedp.Click(css(`[data-testid="checkin-submit"]`)),
	)
	second.WaitTrue(t, "the yellow answer", `document.querySelector('[data-testid="checkin-result"]').dataset.status === "already_checked_in"`)
	second.Screenshot(t, "checkin-yellow-en-360x740")
	second.Do(t, "search someone without their code", chromedp.SendKeys(css(`#checkin-q`), "OHNECODE brüno"))
	// The hit carries the search it answers, so a partial one cannot pass.
	second.WaitTrue(t, "the search to find him", `document.querySelectorAll('[data-testid="checkin-hit"]').length === 1 &&
		document.querySelector('[data-testid="checkin-hit"]').innerText.includes("Bruno Ohnecode") &&
		(document.querySelector('[data-testid="checkin-hit"] input[name="q"]') || {}).value === "OHNECODE brüno" &&
		!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
	second.Do(t, "check him in from the search", chromedp.Click(css(`[data-testid="checkin-hit-submit"]`)))
	second.WaitTrue(t, "the green answer", `document.querySelector('[data-testid="checkin-result"]').dataset.status === "checked_in"`)
	second.WaitTrue(t, "the hit to say he is in", `!document.querySelector('[data-testid="checkin-hit-submit"]') &&
		/Checked in at \d\d:\d\d(?!\d)/.test((document.querySelector('[data-testid="checkin-hit"]') || {innerText: ""}).innerText) &&
		!document.querySelector('#checkin-hits.htmx-settling')`)
	second.Screenshot(t, "checkin-search-en-360x740")
	second.FitsWidth(t)
	second.NoConsoleErrors(t)

	// The first phone hears of it by polling, and undoes its mis-tap.
	first.WaitTrue(t, "the counter to follow the other phone", `document.querySelector('[data-testid="checked-in-count"]').textContent === "2"`)
	first.WaitTrue(t, "the guests of both", `document.querySelector('[data-testid="checkin-sum"]').textContent === "3"`)
	first.WaitTrue(t, "the sum's label typeset", `(function (box) { return !!box.querySelector('.katex') && !box.textContent.includes('$') })(document.querySelector('[data-testid="checkin-counts"]'))`)
	if !apptest.Eval[bool](t, first, `(function (r) { return !!r.querySelector('dt .katex') && !r.querySelector('dt').textContent.includes('$') })(document.querySelector('[data-testid="checkin-result"]'))`) {
		t.Error("the answer's label shows its formula as typed")
	}
	first.Do(t, "undo", chromedp.Click(css(`[data-testid="checkin-undo"]`)))
	first.WaitTrue(t, "the grey answer", `document.querySelector('[data-testid="checkin-result"]').dataset.status === "undone"`)
	first.WaitTrue(t, "the counter to drop", `document.querySelector('[data-testid="checked-in-count"]').textContent === "1"`)
	if n := count(t, app, `SELECT count(*) FROM registrations WHERE id = $1 AND checked_in_at IS NULL`, anna.ID); n != 1 {
		t.Error("the undo did not take the check-in back")
	}
	first.Screenshot(t, "checkin-undone-de-360x740")
	first.FitsWidth(t)
	first.NoConsoleErrors(t)

	// On a laptop at the door, in German.
	wide := apptest.NewBrowser(t, 1280, 900)
	if _, err := chromedp.Call(wide.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: "de", URL: app.URL}); err != nil {
		t.Fatal(err)
	}
	wide.Login(t, app, "event_checkin")
	wide.Do(t, "open the door's page", chromedp.Navigate(page), chromedp.WaitVisible(css(`[data-testid="checkin-form"]`)))
	wide.Do(t, "search a name typed without its accents", chromedp.SendKeys(css(`#checkin-q`), "gäst"))
	wide.WaitTrue(t, "the search to find her", `document.querySelectorAll('[data-testid="checkin-hit"]').length === 1 &&
		document.querySelector('[data-testid="checkin-hit"]').innerText.includes("Anna Gast") &&
		(document.querySelector('[data-testid="checkin-hit"] input[name="q"]') || {}).value === "gäst" &&
		!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
	wide.Screenshot(t, "checkin-search-de-1280x900")
	wide.FitsWidth(t)
	wide.NoConsoleErrors(t)
}

func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
