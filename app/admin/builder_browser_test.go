package admin_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/apptest/wait"
)

// builderDriver clicks and types through the form builder as an
// organiser does.
type builderDriver struct {
	t *testing.T
	b *apptest.Browser
}

// add adds a field of kind after the field named after ("" at the end)
// with the mouse and waits for its editor.
func (d builderDriver) add(kind, after string) {
	d.t.Helper()
	d.b.Do(d.t, "choose a "+kind+" field", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.getElementById('fb-add-kind').value = %q; document.getElementById('fb-add-after').value = %q`, kind, after)))
	d.b.Do(d.t, "add it", chromedp.Click(css(`#fb-add`)))
	d.wait("the new field's editor", `!!document.querySelector('[data-testid="builder-editor"] #fb-label')`)
	settled(d.t, d.b)
}

// wait waits for js to hold and shows the builder when it does not.
func (d builderDriver) wait(what, js string) {
	d.t.Helper()
	ok := wait.Poll(10*time.Second, func() bool {
		ok, err := chromedp.Run(d.b.Ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		return err == nil && ok
	})
	if !ok {
		d.t.Fatalf("waited for %s; the builder shows %s", what, apptest.Eval[string](d.t, d.b,
			`'focus: ' + document.activeElement.id + ' | ' + document.getElementById('schema-builder-main').innerText.slice(0, 1000)`))
	}
}

// set changes one property of the open field as a script would, firing
// the change event that applies it.
func (d builderDriver) set(id, value string) {
	d.t.Helper()
	d.b.Do(d.t, "set "+id, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var el = document.getElementById(%q);
		if (el.type === 'checkbox') { el.checked = %q === 'true'; } else { el.value = %q; }
		el.dispatchEvent(new Event('change', { bubbles: true }));
	})()`, id, value, value)))
	d.applied()
}

// typeIn types value into the property id on the keyboard and leaves it
// with Tab, which applies it.
func (d builderDriver) typeIn(id, value string) {
	d.t.Helper()
	d.b.Do(d.t, "type into "+id, chromedp.Evaluate[chromedp.Void](`document.getElementById('`+id+`').value = ''`),
		chromedp.Focus(css("#"+id)), chromedp.SendKeys(css("#"+id), value), chromedp.KeyEvent(kb.Tab))
	d.applied()
}

func (d builderDriver) applied() {
	d.t.Helper()
	settled(d.t, d.b)
	if n := apptest.Eval[int](d.t, d.b, `document.querySelectorAll('[data-testid^="fb-problem-"], [data-testid="builder-problem"]').length`); n > 0 {
		d.t.Fatalf("the builder refused: %s", apptest.Eval[string](d.t, d.b,
			`Array.from(document.querySelectorAll('[data-testid^="fb-problem-"], [data-testid="builder-problem"]')).map(e => e.textContent).join('; ')`))
	}
}

// done closes the editor with the keyboard.
func (d builderDriver) done() {
	d.t.Helper()
	d.b.Do(d.t, "close the editor", chromedp.Focus(css(`#fb-done`)), chromedp.KeyEvent(kb.Enter))
	d.b.WaitTrue(d.t, "the editor to close", `!document.querySelector('[data-testid="builder-editor"]')`)
	settled(d.t, d.b)
}

// The graduation ceremony's form of the spec, built on a phone from an
// empty form with the builder alone (mouse for some fields, keyboard for
// others, one moved up by keyboard), saved, stored as the spec's schema
// and answered through the public page.
func TestBrowserBuildTheGraduationCeremonyForm(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Absolventenfeier "), nil)
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "event_admin")
	d := builderDriver{t, b}

	b.Do(t, "open the event", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.WaitVisible(css(`[data-testid="builder-empty"]`)))
	settled(t, b)
	instantScroll(t, b)
	hint := "Triff bitte eine Auswahl."

	d.add("choice", "")
	d.set("fb-label", "Studiengang")
	d.set("fb-name", "course")
	d.set("fb-options", "Physik\nMedizinphysik\nLehramt")
	d.set("fb-error-hint", hint)
	b.Screenshot(t, "builder-editor")
	d.done()

	d.add("choice", "course")
	d.typeIn("fb-label", "Abschluss")
	d.typeIn("fb-name", "degree")
	d.set("fb-options", "Bachelor\nMaster\nPromotion")
	d.typeIn("fb-error-hint", hint)
	b.Do(t, "tick required with the space bar", chromedp.Focus(css(`#fb-required`)), chromedp.KeyEvent(" "))
	d.applied()
	d.done()

	d.add("choice", "degree")
	d.set("fb-label", "Lehrstuhl")
	d.set("fb-name", "chair")
	d.set("fb-options", "E1\nE2\nE3\nE4\nE5\nE6\nT1\nT2\nT3\nT4\nBeschleunigerphysik\nExtern")
	d.set("fb-error-hint", hint)
	d.set("fb-required", "true")
	d.done()

	// The title comes first and the guests are moved above it.
	d.add("latex", "chair")
	d.typeIn("fb-label", "Titel der Arbeit")
	d.typeIn("fb-name", "title")
	d.typeIn("fb-error-hint", "Der Titel deiner Abschlussarbeit fehlt.")
	d.set("fb-required", "true")
	d.done()

	d.add("integer", "title")
	d.set("fb-label", "Anzahl der Gäste (inklusive dir)")
	d.set("fb-name", "guests")
	d.set("fb-minimum", "1")
	d.set("fb-maximum", "8")
	d.set("fb-default", "1")
	d.set("fb-error-hint", "Wie viele Personen kommen mit dir (dich eingeschlossen)? Höchstens 8.")
	d.set("fb-required", "true")
	d.done()
	b.Do(t, "move the guests up with the keyboard", chromedp.Focus(css(`#fb-guests-up`)), chromedp.KeyEvent(kb.Enter))
	b.WaitTrue(t, "the guests above the title", `Array.from(document.querySelectorAll('[data-testid="builder-field"]')).map(e => e.dataset.path).join() ===
		'course,degree,chair,guests,title'`)
	settled(t, b)
	if id := apptest.Eval[string](t, b, `document.activeElement.id`); id != "fb-guests-up" {
		t.Errorf("after moving, the focus is on %q, want the field's move-up button", id)
	}

	d.add("consent", "")
	d.set("fb-label", "Meine letzte Prüfung lag im Abschlussjahrgang dieser Feier.")
	d.set("fb-name", "valid_exam_date")
	d.set("fb-error-hint", "Diese Feier ist für den genannten Jahrgang; spätere Jahrgänge laden wir zur nächsten Feier ein.")
	d.done()

	d.add("checkbox", "")
	d.typeIn("fb-label", "Ich möchte auch nach der Feier per E-Mail vom Verein informiert werden.")
	d.typeIn("fb-help", "Dafür sehen einige Vorstandsmitglieder deine Adresse; Dritte bekommen sie nie.")
	d.typeIn("fb-name", "allow_contact")
	d.done()

	b.WaitTrue(t, "the preview shows the form", `!!document.querySelector('[data-testid="preview-registration_schema"] [data-testid="field-preview.allow_contact"]')`)
	b.FitsWidth(t)
	b.Screenshot(t, "builder-graduation")
	b.Do(t, "save", chromedp.Click(css(`[data-testid="save"]`)), chromedp.WaitVisible(css(`[data-testid="toast"]`)))

	stored := scalar[string](t, app, `SELECT registration_schema::text FROM events WHERE id = $1`, ev)
	spec, err := os.ReadFile("../events/formbuilder/testdata/graduation-ceremony.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := semanticSchema(t, stored), semanticSchema(t, string(spec)); !reflect.DeepEqual(got, want) {
		t.Errorf("stored schema\n%v\nwant\n%v", got, want)
	}
	// jsonb keeps no key order; the form's order is registration_schema_order's.
	b.Do(t, "open the public page", chromedp.Navigate(fmt.Sprintf("%s/events/%d/registration/", app.URL, ev)),
		chromedp.WaitVisible(css(`#f-course`)))
	instantScroll(t, b)
	if got := apptest.Eval[string](t, b, `Array.from(document.querySelectorAll('[data-testid^="field-"]')).map(e => e.dataset.testid.slice(6)).join()`); got != "name,email,course,degree,chair,guests,title,valid_exam_date,allow_contact" {
		t.Errorf("the public form asks in the order %s", got)
	}

	email := unique("absolvent") + "@example.org"
	b.Do(t, "send answers the server refuses", chromedp.Evaluate[chromedp.Void](`document.getElementById('registration-form').noValidate = true`),
		chromedp.SendKeys(css(`#f-name`), "Lise Meitner"), chromedp.SendKeys(css(`#f-email`), email),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-guests').value = '12'`),
		chromedp.Click(css(`[data-testid="submit"]`)))
	b.WaitTrue(t, "the refused answers are named", `!!document.querySelector('[data-testid="error-degree"]') &&
		!!document.querySelector('[data-testid="error-guests"]') && !!document.querySelector('[data-testid="error-valid_exam_date"]')`)
	// The field's hint, and the range it did not name in full.
	if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="error-guests"]').textContent.trim()`); !strings.HasPrefix(got, "Wie viele Personen kommen mit dir (dich eingeschlossen)? Höchstens 8. ") || !strings.Contains(got, " 1 ") {
		t.Errorf("guests error %q, want the field's hint and the range", got)
	}
	settled(t, b)
	b.Do(t, "correct them", chromedp.Evaluate[chromedp.Void](`document.getElementById('registration-form').noValidate = true;
		document.getElementById('f-degree').value = 'Master'; document.getElementById('f-chair').value = 'T3';
		document.getElementById('f-guests').value = '3'`),
		chromedp.SendKeys(css(`#f-title`), "Kernspaltung $^{235}$U"),
		chromedp.Click(css(`#f-valid_exam_date`)),
		chromedp.Click(css(`[data-testid="submit"]`)), chromedp.WaitVisible(css(`[data-testid="check-mail"]`)))
	var data []byte
	if err := app.Pool.QueryRow(t.Context(), `SELECT data FROM registrations WHERE event_id = $1`, ev).Scan(&data); err != nil {
		t.Fatal(err)
	}
	var answers map[string]any
	if err := json.Unmarshal(data, &answers); err != nil {
		t.Fatal(err)
	}
	if answers["degree"] != "Master" || answers["guests"] != float64(3) || answers["valid_exam_date"] != true {
		t.Errorf("stored answers %v", answers)
	}
	// The refused answers came back with 422, which the console reports.
	b.NoConsoleErrors(t, "422")
}

