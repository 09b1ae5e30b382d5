package admin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pepalumni/memberdb/app/apptest"
)

// loginBrowser gives the browser the session of a fresh user with levels.
func loginBrowser(t *testing.T, app *apptest.App, b *apptest.Browser, levels ...string) apptest.TestUser {
	t.Helper()
	c, u := app.ClientWith(t, levels...)
	base, _ := url.Parse(app.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: app.URL}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func do(t *testing.T, b *apptest.Browser, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, b *apptest.Browser, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(8*time.Second))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// settled waits until htmx has swapped and wired every response, so the
// next click reaches an element htmx listens on.
func settled(t *testing.T, b *apptest.Browser) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
	waitFor(t, b, "htmx to settle", `!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
}

func js[T any](t *testing.T, b *apptest.Browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// noConsoleErrors fails on console errors other than the browser's note
// about the refused save the test provoked on purpose (422).
func noConsoleErrors(t *testing.T, b *apptest.Browser) {
	t.Helper()
	time.Sleep(200 * time.Millisecond)
	for _, e := range b.Errors() {
		if !strings.Contains(fmt.Sprint(e), "status of 422") {
			t.Errorf("console error: %v", e)
		}
	}
}

// eventually polls the database until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal(what)
}

func TestBrowserSearchPersonsAsYouTypeOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("qb")
	want := newPerson(t, app, "Xaver Quirin"+tag, "xaver."+tag+"@example.org")
	newPerson(t, app, "Yvonne Quirin"+tag, "yvonne."+tag+"@example.org")
	b := apptest.NewBrowser(t, 360, 740)
	loginBrowser(t, app, b, "person_admin")

	do(t, b, "open the persons", chromedp.Navigate(app.URL+"/admin/persons"), chromedp.WaitVisible(css(`#persons-q`)))
	do(t, b, "type", chromedp.SendKeys(css(`#persons-q`), "quirin"+tag))
	waitFor(t, b, "both match", `document.querySelectorAll('#persons-list tr[data-testid="row"]').length === 2`)
	do(t, b, "type more", chromedp.SendKeys(css(`#persons-q`), " xav"))
	waitFor(t, b, "the list narrows as one types", fmt.Sprintf(
		`document.querySelectorAll('#persons-list tr[data-testid="row"]').length === 1 && !!document.getElementById('persons-%d')`, want))
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Query().Get("q") != "quirin"+tag+" xav" || strings.Contains(loc, "status=") {
		t.Errorf("address bar %q does not carry the search alone", loc)
	}
	if w := js[int](t, b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("page is %d px wide on a 360 px phone", w)
	}
	// Reloading the bookmarked address shows the same list.
	do(t, b, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#persons-list`)))
	if n := js[int](t, b, `document.querySelectorAll('#persons-list tr[data-testid="row"]').length`); n != 1 {
		t.Errorf("reloaded list has %d rows, want 1", n)
	}
	noConsoleErrors(t, b)
}

func TestBrowserEditNameInlineWithEnterAndCancelWithEscape(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("eb")
	id := newPerson(t, app, "Ina Inline", tag+"@example.org")
	b := apptest.NewBrowser(t, 1280, 900)
	loginBrowser(t, app, b, "person_admin")
	row := fmt.Sprintf("#persons-%d", id)
	input := row + ` input[name="value"]`

	do(t, b, "open the list", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	do(t, b, "click the name", chromedp.Click(css(row+` td[data-field="name"]`)), chromedp.WaitVisible(css(input)))
	do(t, b, "type a new name and press Enter",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+input+`').value = ''`),
		chromedp.SendKeys(css(input), "Ina Neuname"+kb.Enter))
	waitFor(t, b, "the row comes back with the new name", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.includes('Ina Neuname')`)
	if got := scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id); got != "Ina Neuname" {
		t.Fatalf("stored %q", got)
	}
	waitFor(t, b, "a toast confirms", `document.querySelector('[data-testid="toast"]') !== null`)
	settled(t, b)

	do(t, b, "open it again", chromedp.Click(css(row+` td[data-field="name"]`)), chromedp.WaitVisible(css(input)))
	do(t, b, "type and press Escape", chromedp.SendKeys(css(input), " Verworfen"), chromedp.SendKeys(css(input), kb.Escape))
	waitFor(t, b, "Escape puts the stored name back", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.trim() === 'Ina Neuname'`)
	settled(t, b)
	if got := scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id); got != "Ina Neuname" {
		t.Fatalf("Escape saved %q", got)
	}

	// The opened editor has the focus with the cursor after the name; type
	// there as a user would (SendKeys would focus it again, cursor first).
	do(t, b, "open it", chromedp.Click(css(row+` td[data-field="name"]`)), chromedp.WaitVisible(css(input)))
	waitFor(t, b, "the editor takes the focus", `document.activeElement === document.querySelector('`+input+`')`)
	do(t, b, "type and leave the field", chromedp.KeyEvent(" Blur"), chromedp.Click(css(`h1`)))
	eventually(t, "leaving the field did not save", func() bool {
		return scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id) == "Ina Neuname Blur"
	})
	waitFor(t, b, "the row shows the saved name", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.includes('Ina Neuname Blur')`)
	settled(t, b)

	do(t, b, "an invalid address", chromedp.Click(css(row+` td[data-field="email"]`)), chromedp.WaitVisible(css(input)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+input+`').value = ''`),
		chromedp.SendKeys(css(input), "kaputt"+kb.Enter))
	waitFor(t, b, "the error shows in the cell with what was typed", `!!document.querySelector('`+row+` [data-testid="cell-error"]') &&
		document.querySelector('`+input+`').value === 'kaputt'`)
	noConsoleErrors(t, b)
}

