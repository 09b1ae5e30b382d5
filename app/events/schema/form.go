// Package schema turns an event's registration schema (JSON Schema draft 7
// with the extra keys label, error_hint and the formats radio, multiline
// and latex) into a form: it checks a schema before it is saved (Parse),
// builds the ordered field tree the renderer and the organisers' tables use
// (Form, Field, Flatten), reads and checks submitted answers (Validate,
// CheckAnswers) and shapes the fields for the templ renderer (View).
//
// The same code serves the public registration page, the participant's
// personal page, the organisers' tables and the admin console's schema
// editor and preview, so a schema that Parse accepts renders and validates
// the same everywhere.
package schema

import (
	"regexp"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Widgets: how a field is rendered. Each schema construct maps to one.
const (
	WidgetText     = "text"     // string
	WidgetSelect   = "select"   // string + enum
	WidgetRadio    = "radio"    // string + enum + format radio
	WidgetTextarea = "textarea" // string + format multiline
	WidgetEmail    = "email"    // string + format email
	WidgetLatex    = "latex"    // string + format latex: live KaTeX preview
	WidgetDate     = "date"     // string + format date (YYYY-MM-DD)
	WidgetInteger  = "integer"  // integer
	WidgetNumber   = "number"   // number
	WidgetCheckbox = "checkbox" // boolean
	WidgetFieldset = "fieldset" // object with properties
)

// Limits of string answers whose schema sets no maxLength, in characters:
// a long text (format multiline) may be a letter, any other answer a line
// or a paragraph; an address is as long as SMTP allows. Without them one
// registration could store, and mail to any address typed in, a megabyte.
const (
	DefaultMaxLength  = 5000
	LongTextMaxLength = 20000
)

// Form is a parsed registration schema: its fields in schema order and the
// compiled schema the answers are checked against.
type Form struct {
	Fields []*Field
	// Raw is the schema as given to Parse.
	Raw      []byte
	compiled *jsonschema.Schema
	// en is the form as English readers see it, where the schema gives
	// English labels, hints or choices (label_en, error_hint_en, enum_en);
	// nil otherwise.
	en *Form
}

// Field is one property of the schema. Objects have Children; all other
// fields are leaves and carry one answer.
type Field struct {
	// Path is the field's name in the form and its key in the answers,
	// nested names joined with "." (languages.python).
	Path string
	// Name is the property's own name (python).
	Name string
	// Label is sanitised HTML; the name when the schema gives no label.
	Label string
	// Type is the JSON type: string, integer, number, boolean or object.
	Type string
	// Format is the schema's format: "", date, email, latex, multiline or
	// radio.
	Format string
	// Enum lists the choices of a select or radio field.
	Enum []string
	// Required: the field is in its object's required list. For a boolean
	// this is always met (false is an answer); Const true means "must tick".
	Required bool
	// Minimum and Maximum bound numbers; MinLength and MaxLength strings.
	// MaxLength is set for every free-text string: the schema's maxLength
	// or the default limit (DefaultMaxLength, LongTextMaxLength).
	Minimum, Maximum     *float64
	MinLength, MaxLength *int
	// Pattern is a regular expression a non-empty string must match.
	Pattern string
	// ErrorHint, when set, is the message shown whenever the field is invalid.
	ErrorHint string
	// Default is the schema's default, typed as the field (string, int64,
	// float64 or bool); nil when none is given.
	Default any
	// Const is the only allowed value (supported for booleans: true means
	// the box must be ticked); nil when none is given.
	Const any
	// Hidden fields (hidden: true) stay in the schema but are not shown;
	// their answer is their default.
	Hidden bool
	// Children are the fields of an object, in schema order.
	Children []*Field

	pattern *regexp.Regexp
	// shortLabel is ShortLabel, worked out once by Parse: every
	// confirmation mail lists the answers under it.
	shortLabel string
	// labelName and labelHelp are SplitLabel's answer, worked out once by
	// Parse: every rendering of the form shows the label's parts.
	labelName, labelHelp string
	// labelEN and errorHintEN are the schema's label_en (sanitised) and
	// error_hint_en: what English readers see (Form.In).
	labelEN, errorHintEN string
	// enumEN is the schema's enum_en: the choices as English readers
	// read them, in Enum's order, "" where one has no English.
	enumEN []string
	// choiceLabels are the choices as this form's readers read them; nil
	// when they read Enum.
	choiceLabels []string
}

// ChoiceLabels are the choices as the form's readers read them, in
// Enum's order: the answers stay Enum's.
func (f *Field) ChoiceLabels() []string {
	if f.choiceLabels != nil {
		return f.choiceLabels
	}
	return f.Enum
}

// ChoiceLabel is the answer v as the form's readers read it: the
// English of a choice for English readers, v itself otherwise.
func (f *Field) ChoiceLabel(v string) string {
	if i := slices.Index(f.Enum, v); i >= 0 && f.choiceLabels != nil {
		return f.choiceLabels[i]
	}
	return v
}

// Widget says how the field is rendered.
func (f *Field) Widget() string {
	switch f.Type {
	case "object":
		return WidgetFieldset
	case "boolean":
		return WidgetCheckbox
	case "integer":
		return WidgetInteger
	case "number":
		return WidgetNumber
	}
	switch {
	case len(f.Enum) > 0 && f.Format == "radio":
		return WidgetRadio
	case len(f.Enum) > 0:
		return WidgetSelect
	case f.Format == "multiline":
		return WidgetTextarea
	case f.Format == "email":
		return WidgetEmail
	case f.Format == "latex":
		return WidgetLatex
	case f.Format == "date":
		return WidgetDate
	}
	return WidgetText
}

// MustTick reports whether a checkbox must be ticked (const: true).
func (f *Field) MustTick() bool { return f.Type == "boolean" && f.Const == true }

// Flatten returns the leaf fields (every field but objects) in form order,
// e.g. for the columns of the participants table.
func (fm *Form) Flatten() []*Field {
	var out []*Field
	var walk func(fs []*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			if f.Type == "object" {
				walk(f.Children)
				continue
			}
			out = append(out, f)
		}
	}
	walk(fm.Fields)
	return out
}

// Field returns the field at path (leaf or object), nil when there is none.
func (fm *Form) Field(path string) *Field {
	var find func(fs []*Field) *Field
	find = func(fs []*Field) *Field {
		for _, f := range fs {
			if f.Path == path {
				return f
			}
			if found := find(f.Children); found != nil {
				return found
			}
		}
		return nil
	}
	return find(fm.Fields)
}
