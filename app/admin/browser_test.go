package admin_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// settled waits until htmx has swapped and wired every response, so the
// next click reaches an element htmx listens on: htmx wires a page once it
// has loaded, and swapped-in content when it takes off its htmx-added class.
func settled(t *testing.T, b *apptest.Browser) {
	t.Helper()
	b.WaitTrue(t, "htmx to settle", `document.readyState === "complete" &&
		!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')`)
}

func TestBrowserSearchPersonsAsYouTypeOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("qb")
	want := newPerson(t, app, "Xaver Quirin"+tag, "xaver."+tag+"@example.org")
	newPerson(t, app, "Yvonne Quirin"+tag, "yvonne."+tag+"@example.org")
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "person_admin")

	b.Do(t, "open the persons", chromedp.Navigate(app.URL+"/admin/persons"), chromedp.WaitVisible(css(`#persons-q`)))
	b.Do(t, "type", chromedp.SendKeys(css(`#persons-q`), "quirin"+tag))
	b.WaitTrue(t, "both match", `document.querySelectorAll('#persons-list tr[data-testid="row"]').length === 2`)
	b.Do(t, "type more", chromedp.SendKeys(css(`#persons-q`), " xav"))
	b.WaitTrue(t, "the list narrows as one types", fmt.Sprintf(
		`document.querySelectorAll('#persons-list tr[data-testid="row"]').length === 1 && !!document.getElementById('persons-%d')`, want))
	// The count is said by the status line, which stays while the list is swapped.
	b.WaitTrue(t, "the status line to count one person", `document.querySelector('#persons-total[role="status"]').textContent.trim() === `+
		strconv.Quote(i18n.In(i18n.EN, "admin.list.total_one"))+` && !document.querySelector('#persons-list [role="status"]')`)
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u == nil || u.Query().Get("q") != "quirin"+tag+" xav" || strings.Contains(loc, "status=") {
		t.Errorf("address bar %q does not carry the search alone", loc)
	}
	b.FitsWidth(t)
	// Reloading the bookmarked address shows the same list.
	b.Do(t, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#persons-list`)))
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('#persons-list tr[data-testid="row"]').length`); n != 1 {
		t.Errorf("reloaded list has %d rows, want 1", n)
	}
	b.NoConsoleErrors(t)
}

func TestBrowserEditNameInlineWithEnterAndCancelWithEscape(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("eb")
	id := newPerson(t, app, "Ina Inline", tag+"@example.org")
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "person_admin")
	row := fmt.Sprintf("#persons-%d", id)
	input := row + ` input[name="value"]`

	b.Do(t, "open the list", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	// The editor is typed into once htmx has settled it: chromedp reads
	// the input's attributes without a lock while the page still changes
	// them (a data race under -race).
	b.Do(t, "click the name", chromedp.Click(css(row+` td[data-field="name"] button`)), chromedp.WaitVisible(css(input)))
	settled(t, b)
	b.Do(t, "type a new name and press Enter",
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+input+`').value = ''`),
		chromedp.SendKeys(css(input), "Ina Neuname"+kb.Enter))
	b.WaitTrue(t, "the row comes back with the new name", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.includes('Ina Neuname')`)
	if got := scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id); got != "Ina Neuname" {
		t.Fatalf("stored %q", got)
	}
	b.WaitTrue(t, "a toast confirms", `document.querySelector('[data-testid="toast"]') !== null`)
	settled(t, b)

	b.Do(t, "open it again", chromedp.Click(css(row+` td[data-field="name"] button`)), chromedp.WaitVisible(css(input)))
	settled(t, b)
	b.Do(t, "type and press Escape", chromedp.SendKeys(css(input), " Verworfen"), chromedp.SendKeys(css(input), kb.Escape))
	b.WaitTrue(t, "Escape puts the stored name back", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.trim() === 'Ina Neuname'`)
	settled(t, b)
	b.WaitTrue(t, "the focus to return to the cell's button", `document.activeElement === document.querySelector('`+row+` td[data-field="name"] > button')`)
	if got := scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id); got != "Ina Neuname" {
		t.Fatalf("Escape saved %q", got)
	}

	// The opened editor has the focus with the name selected, so typing
	// replaces it; type there as a user would (SendKeys would focus it
	// again, cursor first).
	b.Do(t, "open it", chromedp.Click(css(row+` td[data-field="name"] button`)), chromedp.WaitVisible(css(input)))
	b.WaitTrue(t, "the editor takes the focus with the name selected", `document.activeElement === document.querySelector('`+input+`') &&
		document.activeElement.selectionStart === 0 && document.activeElement.selectionEnd === 'Ina Neuname'.length`)
	b.Do(t, "type and leave the field", chromedp.KeyEvent("Ina Blur"), chromedp.Click(css(`h1`)))
	apptest.Eventually(t, 5*time.Second, "leaving the field to save the name", func() bool {
		return scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id) == "Ina Blur"
	})
	b.WaitTrue(t, "the row shows the saved name", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="name"]').textContent.includes('Ina Blur')`)
	settled(t, b)

	b.Do(t, "open the address", chromedp.Click(css(row+` td[data-field="email"] button`)), chromedp.WaitVisible(css(input)))
	settled(t, b)
	b.Do(t, "an invalid address", chromedp.Evaluate[chromedp.Void](`document.querySelector('`+input+`').value = ''`),
		chromedp.SendKeys(css(input), "kaputt"+kb.Enter))
	b.WaitTrue(t, "the error shows in the cell with what was typed", `!!document.querySelector('`+row+` [data-testid="cell-error"]') &&
		document.querySelector('`+input+`').value === 'kaputt'`)
	// A screen reader reads the error with the field.
	described := apptest.Eval[string](t, b, `(function () {
		var input = document.querySelector('`+input+`');
		return input.getAttribute('aria-invalid') + ' ' + (input.getAttribute('aria-describedby') || '').split(' ').map(function (id) {
			var el = document.getElementById(id);
			return el ? el.dataset.testid : '(no ' + id + ')';
		}).join(' ');
	})()`)
	if described != "true cell-error" {
		t.Errorf("the refused address's input is described as %q, want invalid and described by its error", described)
	}
	b.NoConsoleErrors(t, "status of 422") // the refused address
}