func TestBrowserToggleRoleAccessLevel(t *testing.T) {
	app := apptest.Start(t)
	role := unique("browser_role_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	b := apptest.NewBrowser(t, 360, 740)
	loginBrowser(t, app, b, "role_admin")
	box := fmt.Sprintf("#rl-%x-%x-box", role, "event_admin")

	do(t, b, "open the matrix", chromedp.Navigate(app.URL+"/admin/roles?q="+role), chromedp.WaitVisible(css(`#roles-list`)),
		chromedp.ScrollIntoView(css(box)), chromedp.Click(css(box)))
	waitFor(t, b, "a toast says it was granted", `Array.from(document.querySelectorAll('[data-testid="toast"]')).some(function (t) {
		return t.textContent.includes('event_admin') })`)
	// The box is disabled while its request runs; the stored state replaces it.
	waitFor(t, b, "the box comes back ticked", `document.querySelector('`+box+`').checked &&
		!document.querySelector('`+box+`').disabled && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')`)
	eventually(t, "not granted", func() bool { return granted(t, app, role, "event_admin") })
	// On a phone the toast covers the lower right; close it as a user would.
	do(t, b, "untick", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-dismiss-toast]").forEach(function (b) { b.click() })`),
		chromedp.ScrollIntoView(css(box)), chromedp.Click(css(box)))
	eventually(t, "not revoked", func() bool { return !granted(t, app, role, "event_admin") })
	waitFor(t, b, "the box stays unticked", `!document.querySelector('`+box+`').checked`)
	noConsoleErrors(t, b)
}

