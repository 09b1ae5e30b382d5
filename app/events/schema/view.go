package schema

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/ui"
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
		if f.Hidden {
			continue
		}
		label, help := f.labelParts()
		v := events.Field{
			Path:         f.Path,
			ID:           FieldID(f.Path),
			Label:        label,
			Help:         help,
			Widget:       f.Widget(),
			Options:      f.Enum,
			OptionLabels: f.choiceLabels,
			Required:     f.Required && f.Type != "boolean",
			MustTick:     f.MustTick(),
			Error:        errs[f.Path],
			Disabled:     disabled,
		}
		switch f.Type {
		case "object":
			v.Children = viewFields(f.Children, values, errs, disabled)
		case "boolean":
			raw := values.Get(f.Path)
			v.Checked = raw != "" && raw != "false" && raw != "0" && raw != "off"
		case "integer", "number":
			// The range is checked when sent and named in the message.
			// No number anyone types is longer than numberShown; a refused
			// megabyte of digits is not sent back whole.
			v.Value = values.Get(f.Path)
			if v.Error != "" {
				v.Value = ui.Kept(v.Value, numberShown)
			}
			v.Signed = f.Minimum == nil || *f.Minimum < 0
		default:
			v.Value = values.Get(f.Path)
			if f.MinLength != nil {
				v.MinLength = FormatAnswer(*f.MinLength)
			}
			if f.MaxLength != nil {
				v.MaxLength = FormatAnswer(*f.MaxLength)
				if v.Error != "" {
					// Only a value refused is cut: a stored answer longer
					// than a limit lowered since stays whole, as cut it
					// would be saved so with the next change of another.
					v.Value = ui.Kept(v.Value, *f.MaxLength)
				}
			}
		}
		out = append(out, v)
	}
	return out
}

// numberShown is as much of a number answer as a form shown again keeps.
const numberShown = 100

// FieldID is the element id of the field at path: dots would need
// escaping in CSS selectors.
func FieldID(path string) string {
	return "f-" + strings.ReplaceAll(path, ".", "--")
}

// voidElements have no end tag.
var voidElements = []string{"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}

// labelParts is SplitLabel of the field's label, as Parse worked it out.
func (f *Field) labelParts() (name, help string) {
	if f.labelName != "" {
		return f.labelName, f.labelHelp
	}
	return SplitLabel(f.Label)
}

// SplitLabel cuts sanitised label HTML at its first line break outside
// any element: the first line names the field, the rest is help text
// ("Handynummer<br><small>Nur für Notfälle</small>"), which the form shows
// under the label, after the required mark. A label without such a break,
// or with nothing before it, is all name.
func SplitLabel(label string) (name, help string) {
	z := html.NewTokenizer(strings.NewReader(label))
	depth, offset := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return label, ""
		}
		raw := len(z.Raw())
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, _ := z.TagName()
			if string(tag) == "br" && depth == 0 {
				name, help = strings.TrimSpace(label[:offset]), strings.TrimSpace(label[offset+raw:])
				if PlainText(name) == "" {
					return label, ""
				}
				return name, help
			}
			if tt == html.StartTagToken && !slices.Contains(voidElements, string(tag)) {
				depth++
			}
		case html.EndTagToken:
			depth = max(depth-1, 0)
		}
		offset += raw
	}
}