// instantScroll turns off Bootstrap's smooth scrolling: a click computes
// where its element is while a smooth scroll still moves it, and lands on
// another one.
func instantScroll(t *testing.T, b *apptest.Browser) {
	t.Helper()
	b.Do(t, "scroll without animation", chromedp.Evaluate[chromedp.Void](`document.documentElement.style.scrollBehavior = 'auto'`))
}

// semanticSchema is a schema as maps, keys in any order, the required
// list as a set.
func semanticSchema(t *testing.T, raw string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	if req, ok := m["required"].([]any); ok {
		set := map[string]bool{}
		for _, r := range req {
			set[fmt.Sprint(r)] = true
		}
		m["required"] = set
	}
	return m
}

// fieldOrder is the builder's top-level fields in order.
const fieldOrder = `Array.from(document.querySelectorAll('[data-testid="builder-fields"] > [data-testid="builder-field"]')).map(e => e.dataset.path).join()`

// Starting from an example, dragging a field to the top, deleting one and
// taking it back, and editing the JSON (broken, then fixed) on a desktop
// in German.
func TestBrowserBuilderTemplateDragUndoAndJSON(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Sommerakademie "), nil)
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "event_admin")
	d := builderDriver{t, b}

	b.Do(t, "open the event in German", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.WaitVisible(css(`[data-testid="builder-empty"]`)),
		chromedp.Click(css(`[data-testid="lang-switch"] button[value="de"]`)))
	b.WaitTrue(t, "the page in German", `document.documentElement.lang === 'de' && !!document.querySelector('[data-testid="builder-empty"]')`)
	settled(t, b)
	instantScroll(t, b)
	b.Do(t, "start from the summer academy's form", chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true };
		document.getElementById('fb-template').value = 'example:summer-academy'`),
		chromedp.Click(css(`[data-testid="builder-use-template"]`)))
	d.wait("the example's fields", fieldOrder+` === 'phone,semester,course,nutrition,intolerances,arrival_by_myself,comments'`)
	settled(t, b)
	b.Screenshot(t, "builder-template-de")

	b.Do(t, "drag the comments above the phone", chromedp.Evaluate[chromedp.Void](`(function () {
		var from = document.getElementById('fb-comments'), to = document.getElementById('fb-phone');
		var dt = new DataTransfer(), box = to.getBoundingClientRect();
		var at = { bubbles: true, cancelable: true, dataTransfer: dt, clientX: box.left + 5, clientY: box.top + 2 };
		from.dispatchEvent(new DragEvent('dragstart', at));
		to.dispatchEvent(new DragEvent('dragover', at));
		to.dispatchEvent(new DragEvent('drop', at));
		from.dispatchEvent(new DragEvent('dragend', at));
	})()`))
	d.wait("the comments on top", fieldOrder+` === 'comments,phone,semester,course,nutrition,intolerances,arrival_by_myself'`)
	settled(t, b)

	b.Do(t, "delete the intolerances", chromedp.Click(css(`#fb-intolerances-delete`)))
	d.wait("the undo offer", `!!document.querySelector('[data-testid="builder-undo"]') && !document.getElementById('fb-intolerances')`)
	settled(t, b)
	b.Do(t, "undo", chromedp.Click(css(`[data-testid="builder-undo"]`)))
	d.wait("the intolerances back in their place", fieldOrder+` === 'comments,phone,semester,course,nutrition,intolerances,arrival_by_myself'`)
	settled(t, b)

	setJSON := func(schema string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
			var el = document.getElementById('af-registration_schema');
			el.value = %q;
			el.dispatchEvent(new Event('input', { bubbles: true }));
		})()`, schema))
	}
	b.Do(t, "open the JSON", chromedp.Click(css(`[data-testid="builder-json-tab"] summary`)), chromedp.WaitVisible(css(`#af-registration_schema`)))
	b.Do(t, "break the JSON", setJSON(`{"type": "object", "properties": {`))
	d.wait("the message, with the builder as it was", `!!document.querySelector('[data-testid="builder-problem"]') &&
		!!document.querySelector('[data-testid="builder-json-problem"]') && `+fieldOrder+
		` === 'comments,phone,semester,course,nutrition,intolerances,arrival_by_myself'`)
	b.Screenshot(t, "builder-json-broken-de")
	b.Do(t, "write a field by hand", setJSON(`{"type": "object", "properties": {"code": {"type": "string", "label": "Code", "pattern": "^[A-Z]+$"}, "deep": {"type": "object", "properties": {"inner": {"type": "object", "properties": {}}}}}}`))
	d.wait("the builder to show it", fieldOrder+` === 'code,deep' && !document.querySelector('[data-testid="builder-problem"]') &&
		!document.querySelector('[data-testid="builder-json-problem"]')`)
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('#fb-deep [data-testid="builder-other"]').length`); n != 1 {
		t.Errorf("the nested group shows %d notes to edit it in the JSON, want 1", n)
	}
	b.FitsWidth(t)
	b.Do(t, "save", chromedp.Click(css(`[data-testid="save"]`)), chromedp.WaitVisible(css(`[data-testid="toast"]`)))
	if got := scalar[string](t, app, `SELECT registration_schema->'properties'->'code'->>'pattern' FROM events WHERE id = $1`, ev); got != "^[A-Z]+$" {
		t.Errorf("stored pattern %q", got)
	}
	b.NoConsoleErrors(t, "422")
}

// A save that asks first is answered where it asks: at the top, with the
// button under the question. Enter in a field saves without answering
// (and is asked again); the button saves with the consequences.
func TestBrowserConfirmWhereAsked(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, unique("Gefragt "), nil)
	exec(t, app, `UPDATE events SET registration_schema = $1 WHERE id = $2`,
		`{"type": "object", "properties": {"a": {"type": "string", "label": "Alpha"}, "b": {"type": "string", "label": "Beta"}}}`, ev)
	exec(t, app, `INSERT INTO registrations (event_id, person_id, data) VALUES ($1, $2, '{"a": "x"}')`, ev,
		newPerson(t, app, "Antwortet", unique("antwortet")+"@example.org"))
	hasA := func() bool {
		return scalar[bool](t, app, `SELECT registration_schema::jsonb->'properties' ? 'a' FROM events WHERE id = $1`, ev)
	}
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "event_admin")
	b.Do(t, "open the event", chromedp.Navigate(fmt.Sprintf("%s/admin/events/%d", app.URL, ev)),
		chromedp.WaitVisible(css(`[data-path="a"] [data-testid="builder-delete"]`)))
	settled(t, b)
	b.Do(t, "delete the answered field", chromedp.Click(css(`[data-path="a"] [data-testid="builder-delete"]`)))
	b.WaitTrue(t, "the field is gone", `!document.querySelector('[data-path="a"]')`)
	settled(t, b)
	b.Do(t, "save", chromedp.Click(css(`[data-testid="save"]`)))
	b.WaitTrue(t, "the question with its button", `document.readyState === "complete" && !!document.querySelector('[data-testid="form-problem"] [data-testid="confirm-save"]')`)
	if top := apptest.Eval[float64](t, b, `document.querySelector('[data-testid="confirm-save"]').getBoundingClientRect().top + window.scrollY`); top > 1200 {
		t.Errorf("the confirming button is %.0f px down the page", top)
	}
	b.Screenshot(t, "confirm-where-asked-360")
	b.Do(t, "press Enter in the name", chromedp.Evaluate[chromedp.Void](`window.asked = 1`), chromedp.Focus(css(`#af-name`)), chromedp.KeyEvent(kb.Enter))
	b.WaitTrue(t, "asked again", `document.readyState === "complete" && window.asked === undefined && !!document.querySelector('[data-testid="confirm-save"]')`)
	if !hasA() {
		t.Fatal("Enter saved the change without its confirmation")
	}
	b.Do(t, "confirm", chromedp.Click(css(`[data-testid="confirm-save"]`)))
	b.WaitTrue(t, "saved", `document.readyState === "complete" && !!document.querySelector('[data-testid="toast"]') && !document.querySelector('[data-testid="confirm-save"]')`)
	if hasA() {
		t.Error("the confirmed change was not saved")
	}
}
