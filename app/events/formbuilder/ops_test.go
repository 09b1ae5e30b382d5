package formbuilder_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events/formbuilder"
	"github.com/pepalumni/memberdb/app/events/schema"
)

const empty = `{"type": "object", "properties": {}}`

func add(t *testing.T, fm *formbuilder.Form, kind, after string, p formbuilder.Props) string {
	t.Helper()
	path, err := fm.Add(kind, after, false)
	if err != nil {
		t.Fatal(err)
	}
	p.Kind = kind
	newPath, probs := fm.Apply(path, p)
	if len(probs) > 0 {
		t.Fatalf("apply %+v: %v", p, probs)
	}
	return newPath
}

// The graduation ceremony's form, built field by field from an empty
// form (one field added out of order and moved up), is the spec's schema.
func TestBuildTheGraduationCeremonyForm(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	hint := "Triff bitte eine Auswahl."
	add(t, fm, formbuilder.KindChoice, "", formbuilder.Props{Name: "course", Label: "Studiengang", ErrorHint: hint,
		Options: []string{"Physik", "Medizinphysik", "Lehramt"}})
	add(t, fm, formbuilder.KindChoice, "course", formbuilder.Props{Name: "degree", Label: "Abschluss", ErrorHint: hint, Required: true,
		Options: []string{"Bachelor", "Master", "Promotion"}})
	add(t, fm, formbuilder.KindChoice, "degree", formbuilder.Props{Name: "chair", Label: "Lehrstuhl", ErrorHint: hint, Required: true,
		Options: []string{"E1", "E2", "E3", "E4", "E5", "E6", "T1", "T2", "T3", "T4", "Beschleunigerphysik", "Extern"}})
	// The title is added before the guests and moved down below them.
	title := add(t, fm, formbuilder.KindLatex, "chair", formbuilder.Props{Name: "title", Label: "Titel der Arbeit", Required: true,
		ErrorHint: "Der Titel deiner Abschlussarbeit fehlt."})
	add(t, fm, formbuilder.KindInteger, "title", formbuilder.Props{Name: "guests", Label: "Anzahl der Gäste (inklusive dir)", Required: true,
		Minimum: "1", Maximum: "8", Default: "1",
		ErrorHint: "Wie viele Personen kommen mit dir (dich eingeschlossen)? Höchstens 8."})
	if err := fm.Move(title, 4); err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindConsent, "title", formbuilder.Props{Name: "valid_exam_date",
		Label:     "Meine letzte Prüfung lag im Abschlussjahrgang dieser Feier.",
		ErrorHint: "Diese Feier ist für den genannten Jahrgang; spätere Jahrgänge laden wir zur nächsten Feier ein."})
	// The name is made from the label when none is typed.
	contact := add(t, fm, formbuilder.KindCheckbox, "", formbuilder.Props{
		Label: "Ich möchte auch nach der Feier per E-Mail vom Verein informiert werden.",
		Help:  "Dafür sehen einige Vorstandsmitglieder deine Adresse; Dritte bekommen sie nie."})
	if want := "ich_moechte_auch_nach_der_feier_per_e_ma"; contact != want {
		t.Errorf("generated name %q, want %q", contact, want)
	}
	if _, probs := fm.Apply(contact, withName(fm.Find(contact).Props(), "allow_contact")); len(probs) > 0 {
		t.Fatal(probs)
	}

	built := fm.JSON()
	if _, err := schema.Parse(built); err != nil {
		t.Fatalf("the built schema is refused: %v", err)
	}
	spec, err := os.ReadFile("testdata/graduation-ceremony.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := semantic(t, built), semantic(t, spec); !reflect.DeepEqual(got, want) {
		t.Errorf("built\n%v\nwant\n%v", got, want)
	}
	if got, want := order(t, built), order(t, spec); !reflect.DeepEqual(got, want) {
		t.Errorf("fields in order %v, want %v", got, want)
	}
}

func withName(p formbuilder.Props, name string) formbuilder.Props {
	p.Name = name
	return p
}

// semantic is the schema as maps, so keys compare whatever their order,
// and the required list as a set.
func semantic(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if req, ok := m["required"].([]any); ok {
		set := map[any]bool{}
		for _, r := range req {
			set[r] = true
		}
		m["required"] = set
	}
	return m
}

func order(t *testing.T, raw []byte) []string {
	t.Helper()
	fm, err := formbuilder.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range fm.Fields {
		names = append(names, f.Name)
	}
	return names
}

