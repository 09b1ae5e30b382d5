package admin_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The capacity of an event as the board changes it: the editor opens with
// the value selected, so Backspace and 2 give 2 (not 21); a change that
// moves people up asks first and mails nobody before the confirmation.
func TestBrowserCapacityEditReplacesTheValueAndAsksBeforeMailing(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("cap")
	ev := newEvent(t, app, "Kapazität "+tag, intp(1))
	newRegistration(t, app, ev, newPerson(t, app, "Erste", "erste."+tag+"@example.org"), "confirmed")
	var waiting []int64
	for _, n := range []string{"zweite", "dritte", "vierte"} {
		waiting = append(waiting, newRegistration(t, app, ev, newPerson(t, app, n, n+"."+tag+"@example.org"), "waitinglist"))
	}
	mails := func() int {
		return scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE event_id = $1 OR registration_id IN (
			SELECT id FROM registrations WHERE event_id = $1)`, ev)
	}
	places := func() string {
		return scalar[string](t, app, `SELECT coalesce(max_participants::text, '') FROM events WHERE id = $1`, ev)
	}
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	german(t, b, app)
	row := fmt.Sprintf("#events-%d", ev)
	input := row + ` td[data-field="max_participants"] input[name="value"]`

	b.Do(t, "open the events", chromedp.Navigate(app.URL+"/admin/events?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	b.Do(t, "click the places", chromedp.Click(css(row+` td[data-field="max_participants"] [data-editable]`)), chromedp.WaitVisible(css(input)))
	// A number input does not tell its selection; what typing does tells.
	b.WaitTrue(t, "the editor has the focus", `document.activeElement === document.querySelector('`+input+`')`)
	b.Do(t, "Backspace, 2, Enter", chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent("2"), chromedp.KeyEvent(kb.Enter))
	b.WaitTrue(t, "a confirmation says who is mailed", `!!document.querySelector('`+row+` [data-testid="confirm"]') &&
		document.querySelector('`+row+` [data-testid="confirm"]').textContent.includes('1 Person von der Warteliste wird bestätigt')`)
	settled(t, b)
	if got := places(); got != "1" {
		t.Fatalf("stored %q places before the confirmation", got)
	}
	if n := mails(); n != 0 {
		t.Fatalf("%d mails queued before the confirmation", n)
	}
	b.Screenshot(t, "events-capacity-confirm")
	b.Do(t, "confirm", chromedp.Click(css(row+` [data-testid="confirm-save"]`)))
	b.WaitTrue(t, "the row shows 2 places", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="max_participants"]').textContent.trim().startsWith('2')`)
	if got := places(); got != "2" {
		t.Fatalf("stored %q places, want 2", got)
	}
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, waiting[0]); s != "confirmed" {
		t.Errorf("first on the waiting list is %s, want confirmed", s)
	}
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, waiting[1]); s != "waitinglist" {
		t.Errorf("second on the waiting list is %s, want still waiting", s)
	}
	if apptest.Eval[bool](t, b, `!!document.querySelector('`+row+` [data-testid="undo"]')`) {
		t.Error("a change that mailed people offers an undo")
	}
	settled(t, b)

	// Escape on the confirmation keeps the stored value.
	b.Do(t, "open the places again", chromedp.Click(css(row+` td[data-field="max_participants"] [data-editable]`)), chromedp.WaitVisible(css(input)))
	b.WaitTrue(t, "the editor has the focus", `document.activeElement === document.querySelector('`+input+`')`)
	b.Do(t, "type 9 and Enter", chromedp.KeyEvent("9"), chromedp.KeyEvent(kb.Enter))
	b.WaitTrue(t, "the confirmation for 2 more", `!!document.querySelector('`+row+` [data-testid="confirm"]') &&
		document.querySelector('`+row+` [data-testid="confirm"]').textContent.includes('2 Personen von der Warteliste')`)
	settled(t, b)
	b.Do(t, "cancel", chromedp.Click(css(row+` [data-testid="confirm-cancel"]`)))
	b.WaitTrue(t, "the stored value is back", `!document.querySelector('`+input+`') &&
		document.querySelector('`+row+` td[data-field="max_participants"]').textContent.trim() === '2'`)
	if got := places(); got != "2" {
		t.Fatalf("cancel stored %q places", got)
	}
	b.NoConsoleErrors(t)
}

