package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

const twoFields = `{"type": "object", "properties": {"a": {"type": "string", "label": "Alpha"}, "b": {"type": "integer", "label": "Beta"}}}`

func builderForm(schema string, kv ...string) url.Values {
	form := url.Values{"registration_schema": {schema}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return form
}

// Every builder action answers the builder with the schema it wrote;
// refused actions answer 422 with the reason and the schema as it was.
func TestBuilderActions(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	other := newEvent(t, app, unique("Vorlage "), nil)
	exec(t, app, `UPDATE events SET registration_schema = $1 WHERE id = $2`,
		`{"type": "object", "properties": {"shirt": {"type": "string", "label": "T-Shirt-Größe"}}}`, other)

	for _, tc := range []struct {
		name       string
		form       url.Values
		wantStatus int
		want       []string
		wantNot    []string
	}{
		{"add at the end opens the new field", builderForm(twoFields, "builder_action", "add", "builder_kind", "email"),
			http.StatusOK, []string{`&#34;field_1&#34;: {`, `&#34;format&#34;: &#34;email&#34;`, `data-testid="builder-editor"`}, nil},
		{"add after a field", builderForm(twoFields, "builder_action", "add", "builder_kind", "text", "builder_after", "a"),
			http.StatusOK, []string{`&#34;a&#34;: {`}, nil},
		{"move down", builderForm(twoFields, "builder_action", "down", "builder_path", "a"),
			http.StatusOK, []string{`data-path="b"`}, nil},
		{"delete offers undo", builderForm(twoFields, "builder_action", "delete", "builder_path", "a"),
			http.StatusOK, []string{`data-testid="builder-undo"`, "Alpha"}, []string{`data-path="a"`}},
		{"undo brings it back", builderForm(`{"type": "object", "properties": {}}`, "builder_action", "undo", "builder_undo", twoFields),
			http.StatusOK, []string{`data-path="a"`, `data-path="b"`}, nil},
		{"an edit applies", builderForm(twoFields, "builder_action", "apply", "builder_path", "b", "builder_open", "b", "fb_present", "1",
			"fb_kind", "integer", "fb_name", "guests", "fb_label", "Gäste", "fb_minimum", "1", "fb_maximum", "8"),
			http.StatusOK, []string{`&#34;guests&#34;: {`, `&#34;maximum&#34;: 8`}, nil},
		{"a bad edit is refused and changes nothing", builderForm(twoFields, "builder_action", "apply", "builder_path", "b", "builder_open", "b",
			"fb_present", "1", "fb_kind", "integer", "fb_name", "email", "fb_label", "Beta"),
			http.StatusUnprocessableEntity, []string{`data-testid="fb-problem-name"`, `&#34;b&#34;: {`}, nil},
		// Said at the field, as for a choice, and the typed value stays.
		{"a default outside its range", builderForm(twoFields, "builder_action", "apply", "builder_path", "b", "builder_open", "b",
			"fb_present", "1", "fb_kind", "integer", "fb_name", "b", "fb_label", "Beta", "fb_minimum", "5", "fb_default", "1"),
			http.StatusUnprocessableEntity, []string{`data-testid="fb-problem-default"`, "Der Vorgabewert muss im Bereich liegen.", `name="fb_default" value="1"`},
			[]string{`&#34;default&#34;`, "properties.b.default"}},
		{"English choices are written beside the German", builderForm(twoFields, "builder_action", "apply", "builder_path", "b", "builder_open", "b",
			"fb_present", "1", "fb_kind", "choice", "fb_name", "meal", "fb_label", "Essen", "fb_options", "vegetarisch\r\nmit Fleisch",
			"fb_options_en", "\r\nwith meat\r\n"),
			http.StatusOK, []string{`&#34;enum_en&#34;: [`, `&#34;with meat&#34;`}, nil},
		{"English choices past the German", builderForm(twoFields, "builder_action", "apply", "builder_path", "b", "builder_open", "b",
			"fb_present", "1", "fb_kind", "choice", "fb_name", "meal", "fb_label", "Essen", "fb_options", "vegetarisch\nmit Fleisch\nvegan",
			"fb_options_en", "vegetarian\nwith meat\nvegan\nhalal"),
			http.StatusUnprocessableEntity, []string{`data-testid="fb-problem-options_en"`, "Mehr englische Zeilen als Auswahlmöglichkeiten", "vegetarian\nwith meat\nvegan\nhalal</textarea>"},
			[]string{`&#34;enum_en&#34;`}},
		// Organisers choose a new field's type before its label; Done
		// asks for the label.
		{"a new field's type before its label", builderForm(`{"type": "object", "properties": {"field_1": {"type": "string"}}}`, "builder_action", "apply",
			"builder_path", "field_1", "builder_open", "field_1", "fb_present", "1", "fb_kind", "integer", "fb_name", "field_1"),
			http.StatusOK, []string{`&#34;type&#34;: &#34;integer&#34;`, `id="fb-minimum"`}, []string{`data-testid="fb-problem-`}},
		{"a new field deleted before its label", builderForm(`{"type": "object", "properties": {"a": {"type": "string", "label": "Alpha"}, "field_1": {"type": "string"}}}`,
			"builder_action", "delete", "builder_path", "field_1", "builder_open", "field_1", "fb_present", "1", "fb_kind", "text", "fb_name", "field_1"),
			http.StatusOK, []string{`data-path="a"`, `data-testid="builder-undo"`}, []string{`data-path="field_1"`}},
		{"done without a label", builderForm(`{"type": "object", "properties": {"field_1": {"type": "integer"}}}`, "builder_action", "close",
			"builder_open", "field_1", "fb_present", "1", "fb_kind", "integer", "fb_name", "field_1"),
			http.StatusUnprocessableEntity, []string{`data-testid="fb-problem-label"`, `data-testid="builder-editor"`}, nil},
		{"broken JSON keeps the last state", builderForm(`{"type": `, "builder_action", "json", "builder_last", twoFields),
			http.StatusUnprocessableEntity, []string{`data-testid="builder-problem"`, `data-testid="builder-json-problem"`, `data-path="a"`}, nil},
		{"a field on its way out", builderForm(twoFields, "builder_action", "delete", "builder_path", "zz"),
			http.StatusUnprocessableEntity, []string{`data-testid="builder-problem"`, `data-path="a"`}, nil},
		{"an unknown action", builderForm(twoFields, "builder_action", "explode"),
			http.StatusUnprocessableEntity, []string{`data-testid="builder-problem"`}, nil},
		{"an example as template", builderForm(twoFields, "builder_action", "template", "builder_template", "example:graduation-ceremony"),
			http.StatusOK, []string{`data-path="valid_exam_date"`}, []string{`data-path="a"`}},
		{"another event's form as template", builderForm(twoFields, "builder_action", "template", "builder_template", fmt.Sprintf("event:%d", other)),
			http.StatusOK, []string{`data-path="shirt"`}, nil},
		{"no such event", builderForm(twoFields, "builder_action", "template", "builder_template", "event:999999999"),
			http.StatusUnprocessableEntity, []string{`data-path="a"`}, nil},
		{"no such example", builderForm(twoFields, "builder_action", "template", "builder_template", "example:../../etc/passwd"),
			http.StatusUnprocessableEntity, nil, nil},
		{"a huge schema", builderForm(strings.Repeat(" ", 100_001)+twoFields, "builder_action", "json", "builder_last", twoFields),
			http.StatusUnprocessableEntity, []string{`data-path="a"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, app)
			resp := post(t, app, c, "/admin/events/builder", tc.form, "HX-Request", "true")
			wantStatus(t, resp, tc.wantStatus)
			wantBody(t, resp, tc.want...)
			for _, s := range tc.wantNot {
				if strings.Contains(resp.Body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if after := snapshot(t, app); after != before {
				t.Error("a builder action changed the database: only Save may")
			}
		})
	}
}

// What a visitor can send that no form does is refused where it is
// parsed.
func TestBuilderRefusesBrokenInput(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	for name, form := range map[string]url.Values{
		"NUL byte":      builderForm(twoFields, "builder_action", "add", "builder_kind", "text\x00"),
		"invalid UTF-8": builderForm(twoFields, "builder_action", "apply", "builder_open", "a", "fb_present", "1", "fb_label", "\xff\xfe"),
	} {
		t.Run(name, func(t *testing.T) {
			resp := post(t, app, c, "/admin/events/builder", form, "HX-Request", "true")
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("status %d, want a 4xx", resp.StatusCode)
			}
		})
	}
	t.Run("a half body", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, app.URL+"/admin/events/builder", strings.NewReader("registration_schema=%7B%22type"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.ContentLength = 1000
		resp, err := c.Do(req)
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("status %d for a half body", resp.StatusCode)
			}
		}
	})
}

// A form whose fields have answers changes only once the organiser has
// seen how many answers a removed field or a changed type affects; the
// answers stay stored as they were.
func TestChangingAFormWithAnswersAsksFirst(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	name := unique("Formwechsel ")
	resp := post(t, app, c, "/admin/events/new", withSchema(eventForm(name, 0), twoFields))
	wantStatus(t, resp, http.StatusSeeOther)
	ev := scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, name)
	for _, data := range []string{`{"a": "x", "b": 5}`, `{"a": "y", "b": 6}`, `{"b": 7}`} {
		p := newPerson(t, app, "Antwortende", unique("answers")+"@example.org")
		reg := newRegistration(t, app, ev, p, "confirmed")
		exec(t, app, `UPDATE registrations SET data = $1 WHERE id = $2`, data, reg)
	}
	path := fmt.Sprintf("/admin/events/%d", ev)
	version := func() int { return scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, ev) }
	stored := func() string {
		return scalar[string](t, app, `SELECT string_agg(data::text, ';' ORDER BY id) FROM registrations WHERE event_id = $1`, ev)
	}
	answers := stored()

	withoutA := `{"type": "object", "properties": {"b": {"type": "integer", "label": "Beta"}}}`
	resp = post(t, app, c, path, withSchema(eventForm(name, version()), withoutA))
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "„Alpha“ (a) fehlt im neuen Formular; 2 Anmeldungen haben es beantwortet.", `name="confirm_schema"`,
		// It names questions, whose labels may be formulas: typeset.
		`data-testid="form-problem"><div class="math" id="events-problem">`, `class="invalid-feedback d-block math" data-testid="error-registration_schema"`,
		// Answered where it is read, and Enter saves without answering.
		`data-testid="form-problem"><div class="math" id="events-problem">„Alpha“`, `name="confirm_schema" value="true" data-testid="confirm-save"`,
		`<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">`)

	bAsText := `{"type": "object", "properties": {"a": {"type": "string", "label": "Alpha"}, "b": {"type": "string", "enum": ["S", "M"], "label": "Beta"}}}`
	resp = post(t, app, c, path, withSchema(eventForm(name, version()), bAsText))
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "Die Antworten von 3 Anmeldungen passen nicht zum geänderten Formular")
	// A refusal quoting what was typed is not typeset.
	resp = post(t, app, c, path, withSchema(eventForm("", version()), withoutA))
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	if strings.Contains(resp.Body, `<div class="math" id="events-problem">`) || strings.Contains(resp.Body, "d-block math") {
		t.Error("a plain refusal is marked for typesetting")
	}

	// A new field, even a required one, is always allowed.
	withC := `{"type": "object", "properties": {"a": {"type": "string", "label": "Alpha"}, "b": {"type": "integer", "label": "Beta"},
		"c": {"type": "string", "label": "Gamma"}}, "required": ["c"]}`
	resp = post(t, app, c, path, withSchema(eventForm(name, version()), withC))
	wantStatus(t, resp, http.StatusSeeOther)

	form := withSchema(eventForm(name, version()), withoutA)
	form.Set("confirm_schema", "true")
	resp = post(t, app, c, path, form)
	wantStatus(t, resp, http.StatusSeeOther)
	if got := scalar[string](t, app, `SELECT registration_schema::text FROM events WHERE id = $1`, ev); strings.Contains(got, `"a"`) {
		t.Errorf("the confirmed form still has field a: %s", got)
	}
	if got := stored(); got != answers {
		t.Errorf("answers changed from %s to %s", answers, got)
	}

	// Once confirmed, answers the form refused already do not ask again
	// at every later change (an English label).
	bAsChoice := `{"type": "object", "properties": {"b": {"type": "string", "enum": ["S", "M"], "label": "Beta"}}}`
	form = withSchema(eventForm(name, version()), bAsChoice)
	form.Set("confirm_schema", "true")
	wantStatus(t, post(t, app, c, path, form), http.StatusSeeOther)
	translated := `{"type": "object", "properties": {"b": {"type": "string", "enum": ["S", "M"], "label": "Beta", "label_en": "Beta (en)"}}}`
	wantStatus(t, post(t, app, c, path, withSchema(eventForm(name, version()), translated)), http.StatusSeeOther)
}

func withSchema(form url.Values, schema string) url.Values {
	form.Set("registration_schema", schema)
	return form
}

// The examples are offered by what they are, in the reader's language, not
// by their files' names.
func TestTemplateChooserNamesTheExamples(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	de := app.Get(t, c, "/admin/events/new")
	wantStatus(t, de, http.StatusOK)
	wantBody(t, de, ">Beispiel: Absolvent*innenfeier<", ">Beispiel: Sommerakademie<", ">Beispiel: Toolbox-Workshop<")
	notBody(t, de, "graduation-ceremony<")
	en := app.Get(t, c, "/admin/events/new", "Accept-Language", "en")
	wantBody(t, en, "Graduation ceremony<")
}

// A label whose formula lacks its closing $ or brace was saved without a
// word, and members saw KaTeX's English error. Creating or editing such a
// form asks first, naming the field; confirmed, it is saved.
func TestBrokenFormulaAsksBeforeSaving(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("kaputt")
	broken := `{"type": "object", "properties": {"f": {"type": "string", "enum": ["a", "b"], "label": "Bruch $\\frac{1}{$ kaputt"}}}`
	form := withSchema(eventForm("Kaputt "+tag, 0), broken)
	resp := post(t, app, c, "/admin/events/new", form)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "Die Formel in „Bruch", "ist unvollständig", `name="confirm_math"`)
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name = $1`, "Kaputt "+tag); n != 0 {
		t.Fatalf("the event was created before the question was answered")
	}
	form.Set("confirm_math", "true")
	wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusSeeOther)
	id := scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, "Kaputt "+tag)

	// A save that asks twice (a new broken formula, then answers it drops)
	// carries the first confirmation with the second question.
	exec(t, app, `INSERT INTO registrations (event_id, person_id, data) VALUES ($1, $2, '{"f": "a"}')`, id,
		newPerson(t, app, "Answered", "answered."+tag+"@example.org"))
	twice := withSchema(eventForm("Kaputt "+tag, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)),
		`{"type": "object", "properties": {"g": {"type": "string", "label": "Neu $x"}}}`)
	first := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), twice)
	wantBody(t, first, `name="confirm_math"`)
	twice.Set("confirm_math", "true")
	second := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), twice)
	wantStatus(t, second, http.StatusUnprocessableEntity)
	wantBody(t, second, `name="confirm_schema"`, `<input type="hidden" name="confirm_math" value="true">`)
	twice.Set("confirm_schema", "true")
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", id), twice), http.StatusSeeOther)

	// An edit that keeps a formula whole is not asked about.
	whole := withSchema(eventForm("Kaputt "+tag, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)),
		`{"type": "object", "properties": {"f": {"type": "string", "enum": ["a", "b"], "label": "Bruch $\\frac{1}{2}$ heil"}}}`)
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", id), whole), http.StatusSeeOther)

	// English readers' formulas are asked about too: in a label and in a
	// choice.
	for _, english := range []string{`"label_en": "Fraction $\\frac{1}{$ broken"`, `"enum_en": ["$x", "b"]`} {
		form := withSchema(eventForm("Kaputt "+tag, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)),
			`{"type": "object", "properties": {"f": {"type": "string", "enum": ["a", "b"], "label": "Bruch $\\frac{1}{2}$ heil", `+english+`}}}`)
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `name="confirm_math"`)
	}

	// A broken formula asked about once is not asked about again for a
	// translation; hidden, it is asked about once shown.
	save := func(schemaJSON string, confirm bool) apptest.Response {
		t.Helper()
		form := withSchema(eventForm("Kaputt "+tag, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)), schemaJSON)
		if confirm {
			form.Set("confirm_math", "true")
		}
		return post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
	}
	const label = `"enum": ["a", "b"], "label": "Bruch $\\frac{1}{$ kaputt"`
	wantStatus(t, save(`{"type": "object", "properties": {"f": {"type": "string", `+label+`}}}`, true), http.StatusSeeOther)
	wantStatus(t, save(`{"type": "object", "properties": {"f": {"type": "string", `+label+`, "label_en": "Fraction"}}}`, false), http.StatusSeeOther)
	wantStatus(t, save(`{"type": "object", "properties": {"f": {"type": "string", `+label+`, "hidden": true, "default": "a"}}}`, false), http.StatusSeeOther)
	wantBody(t, save(`{"type": "object", "properties": {"f": {"type": "string", `+label+`, "default": "a"}}}`, false), `name="confirm_math"`)
}

// Answers the old system stored as empty texts are no answers: making
// their question required asks nothing.
func TestNewlyRequiredSkipsEmptyOldAnswers(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	name := unique("leer")
	form := withSchema(eventForm(name, 0), `{"type": "object", "properties": {"note": {"type": "string", "label": "Notiz"}}}`)
	wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusSeeOther)
	id := scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, name)
	exec(t, app, `INSERT INTO registrations (event_id, person_id, data) VALUES ($1, $2, '{"note": ""}')`, id,
		newPerson(t, app, "Leer", "leer."+name+"@example.org"))
	required := withSchema(eventForm(name, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)),
		`{"type": "object", "properties": {"note": {"type": "string", "label": "Notiz"}}, "required": ["note"]}`)
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", id), required), http.StatusSeeOther)
}

// An event is not saved while a field open in the builder holds a value
// the builder refused: the save stored the form without it and said
// "saved". The page comes back with the field open, as typed.
func TestEventSaveWaitsForTheOpenField(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	name := unique("pending")
	form := eventForm(name, 0)
	form.Set("registration_schema", `{"type": "object", "properties": {"guests": {"type": "integer", "label": "Gäste"}}}`)
	for k, v := range map[string]string{"builder_open": "guests", "fb_present": "1", "fb_kind": "integer", "fb_name": "guests",
		"fb_label": "Gäste", "fb_minimum": "0", "fb_maximum": "3", "fb_default": "5"} {
		form.Set(k, v)
	}
	resp := post(t, app, c, "/admin/events/new", form)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "Ein Feld im Formular-Baukasten ist noch nicht übernommen", `data-testid="fb-problem-default"`, `name="fb_default" value="5"`)
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name = $1`, name); n != 0 {
		t.Errorf("%d events saved with a refused field", n)
	}
	form.Set("fb_default", "2")
	wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusSeeOther)

	// Saved again with nothing else changed, a refused value is still
	// refused: it said "saved" and dropped what was typed.
	id := scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, name)
	form.Set("version", strconv.Itoa(scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, id)))
	form.Set("fb_default", "5")
	resp = post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "Ein Feld im Formular-Baukasten ist noch nicht übernommen")

	// An editor left open on a field it cannot show (a group typed into
	// a group in the JSON) does not hold the save.
	other := eventForm(unique("nested"), 0)
	other.Set("registration_schema", `{"type": "object", "properties": {"g": {"type": "object", "label": "G",
		"properties": {"h": {"type": "object", "properties": {"x": {"type": "string"}}}}}}}`)
	for k, v := range map[string]string{"builder_open": "g", "fb_present": "1", "fb_kind": "group", "fb_name": "g", "fb_label": "G"} {
		other.Set(k, v)
	}
	if resp := post(t, app, c, "/admin/events/new", other); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("saving with an editor open on a field it cannot show = %d", resp.StatusCode)
	}
}

// A form saved anew may hold no control character (an escaped NUL failed
// the mails quoting it); an event whose stored form has one still saves
// its other fields.
func TestControlCharactersRefusedWhenSaved(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	name := unique("steuer")
	bad := `{"type": "object", "properties": {"a": {"type": "string", "enum": ["x", "y"], "enum_en": ["Me\u0000at", ""]}}}`
	resp := post(t, app, c, "/admin/events/new", withSchema(eventForm(name, 0), bad))
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "Steuerzeichen")
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name = $1`, name); n != 0 {
		t.Fatal("an event with a NUL in its form was saved")
	}
	ev := newEvent(t, app, name, nil)
	stored := `{"type": "object", "properties": {"a": {"type": "string", "label": "Alt\u0007"}}}`
	exec(t, app, `UPDATE events SET registration_schema = $1 WHERE id = $2`, stored, ev)
	form := withSchema(eventForm(name+" umbenannt", scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, ev)),
		scalar[string](t, app, `SELECT registration_schema::text FROM events WHERE id = $1`, ev))
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", ev), form), http.StatusSeeOther)
}
