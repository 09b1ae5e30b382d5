package events_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Every construct of the example schemas renders as its widget.
func TestFormRendersEveryConstruct(t *testing.T) {
	app := apptest.Start(t)
	edge := `{"type": "object", "properties": {
		"n": {"type": "number", "minimum": 0.5, "maximum": 2.5, "label": "Faktor"},
		"delta": {"type": "integer", "label": "Abweichung"},
		"mail": {"type": "string", "format": "email", "label": "Zweitadresse"},
		"code": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "ABC", "error_hint": "Drei Großbuchstaben."}
	}, "required": ["code"]}`
	// tags maps an input's name to attributes its tag must have; "select",
	// "textarea" and "input" name the element.
	type tags map[string][]string
	tests := []struct {
		schema string
		tags   tags
		wants  []string
	}{
		{"graduation-ceremony.json", tags{
			"course":          {"<select", `class="form-select"`, "!required", "!maxlength"},
			"degree":          {"<select", "required"},
			"guests":          {`type="text"`, `inputmode="numeric"`, `value="1"`, "required", "!min=", "!step="},
			"title":           {`type="text"`, `data-latex="f-title-preview"`, "required", `maxlength="5000"`},
			"valid_exam_date": {`type="checkbox"`, "required"},
			"allow_contact":   {`type="checkbox"`, "!required"},
		}, []string{
			`<option value="Medizinphysik">Medizinphysik</option>`,
			`data-testid="latex-preview-title"`,
			// A label's second line is help under it, not part of it.
			`Ich möchte auch nach der Feier per E-Mail vom Verein informiert werden.</label><div class="form-text mt-0 mb-1 math" id="f-allow_contact-help" data-testid="help-allow_contact"><small>`,
			// A box that must be ticked is marked like a required field.
			`Meine letzte Prüfung lag im Abschlussjahrgang dieser Feier.<span class="text-danger ms-1" aria-hidden="true" data-testid="required-mark">*</span></label>`,
		}},
		{"summer-academy.json", tags{
			"comments": {"<textarea", `rows="4"`, `maxlength="20000"`},
			"semester": {`type="text"`, `inputmode="numeric"`, "!min=", "!maxlength"},
			"phone":    {`type="text"`, "required", `maxlength="5000"`},
			"name":     {`type="text"`, `maxlength="200"`},
			"email":    {`type="email"`, `maxlength="254"`},
		}, []string{
			// The required mark follows the label's first line, before the help.
			`Handynummer<span class="text-danger ms-1" aria-hidden="true" data-testid="required-mark">*</span></label><div class="form-text mt-0 mb-1 math" id="f-phone-help" data-testid="help-phone"><small>Nur für Notfälle`,
			`aria-describedby="f-phone-help"`,
		}},
		{"toolbox-workshop.json", tags{
			"languages.python": {`type="checkbox"`, `id="f-languages--python"`},
			"languages.other":  {`type="text"`},
			"skill":            {`type="radio"`},
		}, []string{
			`<fieldset class="border rounded px-3 pt-2 mb-3" data-testid="field-languages">`,
			`<legend class="fs-6 fw-semibold float-none w-auto px-1 mb-1 math">Programmiersprachen</legend>`,
			`value="Schon mal programmiert, auch in Python"`,
			`<label class="form-check-label math" for="f-languages--cpp">C++</label>`,
		}},
		{edge, tags{
			// Text with a number keyboard: an input of type number reads
			// by the browser's locale, not the page's.
			"n": {`type="text"`, `inputmode="decimal"`, "!step=", "!min=", "!max="},
			// Below zero: phones' number keyboards have no minus key.
			"delta": {`type="text"`, "!inputmode"},
			"mail":  {`type="email"`, `maxlength="254"`},
			"code":  {`value="ABC"`, "required"},
		}, nil},
	}
	for _, tt := range tests {
		name := tt.schema
		if strings.HasPrefix(name, "{") {
			name = "edge cases"
		}
		t.Run(name, func(t *testing.T) {
			ev := createEvent(t, app, testEvent{schema: tt.schema})
			page := app.Get(t, app.Client(), ev.regPath())
			if page.StatusCode != http.StatusOK {
				t.Fatalf("GET = %d", page.StatusCode)
			}
			// Name and email come first.
			iName, iEmail := strings.Index(page.Body, `name="name"`), strings.Index(page.Body, `name="email"`)
			iField := strings.Index(page.Body, `data-testid="field-`+firstField(t, tt.schema)+`"`)
			if iName < 0 || iEmail < iName || iField < iEmail {
				t.Errorf("name (%d) and email (%d) must come before the schema's fields (%d)", iName, iEmail, iField)
			}
			mustContain(t, page.Body, tt.wants...)
			for name, attrs := range tt.tags {
				tag := tagNamed(page.Body, name)
				if tag == "" {
					t.Errorf("no element named %s", name)
					continue
				}
				for _, a := range attrs {
					if not, ok := strings.CutPrefix(a, "!"); ok {
						if strings.Contains(tag, not) {
							t.Errorf("%s: %s has %s", name, tag, not)
						}
					} else if !strings.Contains(tag, a) {
						t.Errorf("%s: %s lacks %s", name, tag, a)
					}
				}
			}
		})
	}
}