// Every inline save shows the saved value with an undo for a few seconds.
func TestBrowserInlineSaveOffersUndo(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("undo")
	ev := newEvent(t, app, "Undo "+tag, intp(120))
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "event_admin")
	german(t, b, app)
	row := fmt.Sprintf("#events-%d", ev)
	input := row + ` td[data-field="max_participants"] input[name="value"]`

	b.Do(t, "open the events", chromedp.Navigate(app.URL+"/admin/events?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	b.Do(t, "click the places", chromedp.ScrollIntoView(css(row+` td[data-field="max_participants"] [data-editable]`)),
		chromedp.Click(css(row+` td[data-field="max_participants"] [data-editable]`)), chromedp.WaitVisible(css(input)))
	b.WaitTrue(t, "the editor has the focus", `document.activeElement === document.querySelector('`+input+`')`)
	// The editor took the cell's place (the target and swap the tbody
	// gives every edit button), not the inside of the button.
	if !apptest.Eval[bool](t, b, `!!document.querySelector('`+row+` > td[data-testid="edit-cell"] > form[data-inline-edit]') &&
		!document.querySelector('`+row+` .cell-edit [data-testid="edit-cell"], `+row+` .cell-edit form')`) {
		t.Error("the editor did not replace its cell")
	}
	// The undo stays a few seconds; the page notes that it came, however
	// slowly the test looks.
	b.Do(t, "watch for the undo", chromedp.Evaluate[chromedp.Void](`new MutationObserver(function () {
		if (document.querySelector('`+row+` [data-testid="undo"]')) window.sawUndo = true;
	}).observe(document.body, { subtree: true, childList: true })`))
	b.Do(t, "type 9 and Enter", chromedp.KeyEvent("9"), chromedp.KeyEvent(kb.Enter))
	apptest.Eventually(t, 5*time.Second, "9 places to be stored (not 9120)", func() bool {
		return scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, ev) == "9"
	})
	b.WaitTrue(t, "the row shows 9 with an undo", `!document.querySelector('`+input+`') && window.sawUndo &&
		document.querySelector('`+row+` td[data-field="max_participants"] [data-editable]').textContent.trim() === '9'`)
	apptest.Eventually(t, 5*time.Second, "9 places to be stored (not 9120)", func() bool {
		return scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, ev) == "9"
	})
	b.WaitTrue(t, "a toast names the saved value", `Array.from(document.querySelectorAll('[data-testid="toast"]')).some(function (t) {
		return t.textContent.includes('Plätze: 9') })`)
	b.Screenshot(t, "events-undo-phone")
	settled(t, b)
	b.Do(t, "undo", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-dismiss-toast]").forEach(function (b) { b.click() })`),
		chromedp.ScrollIntoView(css(row+` [data-testid="undo-button"]`)), chromedp.Click(css(row+` [data-testid="undo-button"]`)))
	apptest.Eventually(t, 5*time.Second, "undo to put 120 back", func() bool {
		return scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, ev) == "120"
	})
	b.WaitTrue(t, "the row shows 120", `document.querySelector('`+row+` td[data-field="max_participants"] [data-editable]').textContent.trim() === '120'`)
	b.NoConsoleErrors(t)
}