func TestBrowserToggleRoleAccessLevel(t *testing.T) {
	app := apptest.Start(t)
	role := unique("browser_role_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "role_admin", "event_admin") // who gives a level holds it
	box := fmt.Sprintf("#rl-%x-%x-box", role, "event_admin")

	b.Do(t, "open the matrix", chromedp.Navigate(app.URL+"/admin/roles?q="+role), chromedp.WaitVisible(css(`#roles-list`)),
		chromedp.ScrollIntoView(css(box)), chromedp.Click(css(box)))
	b.WaitTrue(t, "a toast says it was granted", `Array.from(document.querySelectorAll('[data-testid="toast"]')).some(function (t) {
		return t.textContent.includes('event_admin') })`)
	// The box is disabled while its request runs; the stored state replaces it.
	b.WaitTrue(t, "the box comes back ticked", `document.querySelector('`+box+`').checked &&
		!document.querySelector('`+box+`').disabled && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')`)
	apptest.Eventually(t, 5*time.Second, "the access level to be granted", func() bool { return granted(t, app, role, "event_admin") })
	// On a phone the toast covers the lower right; close it as a user would.
	b.Do(t, "untick", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-dismiss-toast]").forEach(function (b) { b.click() })`),
		chromedp.ScrollIntoView(css(box)), chromedp.Click(css(box)))
	apptest.Eventually(t, 5*time.Second, "the access level to be revoked", func() bool { return !granted(t, app, role, "event_admin") })
	b.WaitTrue(t, "the box stays unticked", `!document.querySelector('`+box+`').checked`)
	b.NoConsoleErrors(t)
}

