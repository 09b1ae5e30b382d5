package schema_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/i18n"
)

func TestValidate(t *testing.T) {
	graduation := readExample(t, "graduation-ceremony.json")
	toolbox := readExample(t, "toolbox-workshop.json")
	academy := readExample(t, "summer-academy.json")
	goodGraduation := url.Values{
		"course": {"Physik"}, "degree": {"Master"}, "chair": {"E5"}, "guests": {"3"},
		"title": {`Über $\alpha^2$-Zerfälle`}, "valid_exam_date": {"on"},
	}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = append([]string(nil), vs...)
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
		schema      []byte
		values      url.Values
		wantErrors  map[string]string // path → message ("*" accepts any message)
		wantAnswers string            // JSON, checked when set
	}{
		{
			name: "graduation: complete answers are typed", schema: graduation, values: goodGraduation,
			wantAnswers: `{"course":"Physik","degree":"Master","chair":"E5","guests":3,"title":"Über $\\alpha^2$-Zerfälle","valid_exam_date":true,"allow_contact":false}`,
		},
		{
			name: "missing required uses error_hint", schema: graduation, values: with(goodGraduation, "degree", ""),
			wantErrors: map[string]string{"degree": "Triff bitte eine Auswahl."},
		},
		{
			name: "required latex without hint falls back to it", schema: graduation, values: with(goodGraduation, "title", "  "),
			wantErrors: map[string]string{"title": "Der Titel deiner Abschlussarbeit fehlt."},
		},
		{
			name: "a date is typed as given", schema: []byte(`{"type": "object", "properties": {"born": {"type": "string", "format": "date"}}}`),
			values: url.Values{"born": {"1990-02-28"}}, wantAnswers: `{"born":"1990-02-28"}`,
		},
		{
			name: "a date that is none", schema: []byte(`{"type": "object", "properties": {"born": {"type": "string", "format": "date"}}}`),
			values: url.Values{"born": {"1990-02-30"}}, wantErrors: map[string]string{"born": "Bitte ein Datum angeben."},
		},
		{
			name: "number above maximum", schema: graduation, values: with(goodGraduation, "guests", "9"),
			wantErrors: map[string]string{"guests": "*"},
		},
		{
			name: "number not a number", schema: graduation, values: with(goodGraduation, "guests", "zwei"),
			wantErrors: map[string]string{"guests": "Wie viele Personen kommen mit dir (dich eingeschlossen)? Höchstens 8. Bitte eine ganze Zahl eingeben."},
		},
		{
			// The hint alone ("Höchstens 8") said nothing to someone who typed 0.
			name: "number below minimum: hint and range", schema: graduation, values: with(goodGraduation, "guests", "0"),
			wantErrors: map[string]string{"guests": "Wie viele Personen kommen mit dir (dich eingeschlossen)? Höchstens 8. Bitte eine Zahl von 1 bis 8 eingeben."},
		},
		{
			// Not the hint "Der Titel deiner Abschlussarbeit fehlt.": it is there.
			name: "unbalanced $ says so whatever the hint", schema: graduation, values: with(goodGraduation, "title", "Preis 5$"),
			wantErrors: map[string]string{"title": "Die $-Zeichen passen nicht zusammen: Jede Formel braucht ein öffnendes und ein schließendes $ (ein einzelnes Dollarzeichen als \\$)."},
		},
		{
			name: "unchecked const checkbox", schema: graduation, values: with(goodGraduation, "valid_exam_date", ""),
			wantErrors: map[string]string{"valid_exam_date": "Diese Feier ist für den genannten Jahrgang; spätere Jahrgänge laden wir zur nächsten Feier ein."},
		},
		{
			name: "value outside enum", schema: graduation, values: with(goodGraduation, "chair", "E9"),
			wantErrors: map[string]string{"chair": "*"},
		},
		{
			name: "unbalanced dollar", schema: graduation, values: with(goodGraduation, "title", `Über $\alpha^2-Zerfälle`),
			wantErrors: map[string]string{"title": "*"},
		},
		{
			name: "escaped dollar is balanced", schema: graduation, values: with(goodGraduation, "title", `Kosten: 5 \$ pro $x$`),
		},
		{
			name: "nested object answers are nested", schema: toolbox,
			values:      url.Values{"languages.python": {"on"}, "languages.other": {"Rust"}, "skill": {"Noch nie programmiert"}},
			wantAnswers: `{"toolbox":false,"latex":false,"skill":"Noch nie programmiert","languages":{"c":false,"cpp":false,"python":true,"javascript":false,"java":false,"haskell":false,"pascal":false,"fortran":false,"other":"Rust"},"toolbox_interests":{"git":false,"python":false,"make":false,"cli":false,"plotting":false,"uncertainties":false},"latex_interests":{"text":false,"math":false,"toc":false,"bib":false,"tikz":false,"beamer":false}}`,
		},
		{
			name: "radio outside enum", schema: toolbox, values: url.Values{"skill": {"Profi"}},
			wantErrors: map[string]string{"skill": "*"},
		},
		{
			name: "required phone missing, negative semester", schema: academy, values: url.Values{"semester": {"-1"}},
			wantErrors: map[string]string{"phone": "Bitte ausfüllen.", "semester": "Bitte mindestens 0 eingeben."},
		},
		{
			name: "multiline keeps line breaks", schema: academy, values: url.Values{"phone": {"0231 1234"}, "comments": {"a\r\nb"}},
			wantAnswers: `{"phone":"0231 1234","comments":"a\nb","arrival_by_myself":false}`,
		},
		{
			name: "pattern", schema: []byte(`{"type": "object", "properties": {"matrikel": {"type": "string", "pattern": "^[0-9]{6}$"}}}`),
			values: url.Values{"matrikel": {"12345a"}}, wantErrors: map[string]string{"matrikel": "Das Format passt nicht."},
		},
		{
			name: "a required choice without a hint asks to choose", schema: []byte(`{"type": "object", "properties": {"c": {"type": "string", "enum": ["a", "b"]}}, "required": ["c"]}`),
			values: url.Values{}, wantErrors: map[string]string{"c": "Bitte auswählen."},
		},
		{
			name: "nested required", schema: []byte(`{"type": "object", "properties": {"o": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}}}`),
			values: url.Values{}, wantErrors: map[string]string{"o.x": "Bitte ausfüllen."},
		},
		{
			name: "number with decimals and range", schema: []byte(`{"type": "object", "properties": {"n": {"type": "number", "minimum": 0.5, "maximum": 2.5}}}`),
			values: url.Values{"n": {"1,5"}}, wantAnswers: `{"n":1.5}`,
		},
		{
			name: "email format", schema: []byte(`{"type": "object", "properties": {"m": {"type": "string", "format": "email"}}}`),
			values: url.Values{"m": {"kein-at"}}, wantErrors: map[string]string{"m": "Bitte eine gültige E-Mail-Adresse eingeben."},
		},
		{
			name: "text without maxLength takes 5000 characters", schema: academy,
			values:     url.Values{"phone": {strings.Repeat("ä", schema.DefaultMaxLength)}, "intolerances": {strings.Repeat("x", schema.DefaultMaxLength+1)}},
			wantErrors: map[string]string{"intolerances": "Bitte höchstens 5000 Zeichen eingeben."},
		},
		{
			name: "long text without maxLength takes 20000 characters", schema: academy,
			values:     url.Values{"phone": {"0231 1234"}, "comments": {strings.Repeat("x", schema.LongTextMaxLength+1)}},
			wantErrors: map[string]string{"comments": "Bitte höchstens 20000 Zeichen eingeben."},
		},
		{
			name: "latex without maxLength", schema: graduation, values: with(goodGraduation, "title", strings.Repeat("x", schema.DefaultMaxLength+1)),
			wantErrors: map[string]string{"title": "*"},
		},
		{
			name: "an explicit maxLength stays", schema: []byte(`{"type": "object", "properties": {"t": {"type": "string", "maxLength": 8000}}}`),
			values: url.Values{"t": {strings.Repeat("x", 8000)}}, wantAnswers: `{"t":"` + strings.Repeat("x", 8000) + `"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, err := schema.Parse(tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			answers, errs := schema.Validate(fm, tt.values, i18n.DE)
			if len(errs) != len(tt.wantErrors) {
				t.Errorf("errors = %v, want %v", errs, tt.wantErrors)
			}
			for path, want := range tt.wantErrors {
				got, ok := errs[path]
				if !ok || (want != "*" && got != want) {
					t.Errorf("error at %s = %q, want %q", path, got, want)
				}
			}
			if tt.wantAnswers != "" {
				var want map[string]any
				if err := json.Unmarshal([]byte(tt.wantAnswers), &want); err != nil {
					t.Fatal(err)
				}
				b, _ := json.Marshal(answers)
				var got map[string]any
				_ = json.Unmarshal(b, &got)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("answers = %s\nwant      %s", b, tt.wantAnswers)
				}
			}
		})
	}
}

func TestValidateTypesAnswers(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "graduation-ceremony.json"))
	if err != nil {
		t.Fatal(err)
	}
	answers, _ := schema.Validate(fm, url.Values{"guests": {"2"}, "allow_contact": {"on"}}, i18n.DE)
	if _, ok := answers["guests"].(int64); !ok {
		t.Errorf("guests is %T, want int64", answers["guests"])
	}
	if answers["allow_contact"] != true {
		t.Errorf("allow_contact = %v, want true", answers["allow_contact"])
	}
}

func TestCheckAnswersFromStoredJSON(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "graduation-ceremony.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stored map[string]any
	_ = json.Unmarshal([]byte(`{"degree":"Master","chair":"E5","guests":"3","title":"$x","valid_exam_date":true}`), &stored)
	errs := schema.CheckAnswers(fm, stored, i18n.EN)
	for _, path := range []string{"guests", "title"} {
		if errs[path] == "" {
			t.Errorf("no error for %s in %v", path, errs)
		}
	}
}

// Answers the admin console edits directly meet the default limits too,
// which the schema itself does not state.
func TestCheckAnswersLimitsTextWithoutMaxLength(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "summer-academy.json"))
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]any{"phone": "0231 1234", "comments": strings.Repeat("x", schema.LongTextMaxLength+1), "arrival_by_myself": false}
	errs := schema.CheckAnswers(fm, stored, i18n.EN)
	if want := "Please enter at most 20000 characters."; errs["comments"] != want || len(errs) != 1 {
		t.Errorf("errors %v, want comments: %q", errs, want)
	}
}

// A required answer emptied in the admin console is refused as the form
// refuses it: the schema's own check asks for the key only.
func TestCheckAnswersRefusesBlankRequired(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "summer-academy.json"))
	if err != nil {
		t.Fatal(err)
	}
	errs := schema.CheckAnswers(fm, map[string]any{"phone": "  ", "comments": "", "arrival_by_myself": false}, i18n.EN)
	if len(errs) != 1 || errs["phone"] == "" {
		t.Errorf("errors %v, want phone's", errs)
	}
}

func TestBalanced(t *testing.T) {
	tests := map[string]bool{
		"":                true,
		"no math":         true,
		"$a$":             true,
		"$$a$$":           true,
		"$a$ and $b$":     true,
		"$a$$b$":          true,
		`\$5`:             true,
		`$\$$`:            true,
		"$a":              false,
		"$$a$":            false,
		"$$a$ b$$":        false,
		"a$":              false,
		`$\alpha^2$`:      true,
		`$\alpha^2`:       false,
		"$$x$$ then $y$$": false,
	}
	for s, want := range tests {
		if got := schema.Balanced(s); got != want {
			t.Errorf("Balanced(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValuesRoundTrip(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "toolbox-workshop.json"))
	if err != nil {
		t.Fatal(err)
	}
	in := url.Values{"languages.python": {"on"}, "languages.other": {"Rust"}, "os": {"macOS"}}
	answers, errs := schema.Validate(fm, in, i18n.DE)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	b, _ := json.Marshal(answers)
	var stored map[string]any
	_ = json.Unmarshal(b, &stored)
	out := schema.Values(fm, stored, i18n.DE)
	if !reflect.DeepEqual(out, in) {
		t.Errorf("Values = %v, want %v", out, in)
	}
}

func TestDefaults(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "graduation-ceremony.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := schema.Defaults(fm, i18n.DE).Get("guests"); got != "1" {
		t.Errorf("default guests = %q, want 1", got)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, mustNot, must string }{
		{`<p>Hi</p><script>alert(1)</script>`, "<script", "<p>Hi</p>"},
		{`<img src="x.png" onerror="alert(1)">`, "onerror", ""},
		{`<a href="javascript:alert(1)">x</a>`, "javascript:", "x"},
		{`<button hx-get="/admin/" hx-trigger="load">x</button>`, "hx-", ""},
		{`<div hx-post="/x" class="alert alert-info">$e^{i\pi}$</div>`, "hx-post", `class="alert alert-info"`},
		{`<p style="position:fixed">x</p>`, "style", "<p>x</p>"},
		{`Studiengang<br><small>klein</small>`, "&lt;", "<br><small>klein</small>"},
		// Formatting classes stay; one that lays the text over the page
		// takes the class attribute with it.
		{`<p class="text-center fw-bold mb-3 bg-light">x</p>`, "", `class="text-center fw-bold mb-3 bg-light"`},
		{`<p class="position-fixed top-0 start-0 w-100 h-100 bg-white">Fake</p>`, "position-fixed", "<p>Fake</p>"},
		{`<div class="fixed-top">x</div>`, "fixed-top", "<div>x</div>"},
		{`<a class="stretched-link" href="https://example.org">x</a>`, "stretched-link", ">x</a>"},
		{`<div class="modal d-block">x</div>`, "modal", "<div>x</div>"},
		{`<div class="sticky-top z-3">x</div>`, "sticky", "<div>x</div>"},
		{`<div class="card-img-overlay bg-white">Fake</div>`, "card-img-overlay", "<div>Fake</div>"},
		{`<input class="btn-check">`, "btn-check", ""},
		{`<p class="d-none d-md-block mx-auto p-3 text-bg-warning fs-5 card card-body">x</p>`, "", `class="d-none d-md-block mx-auto p-3 text-bg-warning fs-5 card card-body"`},
	}
	for _, tt := range tests {
		got := schema.Sanitize(tt.in)
		if tt.mustNot != "" && containsFold(got, tt.mustNot) {
			t.Errorf("Sanitize(%q) = %q still contains %q", tt.in, got, tt.mustNot)
		}
		if tt.must != "" && !containsFold(got, tt.must) {
			t.Errorf("Sanitize(%q) = %q lost %q", tt.in, got, tt.must)
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// A hidden field is not shown; its answer is its default, whatever is
// sent; a hidden required field without a default is refused.
func TestHiddenFields(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {
		"name_tag": {"type": "string", "label": "Namensschild"},
		"batch": {"type": "string", "default": "2026", "hidden": true},
		"secret": {"type": "boolean", "hidden": true}}, "required": ["batch"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if fields := schema.View(fm, schema.Defaults(fm, i18n.DE), nil, false); len(fields) != 1 || fields[0].Path != "name_tag" {
		t.Errorf("the form shows %+v, want name_tag alone", fields)
	}
	answers, errs := schema.Validate(fm, url.Values{"batch": {"1999"}, "secret": {"on"}}, i18n.EN)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got, _ := json.Marshal(answers); string(got) != `{"batch":"2026"}` {
		t.Errorf("answers %s, want the hidden default alone", got)
	}
	_, err = schema.Parse([]byte(`{"type": "object", "properties": {"batch": {"type": "string", "hidden": true}}, "required": ["batch"]}`))
	var pe *schema.ParseError
	if !errors.As(err, &pe) || pe.Problems[0].Key != "events.schema.hidden_required" {
		t.Errorf("a hidden required field without default: %v", err)
	}
}

// Numbers read as written, and one past 1e21 with an exponent, as JSON
// writes it, not hundreds of digits wide.
func TestFormatAnswerNumbers(t *testing.T) {
	for in, want := range map[float64]string{1.5: "1.5", 42: "42", 1e20: "100000000000000000000", 1e300: "1e+300", -2.5e25: "-2.5e+25"} {
		if got := schema.FormatAnswer(in); got != want {
			t.Errorf("FormatAnswer(%v) = %q, want %q", in, got, want)
		}
	}
}