// tagNamed returns the opening tag of the first form element named name.
func tagNamed(body, name string) string {
	re := regexp.MustCompile(`<(input|select|textarea)\b[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`)
	return re.FindString(body)
}

func firstField(t *testing.T, schema string) string {
	t.Helper()
	raw := schemaJSON(t, schema)
	m := regexp.MustCompile(`"properties":\s*\{\s*"([^"]+)"`).FindStringSubmatch(raw)
	return m[1]
}

// Invalid answers come back with 422, the messages next to their fields
// and what was typed still in the form; valid ones are stored typed.
func TestFormValidatesAndKeepsValues(t *testing.T) {
	app := apptest.Start(t)
	good := url.Values{
		"course": {"Physik"}, "degree": {"Master"}, "chair": {"E5"}, "guests": {"3"},
		"title": {`Über $\alpha^2$`}, "valid_exam_date": {"on"},
	}
	with := func(kv ...string) url.Values {
		out := url.Values{}
		for k, v := range good {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				out.Del(kv[i])
			} else {
				out.Set(kv[i], kv[i+1])
			}
		}
		return out
	}
	tests := []struct {
		name        string
		schema      string
		answers     url.Values
		email       string
		wantErrors  []string
		wantKept    []string
		wantStored  string
		htmx        bool
		forceTUMail bool
	}{
		{name: "missing required", schema: "graduation-ceremony.json", answers: with("degree", ""),
			wantErrors: []string{"degree"}, wantKept: []string{`value="3"`, `value="Über $\alpha^2$"`}},
		{name: "number out of range", schema: "graduation-ceremony.json", answers: with("guests", "12"),
			wantErrors: []string{"guests"}, wantKept: []string{`value="12"`}, htmx: true},
		{name: "const checkbox unticked", schema: "graduation-ceremony.json", answers: with("valid_exam_date", ""),
			wantErrors: []string{"valid_exam_date"}, wantKept: []string{`<option value="E5" selected>`}},
		{name: "unbalanced dollar", schema: "graduation-ceremony.json", answers: with("title", `Über $\alpha^2`),
			wantErrors: []string{"title"}, wantKept: []string{`value="Über $\alpha^2"`}, htmx: true},
		{name: "bad pattern", schema: `{"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$", "error_hint": "Drei Großbuchstaben."}}}`,
			answers: url.Values{"code": {"abcd"}}, wantErrors: []string{"code"}, wantKept: []string{`value="abcd"`, "Drei Großbuchstaben."}},
		{name: "nested object keeps ticks", schema: "toolbox-workshop.json",
			answers: url.Values{"languages.python": {"on"}, "skill": {"nope"}}, wantErrors: []string{"skill"},
			wantKept: []string{`value="on" checked id="f-languages--python"`}},
		{name: "missing name and bad email", schema: "summer-academy.json", answers: url.Values{"phone": {"123"}},
			email: "no-at-sign", wantErrors: []string{"name", "email"}, wantKept: []string{`value="no-at-sign"`, `value="123"`}},
		{name: "force_tu_mail refuses other addresses", schema: "summer-academy.json", answers: url.Values{"phone": {"123"}},
			email: "someone@gmail.com", forceTUMail: true, wantErrors: []string{"email"}},
		{name: "valid answers stored typed", schema: "graduation-ceremony.json", answers: good,
			wantStored: `{"course":"Physik","degree":"Master","chair":"E5","guests":3,"title":"Über $\\alpha^2$","valid_exam_date":true,"allow_contact":false}`},
		{name: "nested answers stored nested", schema: "toolbox-workshop.json", answers: url.Values{"languages.python": {"on"}, "toolbox_interests.git": {"on"}},
			wantStored: `{"toolbox":false,"latex":false,"languages":{"c":false,"cpp":false,"python":true,"javascript":false,"java":false,"haskell":false,"pascal":false,"fortran":false},"toolbox_interests":{"git":true,"python":false,"make":false,"cli":false,"plotting":false,"uncertainties":false},"latex_interests":{"text":false,"math":false,"toc":false,"bib":false,"tikz":false,"beamer":false}}`},
		{name: "tu address accepted", schema: "summer-academy.json", answers: url.Values{"phone": {"123"}},
			email: "erika.musterfrau@tu-dortmund.de", forceTUMail: true, wantStored: `{"phone":"123","arrival_by_myself":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := createEvent(t, app, testEvent{schema: tt.schema, forceTU: tt.forceTUMail})
			email := tt.email
			if email == "" {
				email = unique("form") + "@example.org"
			}
			name := "Erika Musterfrau"
			if slicesContains(tt.wantErrors, "name") {
				name = ""
			}
			var headers []string
			if tt.htmx {
				headers = []string{"HX-Request", "true"}
			}
			resp := registerVia(t, app, app.Client(), ev.regPath(), name, email, tt.answers, headers...)
			if len(tt.wantErrors) > 0 {
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", resp.StatusCode)
				}
				if tt.htmx && (strings.Contains(resp.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(resp.Body), `<form id="registration-form"`)) {
					t.Errorf("htmx got more than the form fragment")
				}
				for _, path := range tt.wantErrors {
					mustContain(t, resp.Body, `data-testid="error-`+path+`"`)
				}
				if n := strings.Count(resp.Body, `class="invalid-feedback`); n != len(tt.wantErrors) {
					t.Errorf("%d error messages, want %d", n, len(tt.wantErrors))
				}
				// The control of a refused answer is marked, the others not.
				paths := slices.Collect(maps.Keys(tt.answers))
				for _, path := range append(paths, tt.wantErrors...) {
					marked := regexp.MustCompile(`class="[^"]*\bis-invalid"[^>]*name="` + regexp.QuoteMeta(path) + `"`).MatchString(resp.Body)
					if want := slicesContains(tt.wantErrors, path); marked != want {
						t.Errorf("the control of %s is marked invalid: %v, want %v", path, marked, want)
					}
				}
				mustContain(t, resp.Body, tt.wantKept...)
				var n int
				_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM registrations WHERE event_id = $1`, ev.id).Scan(&n)
				if n != 0 {
					t.Errorf("%d registrations stored from invalid answers", n)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200:\n%s", resp.StatusCode, resp.Body)
			}
			var stored []byte
			if err := app.Pool.QueryRow(t.Context(), `SELECT data FROM registrations WHERE event_id = $1`, ev.id).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			var got, want any
			_ = json.Unmarshal(stored, &got)
			_ = json.Unmarshal([]byte(tt.wantStored), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("stored %s\nwant   %s", stored, tt.wantStored)
			}
		})
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