func TestBrowserSchemaEditorPreviewsTheForm(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Schema Fest "), nil)
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	preview := `[data-testid="preview-registration_schema"]`

	setSchema := func(schema string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var el = document.getElementById('af-registration_schema');
			el.value = %q;
			el.dispatchEvent(new Event('input', { bubbles: true }));
		})()`, schema))
	}
	b.Do(t, "open the event", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.Click(css(`[data-testid="builder-json-tab"] summary`)), chromedp.WaitVisible(css(`#af-registration_schema`)))
	b.Do(t, "write a schema", setSchema(`{"type": "object", "properties": {"radius": {"type": "number", "label": "Radius $r^2$ in cm"}}}`))
	b.WaitTrue(t, "the preview shows the field with its label typeset by KaTeX",
		`!!document.querySelector('`+preview+` [data-testid="field-preview.radius"] .katex') &&
		document.querySelector('`+preview+`').textContent.includes('in cm')`)

	b.Do(t, "break it", setSchema(`{"type": "object", "properties": {"radius": {"type": "vector"}}}`))
	b.WaitTrue(t, "the preview names the problem and where", `!!document.querySelector('`+preview+` [data-testid="schema-problems"]') &&
		document.querySelector('`+preview+`').textContent.includes('properties.radius')`)

	b.Do(t, "fix it and save", setSchema(`{"type": "object", "properties": {"radius": {"type": "number", "label": "Radius $r^2$ in cm"}}}`),
		chromedp.Click(css(`[data-testid="save"]`)), chromedp.WaitVisible(css(`[data-testid="toast"]`)))
	if got := scalar[string](t, app, `SELECT registration_schema->'properties'->'radius'->>'label' FROM events WHERE id = $1`, ev); got != "Radius $r^2$ in cm" {
		t.Fatalf("stored label %q", got)
	}
	b.NoConsoleErrors(t)
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
	b.Login(t, app, "user_admin")
	page := fmt.Sprintf("%s/admin/users/%d", app.URL, target.ID)

	b.Do(t, "open the user", chromedp.Navigate(page), chromedp.WaitVisible(css(`[data-testid="choices-role"]`)))
	settled(t, b)
	// One Save on the page: the roles save themselves as they are ticked.
	if n := apptest.Eval[int](t, b, `Array.from(document.querySelectorAll('button[type="submit"]')).filter(function (b) {
		return b.offsetParent !== null && /Speichern|Save/.test(b.textContent) }).length`); n != 1 {
		t.Errorf("%d visible save buttons, want 1", n)
	}
	box := fmt.Sprintf(`[data-testid="choices-role"] input[value=%q]`, role)
	b.Do(t, "tick the role", chromedp.ScrollIntoView(css(box)), chromedp.Click(css(box)))
	b.WaitTrue(t, "a toast says the role was given", fmt.Sprintf(`Array.from(document.querySelectorAll('[data-testid="toast"]')).some(function (t) {
		return t.textContent.includes(%q) })`, role))
	b.WaitTrue(t, "the box comes back ticked", fmt.Sprintf(`document.querySelector(%q).checked && !document.querySelector('.htmx-request')`, box))
	if n := scalar[int](t, app, `SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = $2`, target.ID, role); n != 1 {
		t.Errorf("role granted %d times, want once", n)
	}
	// Saving the user's own form keeps the role.
	b.Do(t, "close the toasts", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-dismiss-toast]").forEach(function (b) { b.click() })`))
	submit(t, b, "save the user", chromedp.Click(css(`[data-testid="save"]`)), `!!document.querySelector('[data-testid="choices-role"]')`)
	if n := scalar[int](t, app, `SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = $2`, target.ID, role); n != 1 {
		t.Errorf("saving the user form left the role granted %d times, want once", n)
	}
	if !apptest.Eval[bool](t, b, fmt.Sprintf(`document.querySelector(%q).checked`, box)) {
		t.Error("the saved role is not ticked on the page")
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
	b.FitsWidth(t)
	b.NoConsoleErrors(t, "status of 422") // the refused password
}

// submit sends a form by action (a click, Enter in a field) and waits
// until the page it leads to is loaded and ready holds there. The old page
// is marked first, so its own ready state cannot count.
func submit(t *testing.T, b *apptest.Browser, what string, action chromedp.Action[chromedp.Void], ready string) {
	t.Helper()
	b.Do(t, "mark the page "+what+" leaves", chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`))
	b.Do(t, what, action)
	b.WaitTrue(t, "the page after "+what, `document.readyState === "complete" && document.body.dataset.left !== "1" && (`+ready+`)`)
}