func TestApplyRefusesWhatTheSchemaCannotHold(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props formbuilder.Props
		want  string
	}{
		{"bad name", formbuilder.Props{Kind: "text", Name: "a b", Label: "A"}, "name"},
		{"reserved name", formbuilder.Props{Kind: "text", Name: "email", Label: "A"}, "name"},
		{"taken name", formbuilder.Props{Kind: "text", Name: "other", Label: "A"}, "name"},
		{"no label", formbuilder.Props{Kind: "text", Name: "a"}, "label"},
		{"no options", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{" "}}, "options"},
		{"options twice", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{"x", "x"}}, "options"},
		{"default not an option", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{"x"}, Default: "y"}, "default"},
		{"fraction for a whole number", formbuilder.Props{Kind: "integer", Name: "a", Label: "A", Minimum: "1.5"}, "minimum"},
		{"min above max", formbuilder.Props{Kind: "number", Name: "a", Label: "A", Minimum: "3", Maximum: "2"}, "maximum"},
		{"text as a number", formbuilder.Props{Kind: "number", Name: "a", Label: "A", Default: "x"}, "default"},
		{"English choices alike a German one", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{"vegan", "vegetarisch"}, OptionsEN: []string{"", "vegan"}}, "options_en"},
		{"more English choices", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{"x"}, OptionsEN: []string{"X", "Y"}}, "options_en"},
		{"English choices twice", formbuilder.Props{Kind: "choice", Name: "a", Label: "A", Options: []string{"x", "y"}, OptionsEN: []string{"X", " X"}}, "options_en"},
		{"English help without an English label", formbuilder.Props{Kind: "text", Name: "a", Label: "A", HelpEN: "help"}, "label_en"},
		{"default above the range", formbuilder.Props{Kind: "integer", Name: "a", Label: "A", Minimum: "0", Maximum: "3", Default: "5"}, "default"},
		{"default below the minimum", formbuilder.Props{Kind: "number", Name: "a", Label: "A", Minimum: "1,5", Default: "1"}, "default"},
		{"unknown kind", formbuilder.Props{Kind: "file", Name: "a", Label: "A"}, "kind"},
		{"a field made a group", formbuilder.Props{Kind: "group", Name: "a", Label: "A"}, "kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm, err := formbuilder.Load([]byte(`{"type":"object","properties":{"a":{"type":"string","label":"A"},"other":{"type":"string"}}}`))
			if err != nil {
				t.Fatal(err)
			}
			before := string(fm.JSON())
			if _, probs := fm.Apply("a", tc.props); probs[tc.want] == "" {
				t.Errorf("problems %v, want one for %s", probs, tc.want)
			}
			if after := string(fm.JSON()); after != before {
				t.Errorf("a refused change changed the form:\n%s", after)
			}
		})
	}
}

