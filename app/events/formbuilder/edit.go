package formbuilder

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/events/schema"
)

// Props are a field's properties as the builder's editor sends them.
type Props struct {
	Kind, Name, Label, Help string
	Required, Radio, Hidden bool
	Default                 string
	Minimum, Maximum        string
	Options                 []string
	// OptionsEN are the English choices, one per choice in its order; a
	// blank one stays German.
	OptionsEN []string
	ErrorHint string
	// LabelEN, HelpEN and ErrorHintEN are what English readers see
	// instead; empty, they read the German.
	LabelEN, HelpEN, ErrorHintEN string
	// Draft is a change while the editor stays open: a field not yet
	// labelled may stay so until it is closed (its type chosen first).
	Draft bool
}

// Props returns the field's properties for its editor.
func (f *Field) Props() Props {
	return Props{Kind: f.Kind, Name: f.Name, Label: f.Label, Help: f.Help, Required: f.Required, Radio: f.Radio, Hidden: f.Hidden,
		Default: f.Default, Minimum: f.Minimum, Maximum: f.Maximum, Options: slices.Clone(f.Options), OptionsEN: slices.Clone(f.OptionsEN), ErrorHint: f.ErrorHint,
		LabelEN: f.LabelEN, HelpEN: f.HelpEN, ErrorHintEN: f.ErrorHintEN}
}

// Problems maps a property (kind, name, label, label_en, options,
// options_en, minimum, maximum, default) to the catalog key of what is
// wrong with it.
type Problems map[string]string

// validName is a name the builder accepts when one is typed: it becomes a
// form field's name and a key of the stored answers.
var validName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// reserved are the names of the fields every registration form has.
var reserved = []string{"name", "email"}

