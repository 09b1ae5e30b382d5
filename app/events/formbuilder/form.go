// Package formbuilder is the model behind the admin's form builder: it
// turns a registration schema (JSON Schema, see app/events/schema) into an
// ordered list of fields an organiser edits by clicking, and writes the
// list back as a schema. The schema stays the stored format; loading and
// saving it unchanged gives the same schema, and whatever the builder does
// not manage (keys it has no control for, fields it cannot show) is kept
// as written.
package formbuilder

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/pepalumni/memberdb/app/events/schema"
)

// errTooLarge refuses a schema longer or deeper than a form can be.
var errTooLarge = errors.New("formbuilder: schema too long or nested too deeply")

// Kinds of field the builder offers, each mapped to one schema construct.
const (
	KindText      = "text"      // string
	KindMultiline = "multiline" // string, format multiline
	KindLatex     = "latex"     // string, format latex
	KindEmail     = "email"     // string, format email
	KindDate      = "date"      // string, format date
	KindNumber    = "number"    // number
	KindInteger   = "integer"   // integer
	KindCheckbox  = "checkbox"  // boolean
	KindConsent   = "consent"   // boolean, const true
	KindChoice    = "choice"    // string with enum (format radio: radio buttons)
	KindGroup     = "group"     // object with fields of its own
	// KindOther is a field the builder cannot show (a group inside a
	// group, a type or format it has no control for): it is kept as
	// written and edited in the JSON.
	KindOther = "unsupported"
)

// Kinds lists the kinds an organiser can add, in the order offered.
var Kinds = []string{KindText, KindMultiline, KindLatex, KindEmail, KindDate, KindNumber, KindInteger,
	KindCheckbox, KindConsent, KindChoice, KindGroup}

// Form is a registration schema as the builder edits it.
type Form struct {
	Fields []*Field
	// root is the schema's object without its fields; requiredRaw the
	// original required list.
	root []member
}

// Field is one property of the schema.
type Field struct {
	// Name is the property's key: the answer's name in the stored
	// registrations.
	Name string
	Kind string
	// Label is the field's name as the form shows it (HTML); Help the
	// text under it. Both are stored in the schema's label, the help
	// after a <br> in <small> as the form renderer reads it.
	Label, Help string
	Required    bool
	// Default, Minimum and Maximum are as typed in the builder: JSON
	// numbers for numbers, text for texts, "true" for a ticked checkbox.
	Default          string
	Minimum, Maximum string
	// Options of a choice; Radio shows them as radio buttons instead of
	// a dropdown.
	Options []string
	Radio   bool
	// OptionsEN are the choices as English readers read them, in
	// Options' order, "" where one stays German; nil when none has
	// English.
	OptionsEN []string
	// ErrorHint is shown whenever the answer is invalid.
	ErrorHint string
	// LabelEN, HelpEN and ErrorHintEN are what English readers see
	// instead (label_en, error_hint_en); empty, they read the German.
	LabelEN, HelpEN, ErrorHintEN string
	// Hidden keeps the field in the schema without showing it.
	Hidden bool
	// Children are a group's fields.
	Children []*Field

	members []member
	// loadedLabel is the label as read, kept while Label and Help are
	// unchanged so a label the builder would write differently survives.
	loadedLabel, loadedName, loadedHelp string
}

// Load reads a schema. It refuses only what is not a JSON object with
// an object of properties; fields it cannot show become KindOther.
func Load(raw []byte) (*Form, error) {
	// What JSON writes back indented would grow with the square of the
	// nesting: ten thousand levels kept as typed wrote 400 MB.
	if len(raw) > schema.MaxBytes || schema.Nesting(string(raw)) > schema.MaxNesting {
		return nil, errTooLarge
	}
	root, err := members(bytes.TrimSpace(raw))
	if err != nil {
		return nil, err
	}
	fields, err := loadFields(root, 0)
	if err != nil {
		return nil, err
	}
	return &Form{Fields: fields, root: root}, nil
}