// An editor is sent once, however often its form is submitted before its
// answer is in place (a keyboard whose Enter reaches the form after the
// keydown that saved it): a second send has the old version and comes
// back as a conflict.
func TestBrowserEditorIsSentOnce(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("once")
	ev := newEvent(t, app, "Once "+tag, intp(120))
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	row := fmt.Sprintf("#events-%d", ev)
	cell := row + ` td[data-field="max_participants"]`
	b.Do(t, "open the events", chromedp.Navigate(app.URL+"/admin/events?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	b.Do(t, "click the places", chromedp.Click(css(cell+` [data-editable]`)), chromedp.WaitVisible(css(cell+` input[name="value"]`)))
	// Once at once (htmx drops those), once more when the answer is in
	// but not yet in place, as a late Enter did.
	b.Do(t, "type 7 and submit three times", chromedp.Evaluate[chromedp.Void](`(function () {
		var input = document.querySelector('`+cell+` input[name="value"]');
		input.value = '7';
		var form = input.form;
		document.body.addEventListener('htmx:beforeSwap', function () {
			if (form.isConnected) form.requestSubmit();
		}, { once: true });
		form.requestSubmit(); form.requestSubmit();
	})()`))
	apptest.Eventually(t, 5*time.Second, "7 places to be stored", func() bool {
		return scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, ev) == "7"
	})
	b.WaitTrue(t, "the row shows 7", `!document.querySelector('`+cell+` input') && !document.querySelector('.htmx-request') &&
		document.querySelector('`+cell+` [data-editable]').textContent.trim() === '7'`)
	settled(t, b)
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'events' AND row_id = $1 AND field = 'max_participants'`,
		strconv.FormatInt(ev, 10)); n != 1 {
		t.Errorf("%d saves recorded, want 1", n)
	}
	b.NoConsoleErrors(t)
}

// german makes the browser's pages German, as the language switch does.
func german(t *testing.T, b *apptest.Browser, app *apptest.App) {
	t.Helper()
	b.Language(t, app.URL, "de")
}

// A role's page has one Save (its name); its access levels save
// themselves as they are ticked, so saving the name cannot drop them.
func TestBrowserRolePageSavesLevelsAtOnce(t *testing.T) {
	app := apptest.Start(t)
	role := unique("page_role_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "role_admin", "event_admin") // who gives a level holds it
	german(t, b, app)
	box := fmt.Sprintf(`[data-testid="choices-level"] input[value=%q]`, "event_admin")

	b.Do(t, "open the role", chromedp.Navigate(app.URL+"/admin/roles/"+role), chromedp.WaitVisible(css(box)))
	settled(t, b)
	if n := apptest.Eval[int](t, b, `Array.from(document.querySelectorAll('button[type="submit"]')).filter(function (b) {
		return b.offsetParent !== null && b.textContent.includes('Speichern') }).length`); n != 1 {
		t.Errorf("%d visible Speichern buttons, want 1", n)
	}
	b.Do(t, "tick event_admin", chromedp.Click(css(box)))
	b.WaitTrue(t, "a toast says it was granted", `Array.from(document.querySelectorAll('[data-testid="toast"]')).some(function (t) {
		return t.textContent.includes('event_admin') })`)
	b.WaitTrue(t, "the box comes back ticked", `document.querySelector('`+box+`').checked && !document.querySelector('.htmx-request')`)
	apptest.Eventually(t, 5*time.Second, "the level to be granted", func() bool { return granted(t, app, role, "event_admin") })
	b.Screenshot(t, "role-page-de-1280")
	submit(t, b, "save the name", chromedp.Click(css(`[data-testid="save"]`)), `!!document.querySelector('`+box+`')`)
	if !granted(t, app, role, "event_admin") {
		t.Error("saving the role's name dropped the ticked level")
	}
	if !apptest.Eval[bool](t, b, `document.querySelector('`+box+`').checked`) {
		t.Error("the granted level is not ticked after saving the name")
	}
	b.NoConsoleErrors(t)
}

// A closed list in an editor moves with the arrow keys, and Chromium
// reports each step as a change: one press saved the first choice and
// closed the editor. The keys now only move; Enter saves what they reached,
// once. A choice made with the pointer still saves at once.
func TestBrowserArrowKeysInAListSaveOnlyOnEnter(t *testing.T) {
	app := apptest.Start(t)
	tag := unique("arrows")
	p := newPerson(t, app, "Arrow "+tag, tag+"@example.org")
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "person_admin")
	german(t, b, app)
	row := fmt.Sprintf("#persons-%d", p)
	cell := row + ` td[data-field="tu_status"]`
	list := cell + ` select[name="value"]`
	open := func() {
		t.Helper()
		b.Do(t, "open the relation", chromedp.Click(css(cell+` [data-editable]`)), chromedp.WaitVisible(css(list)))
		b.WaitTrue(t, "the list has the focus", `document.activeElement === document.querySelector('`+list+`')`)
	}
	b.Do(t, "open the persons", chromedp.Navigate(app.URL+"/admin/persons?q="+tag), chromedp.WaitVisible(css(row)))
	settled(t, b)
	open()
	start := apptest.Eval[int](t, b, `document.querySelector('`+list+`').selectedIndex`)
	want := apptest.Eval[string](t, b, `document.querySelector('`+list+`').options[`+fmt.Sprint(start+2)+`].value`)
	b.Do(t, "two arrows down", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	b.WaitTrue(t, "the list moved two steps and is still open", `!!document.querySelector('`+list+`') &&
		document.querySelector('`+list+`').selectedIndex === `+fmt.Sprint(start+2))
	b.Do(t, "Enter", chromedp.KeyEvent(kb.Enter))
	apptest.Eventually(t, 5*time.Second, "the choice two steps down to be stored", func() bool {
		return scalar[string](t, app, `SELECT coalesce(tu_status_id::text, '') FROM persons WHERE id = $1`, p) == want
	})
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'persons' AND row_id = $1 AND field = 'tu_status'`, fmt.Sprint(p)); n != 1 {
		t.Errorf("%d changes of the relation were saved, want 1", n)
	}
	b.WaitTrue(t, "the editor closed", `!document.querySelector('`+list+`')`)
	settled(t, b)

	// The pointer: a choice made after pressing on the list saves at once.
	open()
	b.Do(t, "choose the first with the pointer", chromedp.Evaluate[chromedp.Void](`(function () {
		var s = document.querySelector('`+list+`');
		s.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
		s.selectedIndex = 0;
		s.dispatchEvent(new Event("change", { bubbles: true }));
	})()`))
	apptest.Eventually(t, 5*time.Second, "the first choice (none) to be stored", func() bool {
		return scalar[string](t, app, `SELECT coalesce(tu_status_id::text, '') FROM persons WHERE id = $1`, p) == ""
	})
	b.NoConsoleErrors(t)
}
