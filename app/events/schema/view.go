package schema

import (
	"net/url"
	"strings"

	"github.com/pepalumni/memberdb/components/events"
)

// View shapes fm's fields for events.RegistrationFields: values are what
// the form shows (submitted values on a 422, Values of stored answers, or
// Defaults), errs the messages from Validate. disabled renders the fields
// read-only.
func View(fm *Form, values url.Values, errs Errors, disabled bool) []events.Field {
	return viewFields(fm.Fields, values, errs, disabled)
}

func viewFields(fields []*Field, values url.Values, errs Errors, disabled bool) []events.Field {
	out := make([]events.Field, 0, len(fields))
	for _, f := range fields {
		v := events.Field{
			Path:     f.Path,
			ID:       FieldID(f.Path),
			Label:    f.Label,
			Widget:   f.Widget(),
			Options:  f.Enum,
			Required: f.Required && f.Type != "boolean",
			MustTick: f.MustTick(),
			Error:    errs[f.Path],
			Disabled: disabled,
		}
		switch f.Type {
		case "object":
			v.Children = viewFields(f.Children, values, errs, disabled)
		case "boolean":
			raw := values.Get(f.Path)
			v.Checked = raw != "" && raw != "false" && raw != "0" && raw != "off"
		case "integer", "number":
			v.Value = values.Get(f.Path)
			if f.Minimum != nil {
				v.Min = FormatAnswer(*f.Minimum)
			}
			if f.Maximum != nil {
				v.Max = FormatAnswer(*f.Maximum)
			}
			v.Step = "1"
			if f.Type == "number" {
				v.Step = "any"
			}
		default:
			v.Value = values.Get(f.Path)
			if f.MinLength != nil {
				v.MinLength = FormatAnswer(*f.MinLength)
			}
			if f.MaxLength != nil {
				v.MaxLength = FormatAnswer(*f.MaxLength)
			}
		}
		out = append(out, v)
	}
	return out
}

// FieldID is the element id of the field at path: dots would need
// escaping in CSS selectors.
func FieldID(path string) string {
	return "f-" + strings.ReplaceAll(path, ".", "--")
}