func loadFields(obj []member, depth int) ([]*Field, error) {
	var required []string
	if raw, ok := get(obj, "required"); ok {
		_ = json.Unmarshal(raw, &required)
	}
	props, ok := get(obj, "properties")
	if !ok {
		return nil, nil
	}
	ms, err := members(props)
	if err != nil {
		return nil, err
	}
	out := make([]*Field, 0, len(ms))
	for _, m := range ms {
		f, err := loadField(m, depth)
		if err != nil {
			return nil, err
		}
		for _, r := range required {
			f.Required = f.Required || r == m.Key
		}
		out = append(out, f)
	}
	return out, nil
}

func loadField(m member, depth int) (*Field, error) {
	f := &Field{Name: m.Key, Kind: KindOther}
	ms, err := members(m.Val)
	if err != nil {
		// Not an object: the schema check refuses it; shown as other.
		f.members = []member{}
		return f, nil
	}
	f.members = ms
	typ, _ := getString(ms, "type")
	format, hasFormat := getString(ms, "format")
	_, hasEnum := get(ms, "enum")
	switch {
	case typ == "string" && hasEnum && (!hasFormat || format == "radio"):
		f.Kind = KindChoice
		f.Radio = format == "radio"
		raw, _ := get(ms, "enum")
		if json.Unmarshal(raw, &f.Options) != nil {
			f.Kind = KindOther
		}
		if raw, ok := get(ms, "enum_en"); ok && json.Unmarshal(raw, &f.OptionsEN) != nil {
			f.Kind = KindOther
		}
	case typ == "string" && !hasFormat:
		f.Kind = KindText
	case typ == "string" && (format == KindMultiline || format == KindLatex || format == KindEmail || format == KindDate):
		f.Kind = format
	case typ == "integer" || typ == "number":
		f.Kind = typ
		f.Minimum = rawText(ms, "minimum")
		f.Maximum = rawText(ms, "maximum")
	case typ == "boolean":
		f.Kind = KindCheckbox
		if c, ok := get(ms, "const"); ok {
			f.Kind = KindOther
			if sameJSON(c, json.RawMessage("true")) {
				f.Kind = KindConsent
			}
		}
	case typ == "object" && depth == 0:
		f.Kind = KindGroup
		f.Children, err = loadFields(ms, depth+1)
		if err != nil {
			return nil, err
		}
		for _, c := range f.Children {
			if c.Kind == KindOther {
				// A group the builder cannot show in full is left to
				// the JSON as a whole.
				f.Kind, f.Children = KindOther, nil
				break
			}
		}
	}
	if d, ok := get(ms, "default"); ok {
		var s string
		if json.Unmarshal(d, &s) == nil {
			f.Default = s
		} else {
			f.Default = string(compact(d))
		}
	}
	f.ErrorHint, _ = getString(ms, "error_hint")
	f.ErrorHintEN, _ = getString(ms, "error_hint_en")
	if en, ok := getString(ms, "label_en"); ok {
		f.LabelEN, f.HelpEN = splitLabel(en)
	}
	if h, ok := get(ms, "hidden"); ok && f.Kind != KindGroup {
		f.Hidden = sameJSON(h, json.RawMessage("true"))
		if !f.Hidden && !sameJSON(h, json.RawMessage("false")) {
			f.Kind = KindOther
		}
	}
	label, ok := getString(ms, "label")
	if !ok {
		label, _ = getString(ms, "title")
	}
	f.Label, f.Help = splitLabel(label)
	f.loadedLabel, f.loadedName, f.loadedHelp = label, f.Label, f.Help
	return f, nil
}

func rawText(ms []member, key string) string {
	raw, ok := get(ms, key)
	if !ok {
		return ""
	}
	return string(compact(raw))
}

func compact(raw json.RawMessage) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return raw
	}
	return buf.Bytes()
}

// helpOpen and helpClose wrap the help text in a label.
const helpOpen, helpClose = "<br><small>", "</small>"

// splitLabel separates the label's first line from its help text the way
// the builder writes them; any other label is all name.
func splitLabel(label string) (name, help string) {
	i := strings.Index(label, helpOpen)
	if i <= 0 || !strings.HasSuffix(label, helpClose) {
		return label, ""
	}
	return label[:i], label[i+len(helpOpen) : len(label)-len(helpClose)]
}

func (f *Field) label() string {
	if f.Label == f.loadedName && f.Help == f.loadedHelp {
		return f.loadedLabel
	}
	if f.Help == "" {
		return f.Label
	}
	return f.Label + helpOpen + f.Help + helpClose
}