// Fields the builder cannot show, and keys it has no control for, are
// kept as written when other fields change.
func TestKeepsWhatTheBuilderCannotShow(t *testing.T) {
	raw := `{"type":"object","$comment":"x","properties":{` +
		`"code":{"type":"string","label":"Code","pattern":"^[A-Z]+$","maxLength":5},` +
		`"deep":{"type":"object","properties":{"inner":{"type":"object","properties":{}}}}}}`
	fm, err := formbuilder.Load([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if k := fm.Find("deep").Kind; k != formbuilder.KindOther {
		t.Errorf("a group in a group is %s, want unsupported", k)
	}
	p := fm.Find("code").Props()
	p.Label = "Kürzel"
	if _, probs := fm.Apply("code", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, err := fm.Duplicate("deep"); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","$comment":"x","properties":{` +
		`"code":{"type":"string","label":"Kürzel","pattern":"^[A-Z]+$","maxLength":5},` +
		`"deep":{"type":"object","properties":{"inner":{"type":"object","properties":{}}}},` +
		`"deep_2":{"type":"object","properties":{"inner":{"type":"object","properties":{}}}}}}`
	if got := compactJSON(t, fm.JSON()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A date field is a string of format date; a duplicate gets a free name
// and a group its own fields.
func TestDateDuplicateAndGroup(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindDate, "", formbuilder.Props{Name: "born", Label: "Geburtstag"})
	if _, err := fm.Duplicate("born"); err != nil {
		t.Fatal(err)
	}
	group := add(t, fm, formbuilder.KindGroup, "", formbuilder.Props{Name: "languages", Label: "Programmiersprachen"})
	child, err := fm.Add(formbuilder.KindCheckbox, group, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, probs := fm.Apply(child, formbuilder.Props{Kind: formbuilder.KindCheckbox, Label: "C++", Name: "cpp"}); len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, err := fm.Add(formbuilder.KindGroup, group, true); err == nil {
		t.Error("a group was added inside a group")
	}
	want := `{"type":"object","properties":{"born":{"type":"string","label":"Geburtstag","format":"date"},` +
		`"born_2":{"type":"string","label":"Geburtstag","format":"date"},` +
		`"languages":{"type":"object","label":"Programmiersprachen","properties":{"cpp":{"type":"boolean","label":"C++"}}}}}`
	if got := compactJSON(t, fm.JSON()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := schema.Parse(fm.JSON()); err != nil {
		t.Error(err)
	}
}

// Hidden is written as hidden: true and read back.
func TestHiddenField(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindText, "", formbuilder.Props{Name: "batch", Label: "Jahrgang", Default: "2026", Hidden: true})
	want := `{"type":"object","properties":{"batch":{"type":"string","label":"Jahrgang","default":"2026","hidden":true}}}`
	if got := compactJSON(t, fm.JSON()); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	again, err := formbuilder.Load(fm.JSON())
	if err != nil || !again.Find("batch").Hidden {
		t.Errorf("hidden not read back (%v)", err)
	}
}

func TestNameForLeavesFormulasOut(t *testing.T) {
	for label, want := range map[string]string{
		"Wie viele Würstchen $n \\in \\mathbb N$?":            "wie_viele_wuerstchen",
		"Anzahl der Gäste ($0 \\le g \\le 5$, inklusive dir)": "anzahl_der_gaeste_inklusive_dir",
		"$E = mc^2$":           "field",
		"Preis in <b>Euro</b>": "preis_in_euro",
	} {
		if got := formbuilder.NameFor(label); got != want {
			t.Errorf("NameFor(%q) = %q, want %q", label, got, want)
		}
	}
}

// English labels, help and hints are written as label_en and
// error_hint_en, read back, and left out when empty.
func TestEnglishTexts(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindInteger, "", formbuilder.Props{Name: "guests", Label: "Gäste", Help: "ohne dich", ErrorHint: "Höchstens 3.",
		LabelEN: "Guests", HelpEN: "besides you", ErrorHintEN: "At most 3.", Maximum: "3"})
	add(t, fm, formbuilder.KindText, "", formbuilder.Props{Name: "diet", Label: "Essen"})
	want := `{"type":"object","properties":{"guests":{"type":"integer","label":"Gäste<br><small>ohne dich</small>",` +
		`"label_en":"Guests<br><small>besides you</small>","maximum":3,"error_hint":"Höchstens 3.","error_hint_en":"At most 3."},` +
		`"diet":{"type":"string","label":"Essen"}}}`
	if got := compactJSON(t, fm.JSON()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := formbuilder.Load(fm.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if p := again.Find("guests").Props(); p.LabelEN != "Guests" || p.HelpEN != "besides you" || p.ErrorHintEN != "At most 3." {
		t.Errorf("read back %+v", p)
	}
	if _, err := schema.Parse(fm.JSON()); err != nil {
		t.Error(err)
	}
}

// English choices are written as enum_en beside enum, a blank line as an
// empty text (that choice stays German), blank lines at the end left out;
// none written when no line has text.
func TestEnglishChoices(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindChoice, "", formbuilder.Props{Name: "diet", Label: "Essen", Options: []string{"vegan", "mit Fleisch", "Sonstiges"},
		OptionsEN: []string{"", " with meat", "Other", "", " "}})
	add(t, fm, formbuilder.KindChoice, "", formbuilder.Props{Name: "size", Label: "Größe", Options: []string{"S", "M"}, OptionsEN: []string{"", ""}})
	// Lines left out at the end keep their choices German.
	add(t, fm, formbuilder.KindChoice, "", formbuilder.Props{Name: "when", Label: "Wann", Options: []string{"früh", "spät"}, OptionsEN: []string{"early"}})
	want := `{"type":"object","properties":{"diet":{"type":"string","label":"Essen","enum":["vegan","mit Fleisch","Sonstiges"],` +
		`"enum_en":["","with meat","Other"]},"size":{"type":"string","label":"Größe","enum":["S","M"]},` +
		`"when":{"type":"string","label":"Wann","enum":["früh","spät"],"enum_en":["early",""]}}}`
	if got := compactJSON(t, fm.JSON()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := formbuilder.Load(fm.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if p := again.Find("diet").Props(); !slices.Equal(p.OptionsEN, []string{"", "with meat", "Other"}) {
		t.Errorf("read back %q", p.OptionsEN)
	}
	// What it wrote, the builder takes again unchanged.
	for _, name := range []string{"diet", "when"} {
		if _, probs := again.Apply(name, again.Find(name).Props()); len(probs) > 0 {
			t.Errorf("%s applied as read: %v", name, probs)
		}
	}
	// Made a text, the field keeps no English choices.
	p := again.Find("diet").Props()
	p.Kind = formbuilder.KindText
	if _, probs := again.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if strings.Contains(string(again.JSON()), "with meat") {
		t.Errorf("a text keeps English choices:\n%s", again.JSON())
	}
	if _, err := schema.Parse(fm.JSON()); err != nil {
		t.Error(err)
	}
}

// While its editor stays open, a field not yet labelled takes a change of
// type without a label (organisers choose the type first); closing it
// asks for one, and a label once given cannot be taken away.
func TestDraftWithoutLabel(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	path, err := fm.Add(formbuilder.KindText, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, probs := fm.Apply(path, formbuilder.Props{Kind: formbuilder.KindInteger, Name: path}); probs["label"] == "" {
		t.Errorf("closed without a label: %v", probs)
	}
	if _, probs := fm.Apply(path, formbuilder.Props{Kind: formbuilder.KindInteger, Name: path, Draft: true}); len(probs) > 0 {
		t.Fatalf("the type of an unlabelled field: %v", probs)
	}
	if k := fm.Find(path).Kind; k != formbuilder.KindInteger {
		t.Errorf("kind %s after the change", k)
	}
	named, probs := fm.Apply(path, formbuilder.Props{Kind: formbuilder.KindInteger, Name: path, Label: "Gäste", Draft: true})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, probs := fm.Apply(named, formbuilder.Props{Kind: formbuilder.KindInteger, Name: named, Draft: true}); probs["label"] == "" {
		t.Errorf("a label was taken away: %v", probs)
	}
}

// Reordering or removing German choices takes their English along; a
// new German choice has none until it is typed.
func TestEnglishChoicesFollowTheirGerman(t *testing.T) {
	fm, err := formbuilder.Load([]byte(empty))
	if err != nil {
		t.Fatal(err)
	}
	add(t, fm, formbuilder.KindChoice, "", formbuilder.Props{Name: "diet", Label: "Essen", Options: []string{"Fleisch ok", "Vegetarisch", "Vegan"},
		OptionsEN: []string{"Meat is fine", "Vegetarian", "Vegan"}})
	p := fm.Find("diet").Props()
	p.Options = []string{"Vegan", "Vegetarisch", "Halal", ""}
	p.OptionsEN = append(p.OptionsEN, "") // the text area as shown, with a blank last line
	if _, probs := fm.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if got := fm.Find("diet").Props().OptionsEN; !slices.Equal(got, []string{"Vegan", "Vegetarian", ""}) {
		t.Errorf("English after reordering %q", got)
	}
	// A typo mended keeps its English.
	p = fm.Find("diet").Props()
	p.Options = []string{"Vegane", "Vegetarisch", "Halal"}
	if _, probs := fm.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if got := fm.Find("diet").Props().OptionsEN; !slices.Equal(got, []string{"Vegan", "Vegetarian", ""}) {
		t.Errorf("English after mending a typo %q", got)
	}
	// Another choice in its place is no typo: its English is not kept.
	p = fm.Find("diet").Props()
	p.OptionsEN = []string{"Vegan", "Vegetarian", "Halal food"}
	if _, probs := fm.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	p = fm.Find("diet").Props()
	p.Options = []string{"Vegane", "Vegetarisch", "Koscher"}
	if _, probs := fm.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if got := fm.Find("diet").Props().OptionsEN; !slices.Equal(got, []string{"Vegan", "Vegetarian", ""}) {
		t.Errorf("English after replacing a choice %q", got)
	}
	// Typed anew in the same change, the English are taken as typed.
	p = fm.Find("diet").Props()
	p.Options, p.OptionsEN = []string{"Halal", "Vegan"}, []string{"Halal food", "Vegan"}
	if _, probs := fm.Apply("diet", p); len(probs) > 0 {
		t.Fatal(probs)
	}
	if got := fm.Find("diet").Props().OptionsEN; !slices.Equal(got, []string{"Halal food", "Vegan"}) {
		t.Errorf("English typed anew %q", got)
	}
}
