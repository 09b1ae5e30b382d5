// Package events renders the events pages: the list, the registration form
// built from an event's schema, the participant's personal page.
package events

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Field is one form field ready to render. Handlers (and the admin preview)
// build it with app/events/schema.View; the components only display it.
type Field struct {
	// Path is the input's name, nested names joined with ".".
	Path string
	// ID is the element id, unique on the page.
	ID string
	// Label is sanitised HTML: the field's name, the first line of the
	// schema's label.
	Label string
	// Help is sanitised HTML shown under the label: the label's further
	// lines (after its first <br>), often a hint in <small>. Empty when
	// the label has one line.
	Help string
	// Widget: text, select, radio, textarea, email, latex, date,
	// integer, number, checkbox or fieldset.
	Widget string
	// Options of a select or radio field: the values sent. OptionLabels
	// are what the reader sees for each, in the same order; nil shows the
	// values.
	Options      []string
	OptionLabels []string
	Required     bool
	// MustTick marks a checkbox that has to be ticked.
	MustTick bool
	// Attribute values; empty ones are left out.
	MinLength, MaxLength string
	Autocomplete         string
	// Value is what the user typed (or the stored answer, or the default);
	// Checked for checkboxes.
	Value   string
	Checked bool
	// Error is shown next to the field; empty when it is fine.
	Error string
	// Children of a fieldset.
	Children []Field
	// Disabled renders the field read-only (editing closed).
	Disabled bool
	// Signed: a number answer may be below zero. Phones' number keyboards
	// (inputmode) have no minus key, so such a field gets the letters'.
	Signed bool
}

// anyRequired reports whether one of fields, or of their children, must
// be filled in or ticked: only then does a form explain the mark.
func anyRequired(fields []Field) bool {
	for _, f := range fields {
		if f.Required || f.MustTick || anyRequired(f.Children) {
			return true
		}
	}
	return false
}

// Invalid reports whether the field has an error.
func (f Field) Invalid() bool { return f.Error != "" }

func (f Field) errorID() string { return f.ID + "-error" }

func (f Field) previewID() string { return f.ID + "-preview" }

func (f Field) helpID() string { return f.ID + "-help" }

func (f Field) optionID(i int) string { return f.ID + "-" + strconv.Itoa(i) }

// optionLabel is what the reader sees for the i-th option.
func (f Field) optionLabel(i int) string {
	if i < len(f.OptionLabels) {
		return f.OptionLabels[i]
	}
	return f.Options[i]
}

func (f Field) describedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, f.helpID())
	}
	if f.Widget == "latex" {
		ids = append(ids, f.previewID())
	}
	if f.Error != "" {
		ids = append(ids, f.errorID())
	}
	return strings.Join(ids, " ")
}

func inputType(widget string) string {
	switch widget {
	case "email":
		return "email"
	case "date":
		return "date"
	}
	return "text"
}

// inputAttrs are the attributes every input, select and textarea shares;
// optional ones appear only when set. A slice, not templ.Attributes: a
// map would be allocated and its keys sorted for every field of every
// form shown.
func inputAttrs(f Field) templ.OrderedAttributes {
	a := make(templ.OrderedAttributes, 0, 8)
	set := func(k string, v any) {
		if v != "" {
			a = append(a, templ.KeyValue[string, any]{Key: k, Value: v})
		}
	}
	// In the order of their names, as templ writes a map's.
	set("aria-describedby", f.describedBy())
	if f.Error != "" {
		set("aria-invalid", "true")
	}
	set("autocomplete", f.Autocomplete)
	if f.Disabled {
		set("disabled", true)
	}
	a = append(a, templ.KeyValue[string, any]{Key: "id", Value: f.ID})
	// Numbers are text with a number keyboard: an input of type number
	// reads what is typed by the browser's locale, not the page's, and
	// hands the server "15" for a German "1,5" or "1.000" for a German
	// thousand; the server reads them as the form's language writes them.
	switch {
	case f.Signed:
	case f.Widget == "integer":
		set("inputmode", "numeric")
	case f.Widget == "number":
		set("inputmode", "decimal")
	}
	set("maxlength", f.MaxLength)
	set("minlength", f.MinLength)
	a = append(a, templ.KeyValue[string, any]{Key: "name", Value: f.Path})
	return a
}

// describedBy links a fieldset to its error, when it has one.
func describedBy(f Field) templ.Attributes {
	if ids := f.describedBy(); ids != "" {
		return templ.Attributes{"aria-describedby": ids}
	}
	return templ.Attributes{}
}