// Apply sets the properties of the field at path and returns its path,
// which changes with its name. A field still named as it was added is
// named after its label unless another name was typed. Nothing changes
// when there are problems.
func (fm *Form) Apply(path string, p Props) (string, Problems) {
	f := fm.Find(path)
	if f == nil {
		return path, Problems{"name": "admin.builder.error.gone"}
	}
	probs := Problems{}
	inGroup := strings.Contains(path, ".")
	switch {
	case f.Kind == KindOther:
		return path, Problems{"kind": "admin.builder.error.unsupported"}
	case !slices.Contains(Kinds, p.Kind) || p.Kind == KindGroup && (inGroup || f.Kind != KindGroup) ||
		f.Kind == KindGroup && p.Kind != KindGroup:
		probs["kind"] = "admin.builder.error.kind"
	}
	p.Label = strings.TrimSpace(p.Label)
	p.Help = strings.TrimSpace(p.Help)
	if p.Label == "" && !(p.Draft && f.Label == "") {
		probs["label"] = "admin.builder.error.label"
	}
	p.Name = strings.TrimSpace(p.Name)
	if f.IsNew() && (p.Name == "" || p.Name == f.Name) && p.Label != "" {
		p.Name = NameFor(p.Label)
		list, _, _ := fm.siblings(path)
		others := slices.DeleteFunc(slices.Clone(*list), func(o *Field) bool { return o == f })
		if !inGroup && slices.Contains(reserved, p.Name) {
			p.Name += "_2"
		}
		p.Name = freeName(others, p.Name)
	}
	switch {
	case p.Name == f.Name:
	case !validName.MatchString(p.Name):
		probs["name"] = "admin.builder.error.name"
	case !inGroup && slices.Contains(reserved, p.Name):
		probs["name"] = "admin.builder.error.reserved"
	default:
		list, _, _ := fm.siblings(path)
		if slices.ContainsFunc(*list, func(o *Field) bool { return o.Name == p.Name }) {
			probs["name"] = "admin.builder.error.taken"
		}
	}
	var options []string
	for _, o := range p.Options {
		if o = strings.TrimSpace(o); o != "" {
			options = append(options, o)
		}
	}
	// The English go with their German choice: reordered, added or
	// removed, the German take their English along, unless the English
	// were typed anew too. A typo mended in place keeps its English.
	if f.Kind == KindChoice && !mended(f.Options, options) && slices.Equal(trimmed(p.OptionsEN), trimmed(f.OptionsEN)) {
		byGerman := map[string]string{}
		for i, o := range f.Options {
			if i < len(f.OptionsEN) {
				byGerman[o] = f.OptionsEN[i]
			}
		}
		p.OptionsEN = make([]string, len(options))
		for i, o := range options {
			p.OptionsEN[i] = byGerman[o]
		}
	}
	optionsEN, extra := englishOptions(p.OptionsEN, len(options))
	if p.Kind == KindChoice {
		switch {
		case len(options) == 0:
			probs["options"] = "admin.builder.error.options"
		case len(slices.Compact(slices.Sorted(slices.Values(options)))) != len(options):
			probs["options"] = "admin.builder.error.options_twice"
		}
		if _, ok := schema.EnglishChoices(options, optionsEN); extra {
			probs["options_en"] = "admin.builder.error.options_en"
		} else if !ok && probs["options"] == "" {
			probs["options_en"] = "admin.builder.error.options_en_twice"
		}
	}
	numeric := p.Kind == KindNumber || p.Kind == KindInteger
	bounds := map[string]*string{"minimum": &p.Minimum, "maximum": &p.Maximum}
	if numeric {
		bounds["default"] = &p.Default
	}
	for key, v := range bounds {
		*v = strings.TrimSpace(strings.Replace(*v, ",", ".", 1))
		if *v == "" || !numeric {
			*v = ""
			continue
		}
		x, err := strconv.ParseFloat(*v, 64)
		if err != nil || p.Kind == KindInteger && x != float64(int64(x)) {
			probs[key] = "admin.builder.error.number"
		}
	}
	if numeric && probs["minimum"] == "" && probs["maximum"] == "" && p.Minimum != "" && p.Maximum != "" {
		lo, _ := strconv.ParseFloat(p.Minimum, 64)
		hi, _ := strconv.ParseFloat(p.Maximum, 64)
		if lo > hi {
			probs["maximum"] = "admin.builder.error.range"
		}
	}
	// A default outside the range is said at the field, as for a choice;
	// the schema's check named only its JSON path.
	if numeric && p.Default != "" && len(probs) == 0 {
		x, _ := strconv.ParseFloat(p.Default, 64)
		lo, errLo := strconv.ParseFloat(p.Minimum, 64)
		hi, errHi := strconv.ParseFloat(p.Maximum, 64)
		if errLo == nil && x < lo || errHi == nil && x > hi {
			probs["default"] = "admin.builder.error.default_range"
		}
	}
	switch {
	case p.Kind == KindChoice && p.Default != "" && !slices.Contains(options, p.Default):
		probs["default"] = "admin.builder.error.default_choice"
	case p.Kind == KindCheckbox && p.Default != "" && p.Default != "true" && p.Default != "false":
		probs["default"] = "admin.builder.error.default"
	case p.Kind == KindConsent || p.Kind == KindGroup:
		p.Default = ""
	}
	// English help shows under an English label; alone it would be lost.
	if strings.TrimSpace(p.HelpEN) != "" && strings.TrimSpace(p.LabelEN) == "" {
		probs["label_en"] = "admin.builder.error.label_en"
	}
	if len(probs) > 0 {
		return path, probs
	}
	newPath, err := fm.Rename(path, p.Name)
	if err != nil {
		return path, Problems{"name": "admin.builder.error.taken"}
	}
	f.Kind, f.Label, f.Help = p.Kind, p.Label, p.Help
	f.Required = p.Required && p.Kind != KindCheckbox && p.Kind != KindConsent && p.Kind != KindGroup
	f.Default, f.Minimum, f.Maximum, f.ErrorHint = p.Default, p.Minimum, p.Maximum, strings.TrimSpace(p.ErrorHint)
	f.LabelEN, f.HelpEN, f.ErrorHintEN = strings.TrimSpace(p.LabelEN), strings.TrimSpace(p.HelpEN), strings.TrimSpace(p.ErrorHintEN)
	f.Radio = p.Radio && p.Kind == KindChoice
	f.Hidden = p.Hidden && p.Kind != KindGroup
	f.Options, f.OptionsEN = nil, nil
	if p.Kind == KindChoice {
		f.Options, f.OptionsEN = options, optionsEN
	}
	return newPath, nil
}

// mended reports whether new is old with typos mended in place: every
// choice that differs is a text old did not have, close to the one it
// replaced, which is gone (not a choice moved, nor another put in its
// place). Equal lists are mended too.
func mended(old, new []string) bool {
	if len(old) != len(new) {
		return false
	}
	for i := range new {
		if new[i] == old[i] {
			continue
		}
		if slices.Contains(old, new[i]) || slices.Contains(new, old[i]) ||
			distance(old[i], new[i]) > max(2, utf8.RuneCountInString(old[i])/3) {
			return false
		}
	}
	return true
}

// distance is the number of letters to insert, delete or replace to
// turn a into b (Levenshtein's).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(rb)]
}

// trimmed are lines trimmed, without blank ones at the end.
func trimmed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// englishOptions are the English lines as typed for n choices, each
// trimmed, one per choice: a blank or missing line keeps its choice
// German. nil when no line has text; extra when text is typed past the
// n-th line, which no choice would show.
func englishOptions(lines []string, n int) (en []string, extra bool) {
	en = make([]string, n)
	any := false
	for i, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case i >= n:
			extra = true
		default:
			en[i], any = l, true
		}
	}
	if !any {
		return nil, extra
	}
	return en, extra
}