func TestBrowserSchemaEditorPreviewsTheForm(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Schema Fest "), nil)
	b := apptest.NewBrowser(t, 1280, 900)
	loginBrowser(t, app, b, "event_admin")
	preview := "#af-registration_schema-preview"

	setSchema := func(schema string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var el = document.getElementById('af-registration_schema');
			el.value = %q;
			el.dispatchEvent(new Event('input', { bubbles: true }));
		})()`, schema))
	}
	do(t, b, "open the event", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.WaitVisible(css(`#af-registration_schema`)))
	do(t, b, "write a schema", setSchema(`{"type": "object", "properties": {"radius": {"type": "number", "label": "Radius $r^2$ in cm"}}}`))
	waitFor(t, b, "the preview shows the field with its label typeset by KaTeX",
		`!!document.querySelector('`+preview+` [data-testid="field-preview.radius"] .katex') &&
		document.querySelector('`+preview+`').textContent.includes('in cm')`)

	do(t, b, "break it", setSchema(`{"type": "object", "properties": {"radius": {"type": "vector"}}}`))
	waitFor(t, b, "the preview names the problem and where", `!!document.querySelector('`+preview+` [data-testid="schema-problems"]') &&
		document.querySelector('`+preview+`').textContent.includes('properties.radius')`)

	do(t, b, "fix it and save", setSchema(`{"type": "object", "properties": {"radius": {"type": "number", "label": "Radius $r^2$ in cm"}}}`),
		chromedp.Click(css(`[data-testid="save"]`)), chromedp.WaitVisible(css(`[data-testid="toast"]`)))
	if got := scalar[string](t, app, `SELECT registration_schema->'properties'->'radius'->>'label' FROM events WHERE id = $1`, ev); got != "Radius $r^2$ in cm" {
		t.Fatalf("stored label %q", got)
	}
	noConsoleErrors(t, b)
}

// The user page's two forms, as an admin on a phone uses them: the roles
// are saved together, a new password replaces the old one and ends the
// user's sessions.
func TestBrowserUserRolesAndPasswordOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	target := app.NewUser(t)
	role := "Kassenprüfung " + unique("r")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	b := apptest.NewBrowser(t, 360, 740)
	loginBrowser(t, app, b, "user_admin")
	page := fmt.Sprintf("%s/admin/users/%d", app.URL, target.ID)

	do(t, b, "open the user", chromedp.Navigate(page), chromedp.WaitVisible(css(`[data-testid="choices-role"]`)))
	box := fmt.Sprintf(`[data-testid="choices-role"] input[value=%q]`, role)
	do(t, b, "tick the role", chromedp.Click(css(box)))
	submit(t, b, "save the roles", chromedp.Click(css(`[data-testid="save-role"]`)), `!!document.querySelector('[data-testid="choices-role"]')`)
	if !js[bool](t, b, fmt.Sprintf(`document.querySelector(%q).checked`, box)) {
		t.Error("the saved role is not ticked on the page")
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = $2`, target.ID, role); n != 1 {
		t.Errorf("role granted %d times, want once", n)
	}

	before := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, target.ID)
	submit(t, b, "a short password", chromedp.SendKeys(css(`#new-password`), "kurz"+kb.Enter),
		`!!document.querySelector('[data-testid="error-password"]')`)
	if after := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, target.ID); after != before {
		t.Error("a refused password was stored")
	}
	submit(t, b, "a good one", chromedp.SendKeys(css(`#new-password`), "ein-langes-neues-Passwort"+kb.Enter),
		`!!document.querySelector('#new-password') && !document.querySelector('[data-testid="error-password"]')`)
	if after := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, target.ID); after == before {
		t.Error("the password did not change")
	}
	if w := js[int](t, b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("page is %d px wide on a 360 px phone", w)
		t.Log(js[string](t, b, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).join('\n')`))
	}
	noConsoleErrors(t, b)
}

// submit sends a form by action (a click, Enter in a field) and waits
// until the page it leads to is loaded and ready holds there. Polling across the navigation would lose
// its document, so each check stands alone and failures while the page is
// changing are retried.
func submit(t *testing.T, b *apptest.Browser, what string, action chromedp.Action[chromedp.Void], ready string) {
	t.Helper()
	js[string](t, b, `document.body.dataset.left = "1"`)
	do(t, b, what, action)
	cond := `document.readyState === "complete" && document.body.dataset.left !== "1" && (` + ready + `)`
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	state, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href + " " + document.body.dataset.left + " " + document.body.innerText.slice(0, 300)`))
	t.Fatalf("%s: the next page did not come; the browser shows %s", what, state)
}
