package schema_test

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/i18n"
)

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t *testing.T, raw string) *schema.Form {
	t.Helper()
	fm, err := schema.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return fm
}

func TestParseExamplesKeepsOrderAndNesting(t *testing.T) {
	tests := []struct {
		file       string
		wantLeaves []string
		wantTop    []string
	}{
		{
			file:    "graduation-ceremony.json",
			wantTop: []string{"course", "degree", "chair", "guests", "title", "valid_exam_date", "allow_contact"},
		},
		{
			file:    "summer-academy.json",
			wantTop: []string{"phone", "semester", "course", "nutrition", "intolerances", "arrival_by_myself", "comments"},
		},
		{
			file: "toolbox-workshop.json",
			wantTop: []string{"toolbox", "latex", "os", "skill", "languages", "toolbox_interests", "latex_level",
				"latex_interests", "other_interesets", "remarks"},
			wantLeaves: []string{"toolbox", "latex", "os", "skill", "languages.c", "languages.cpp", "languages.python",
				"languages.javascript", "languages.java", "languages.haskell", "languages.pascal", "languages.fortran",
				"languages.other", "toolbox_interests.git"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			fm, err := schema.Parse(readExample(t, tt.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var top []string
			for _, f := range fm.Fields {
				top = append(top, f.Path)
			}
			if !slices.Equal(top, tt.wantTop) {
				t.Errorf("fields = %v, want %v", top, tt.wantTop)
			}
			var leaves []string
			for _, f := range fm.Flatten() {
				leaves = append(leaves, f.Path)
			}
			if len(tt.wantLeaves) > 0 && !slices.Equal(leaves[:len(tt.wantLeaves)], tt.wantLeaves) {
				t.Errorf("leaves = %v, want prefix %v", leaves, tt.wantLeaves)
			}
		})
	}
}

func TestParseFieldDetails(t *testing.T) {
	fm, err := schema.Parse(readExample(t, "graduation-ceremony.json"))
	if err != nil {
		t.Fatal(err)
	}
	guests := fm.Field("guests")
	if guests.Widget() != schema.WidgetInteger || *guests.Minimum != 1 || *guests.Maximum != 8 ||
		guests.Default != int64(1) || !guests.Required || guests.ErrorHint == "" {
		t.Errorf("guests parsed as %+v", guests)
	}
	if w := fm.Field("title").Widget(); w != schema.WidgetLatex {
		t.Errorf("title widget = %s, want latex", w)
	}
	if f := fm.Field("valid_exam_date"); !f.MustTick() || f.Widget() != schema.WidgetCheckbox {
		t.Errorf("valid_exam_date: must tick %v, widget %s", f.MustTick(), f.Widget())
	}
	if l := fm.Field("allow_contact").Label; !strings.Contains(l, "<br>") || !strings.Contains(l, "<small>") {
		t.Errorf("label HTML lost: %q", l)
	}
	if w := fm.Field("course").Widget(); w != schema.WidgetSelect {
		t.Errorf("course widget = %s, want select", w)
	}

	tb, _ := schema.Parse(readExample(t, "toolbox-workshop.json"))
	if w := tb.Field("skill").Widget(); w != schema.WidgetRadio {
		t.Errorf("skill widget = %s, want radio", w)
	}
	lang := tb.Field("languages")
	if lang.Widget() != schema.WidgetFieldset || len(lang.Children) != 9 || lang.Children[1].Label != "C++" || lang.Children[0].Label != "C" {
		t.Errorf("languages parsed as %+v", lang)
	}
	sa, _ := schema.Parse(readExample(t, "summer-academy.json"))
	if w := sa.Field("comments").Widget(); w != schema.WidgetTextarea {
		t.Errorf("comments widget = %s, want textarea", w)
	}
}

// Every free-text field has a limit; a schema's own maxLength wins.
func TestParseLimitsFreeText(t *testing.T) {
	fm := mustParse(t, `{"type": "object", "properties": {
		"line": {"type": "string"},
		"letter": {"type": "string", "format": "multiline"},
		"formula": {"type": "string", "format": "latex"},
		"mail": {"type": "string", "format": "email"},
		"short": {"type": "string", "maxLength": 20},
		"long": {"type": "string", "format": "multiline", "maxLength": 50000},
		"choice": {"type": "string", "enum": ["a", "b"]}
	}}`)
	want := map[string]int{"line": 5000, "letter": 20000, "formula": 5000, "mail": 254, "short": 20, "long": 50000}
	for path, limit := range want {
		if f := fm.Field(path); f.MaxLength == nil || *f.MaxLength != limit {
			t.Errorf("%s: maxLength %v, want %d", path, f.MaxLength, limit)
		}
	}
	if f := fm.Field("choice"); f.MaxLength != nil {
		t.Errorf("a choice has maxLength %d; its options bound it", *f.MaxLength)
	}
}

func TestParseRefusesWithLocation(t *testing.T) {
	tests := []struct {
		name, raw    string
		wantLocation string
		wantKey      string
	}{
		{"not json", `{"type": "object", "properties": {,}}`, "", "events.schema.json"},
		{"cut off", `{"type": "object",`, "", "events.schema.json_end"},
		{"trailing text", `{"type": "object"} x`, "", "events.schema.json_trailing"},
		{"empty", ` `, "", "events.schema.empty"},
		{"not an object", `[]`, "", "events.schema.root_object"},
		{"root type", `{"type": "string"}`, "type", "events.schema.root_object"},
		{"meta-schema: bad type", `{"type": "object", "properties": {"a": {"type": "strin"}}}`, "properties.a.type", "events.schema.type"},
		{"meta-schema: minimum not a number", `{"type": "object", "properties": {"a": {"type": "integer", "minimum": "1"}}}`, "properties.a.minimum", "events.schema.number"},
		{"unsupported key", `{"type": "object", "properties": {"a": {"type": "string", "oneOf": []}}}`, "properties.a.oneOf", "events.schema.unsupported_key"},
		{"ref refused", `{"type": "object", "properties": {"a": {"$ref": "http://example.org/x.json"}}}`, "properties.a.type", "events.schema.type"},
		{"nested location", `{"type": "object", "properties": {"languages": {"type": "object", "properties": {"python": {"type": "array"}}}}}`,
			"properties.languages.properties.python.type", "events.schema.type"},
		{"unknown format", `{"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}}`, "properties.a.format", "events.schema.format"},
		{"radio without enum", `{"type": "object", "properties": {"a": {"type": "string", "format": "radio"}}}`, "properties.a.format", "events.schema.radio_enum"},
		{"English choices short", `{"type": "object", "properties": {"a": {"type": "string", "enum": ["x", "y"], "enum_en": ["X"]}}}`, "properties.a.enum_en", "events.schema.enum_en"},
		{"English choices twice", `{"type": "object", "properties": {"a": {"type": "string", "enum": ["x", "y"], "enum_en": ["X", "X"]}}}`, "properties.a.enum_en", "events.schema.enum_en"},
		{"English choices alike a German one", `{"type": "object", "properties": {"a": {"type": "string", "enum": ["vegan", "vegetarisch"], "enum_en": [" ", "vegan"]}}}`, "properties.a.enum_en", "events.schema.enum_en"},
		{"English choices without choices", `{"type": "object", "properties": {"a": {"type": "string", "enum_en": []}}}`, "properties.a.enum_en", "events.schema.enum_en"},
		{"English choices not texts", `{"type": "object", "properties": {"a": {"type": "string", "enum": ["x"], "enum_en": [1]}}}`, "properties.a.enum_en", "events.schema.enum_en"},
		{"bad pattern", `{"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}}`, "properties.a.pattern", "events.schema.pattern"},
		{"required names unknown field", `{"type": "object", "properties": {}, "required": ["x"]}`, "required", "events.schema.required_unknown"},
		{"reserved name", `{"type": "object", "properties": {"email": {"type": "string"}}}`, "properties.email", "events.schema.reserved"},
		{"dot in name", `{"type": "object", "properties": {"a.b": {"type": "string"}}}`, "properties.a.b", "events.schema.name"},
		{"const false", `{"type": "object", "properties": {"a": {"type": "boolean", "const": false}}}`, "properties.a.const", "events.schema.const"},
		{"default outside enum", `{"type": "object", "properties": {"a": {"type": "string", "enum": ["x"], "default": "y"}}}`, "properties.a.default", "events.schema.default"},
		{"default out of range", `{"type": "object", "properties": {"a": {"type": "integer", "maximum": 3, "default": 4}}}`, "properties.a.default", "events.schema.default"},
		{"min over max", `{"type": "object", "properties": {"a": {"type": "number", "minimum": 5, "maximum": 1}}}`, "properties.a.minimum", "events.schema.range"},
		{"draft 2020", `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}`, "$schema", "events.schema.draft"},
		{"duplicate key", `{"type": "object", "properties": {"a": {"type": "string"}, "a": {"type": "integer"}}}`, "", "events.schema.duplicate"},
		// Decoding stops at the limit: a megabyte of "[" took a gigabyte.
		{"too long", strings.Repeat("[", 1<<20), "", "events.schema.too_long"},
		{"nested too deeply", strings.Repeat("[", 90_000), "", "events.schema.too_deep.other"},
		{"objects nested too deeply", strings.Repeat(`{"a":`, 5_000), "", "events.schema.too_deep.other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, err := schema.Parse([]byte(tt.raw))
			if err == nil {
				t.Fatalf("Parse accepted %s: %+v", tt.raw, fm)
			}
			var pe *schema.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			found := false
			for _, p := range pe.Problems {
				if p.Location == tt.wantLocation && (p.Key == tt.wantKey || p.Key == "events.schema.meta") {
					found = true
				}
				if strings.HasPrefix(p.Text(i18n.DE), "events.") {
					t.Errorf("untranslated problem %q", p.Text(i18n.DE))
				}
			}
			if !found {
				t.Errorf("problems %+v, want %s at %q", pe.Problems, tt.wantKey, tt.wantLocation)
			}
		})
	}
}

func TestParseNeverLoadsReferences(t *testing.T) {
	for _, ref := range []string{"file:///etc/passwd", "http://127.0.0.1:1/x.json", "other.json"} {
		raw := `{"type": "object", "properties": {"a": {"type": "string"}}, "definitions": {"x": {"$ref": "` + ref + `"}}}`
		if _, err := schema.Parse([]byte(raw)); err == nil {
			t.Errorf("schema with $ref %s was accepted", ref)
		}
	}
}

// JSON that does not parse is refused in words of our own, with the line
// and column; the decoder's English is only the detail beside them.
func TestJSONProblemsAreTranslated(t *testing.T) {
	raw := "{\n  \"type\": \"object\",\n  \"properties\": {,}\n}"
	_, err := schema.Parse([]byte(raw))
	var pe *schema.ParseError
	if !errors.As(err, &pe) || len(pe.Problems) != 1 {
		t.Fatalf("Parse = %v, want one problem", err)
	}
	p := pe.Problems[0]
	if got, want := p.Text(i18n.DE), "Kein gültiges JSON: Fehler in Zeile 3, Zeichen 18."; got != want {
		t.Errorf("German text %q, want %q", got, want)
	}
	if got, want := p.Text(i18n.EN), "Not valid JSON: error in line 3, column 18."; got != want {
		t.Errorf("English text %q, want %q", got, want)
	}
	if !strings.Contains(p.Detail, "invalid character ','") {
		t.Errorf("detail %q, want the decoder's message", p.Detail)
	}
	v := p.View(i18n.DE)
	if strings.Contains(v.Text, "invalid") || v.Detail != p.Detail {
		t.Errorf("view %+v: the library's words belong in the detail only", v)
	}

	_, err = schema.Parse([]byte(`{"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}}`))
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if p := pe.Problems[0]; p.Text(i18n.DE) != "properties.a.pattern: Ungültiger regulärer Ausdruck." || !strings.Contains(p.Detail, "missing closing )") {
		t.Errorf("pattern problem %q (%q)", p.Text(i18n.DE), p.Detail)
	}
}

// Nesting reads how deep a text's arrays and objects go, strings left
// out, also of text that is no JSON.
func TestNesting(t *testing.T) {
	for text, want := range map[string]int{`{}`: 1, `[[],[[]]]`: 3, `"[[["`: 0, `{"a\\"[": [1]}`: 2, `[[[`: 3, `x`: 0} {
		if got := schema.Nesting(text); got != want {
			t.Errorf("Nesting(%s) = %d, want %d", text, got, want)
		}
	}
}

// English readers see the labels and hints the schema gives in English;
// a field without them keeps its German, and a form without any is the
// same form.
func TestFormInEnglish(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {
		"guests": {"type": "integer", "label": "Gäste<br><small>ohne dich</small>", "label_en": "Guests<br><small>besides you</small>",
			"error_hint": "Höchstens 3.", "error_hint_en": "At most 3.", "maximum": 3},
		"diet": {"type": "string", "label": "Essen"},
		"travel": {"type": "object", "label": "Anreise", "properties": {"train": {"type": "boolean", "label": "Bahn", "label_en": "Train"}}},
		"note": {"type": "string", "label": "Notiz<br><small>kurz bitte</small>", "label_en": "Note", "error_hint": "Zu lang.", "maxLength": 9}}}`))
	if err != nil {
		t.Fatal(err)
	}
	en, de := fm.In(i18n.EN), fm.In(i18n.DE)
	if de != fm {
		t.Error("the German form is not the form")
	}
	if got := en.Fields[0]; got.Label != "Guests<br><small>besides you</small>" || got.ErrorHint != "At most 3." || got.ShortLabel() != "Guests" {
		t.Errorf("English guests: %q, %q", got.Label, got.ErrorHint)
	}
	if en.Fields[1].Label != "Essen" || en.Fields[2].Children[0].Label != "Train" || fm.Fields[2].Children[0].Label != "Bahn" {
		t.Errorf("English fields: %q, %q; German child %q", en.Fields[1].Label, en.Fields[2].Children[0].Label, fm.Fields[2].Children[0].Label)
	}
	// Help given in German only is read in German; a hint given in German
	// only gives way to the English check's own message.
	note := schema.View(en, nil, nil, false)[3]
	if note.Label != "Note" || note.Help != schema.View(fm, nil, nil, false)[3].Help || en.Fields[3].ErrorHint != "" {
		t.Errorf("English note: %q, %q, hint %q", note.Label, note.Help, en.Fields[3].ErrorHint)
	}
	plain, err := schema.Parse([]byte(`{"type": "object", "properties": {"diet": {"type": "string", "label": "Essen"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if plain.In(i18n.EN) != plain {
		t.Error("a form without English is copied for English readers")
	}
}

// English readers read a choice in English where the schema gives it
// (enum_en; an empty one stays German) and send the German value, which
// is what is stored and checked.
func TestChoicesInEnglish(t *testing.T) {
	fm, err := schema.Parse([]byte(`{"type": "object", "properties": {
		"diet": {"type": "string", "label": "Essen", "enum": ["vegan", "mit Fleisch", "Sonstiges"], "enum_en": ["", "with meat", "Other"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	en := fm.In(i18n.EN)
	if en == fm {
		t.Fatal("English choices alone make no English form")
	}
	v := schema.View(en, url.Values{"diet": {"mit Fleisch"}}, nil, false)[0]
	if !slices.Equal(v.Options, []string{"vegan", "mit Fleisch", "Sonstiges"}) || !slices.Equal(v.OptionLabels, []string{"vegan", "with meat", "Other"}) {
		t.Errorf("English options %q labelled %q", v.Options, v.OptionLabels)
	}
	if got := en.Fields[0].ChoiceLabel("mit Fleisch"); got != "with meat" {
		t.Errorf("English answer %q", got)
	}
	if got := fm.Fields[0].ChoiceLabel("mit Fleisch"); got != "mit Fleisch" {
		t.Errorf("German answer %q", got)
	}
	if de := schema.View(fm, nil, nil, false)[0]; de.OptionLabels != nil {
		t.Errorf("German readers read %q", de.OptionLabels)
	}
	if _, errs := schema.Validate(en, url.Values{"diet": {"with meat"}}, i18n.EN); errs["diet"] == "" {
		t.Error("the English text was taken as an answer")
	}
}

// PostgreSQL stores no NUL in text: the mail quoting one failed. A schema
// saved anew may hold no control character; one stored before still
// parses, so its pages and mails keep working.
func TestControlCharactersOnlyInNewSchemas(t *testing.T) {
	for _, raw := range []string{
		`{"type": "object", "properties": {"a": {"type": "string", "enum": ["x", "y"], "enum_en": ["Me\u0000at", ""]}}}`,
		`{"type": "object", "properties": {"a": {"type": "string", "label": "A\u0007"}}}`,
		`{"type": "object", "properties": {"a": {"type": "string", "label": "A\u0085"}}}`,
		`{"type": "object", "properties": {"a": {"type": "string", "enum": ["e1\u202efdp.exe"]}}}`,
	} {
		_, err := schema.ParseNew([]byte(raw))
		var pe *schema.ParseError
		if !errors.As(err, &pe) || pe.Problems[0].Key != "events.schema.control" {
			t.Errorf("ParseNew(%s) = %v, want the control character refused", raw, err)
		}
		if _, err := schema.Parse([]byte(raw)); err != nil {
			t.Errorf("a stored schema no longer parses: %v", err)
		}
	}
}
