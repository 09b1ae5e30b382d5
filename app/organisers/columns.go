package organisers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/components/i18n"
)

// column is one answer of the registration form: a leaf of the schema,
// nested objects flattened into their fields.
type column struct {
	// Path leads from the answers' root to the value ("languages", "python").
	Path []string
	// Label is plain text: the schema's HTML label up to its first line
	// break, tags removed. Detail is the whole label as plain text.
	Label  string
	Detail string
	// Type is the JSON Schema type of the field (string, integer, …).
	Type string
	// Latex answers may hold $…$ math, which the page typesets; in every
	// other answer a $ is just a dollar.
	Latex bool
	// Date answers are days, kept as 2026-12-07 and shown as the reader
	// writes a day.
	Date bool
}

// text is answer a of the column as lang's readers write it: numbers with
// their decimal comma, days as days.
func (c column) text(lang i18n.Lang, a answer) string {
	switch {
	case a.Kind == answerNumber:
		return i18n.Decimal(lang, a.Text)
	case c.Date:
		return i18n.Day(lang, a.Text)
	}
	return a.Text
}

// Key is the dotted name the registration form uses for the field.
func (c column) Key() string { return strings.Join(c.Path, ".") }

// summable reports whether the footer adds the column's values up.
func (c column) summable() bool { return c.Type == "integer" || c.Type == "number" }

// schemaField is the part of a schema node the participants list needs.
type schemaField struct {
	Type       string          `json:"type"`
	Format     string          `json:"format"`
	Label      string          `json:"label"`
	Properties json.RawMessage `json:"properties"`
}

// columnsOf flattens an event's registration schema into its answer
// columns, in schema order, through the registration form's own parser.
// A stored schema that parser refuses (one imported from the old system)
// is read loosely instead, so the list of who registered always shows.
func columnsOf(raw []byte) ([]column, error) {
	form, err := schema.ParseCached(raw)
	if err != nil {
		return looseColumns(raw)
	}
	var cols []column
	var walk func(fields []*schema.Field, path []string, parent string)
	walk = func(fields []*schema.Field, path []string, parent string) {
		for _, f := range fields {
			p := append(append([]string(nil), path...), f.Name)
			label, detail := labelText(f.Label, f.Name)
			if parent != "" {
				label, detail = parent+": "+label, parent+": "+detail
			}
			if f.Type == "object" {
				walk(f.Children, p, label)
				continue
			}
			cols = append(cols, column{Path: p, Label: label, Detail: detail, Type: f.Type, Latex: f.Format == "latex", Date: f.Format == "date"})
		}
	}
	walk(form.Fields, nil, "")
	return cols, nil
}

// looseColumns reads the properties of a schema without checking it.
func looseColumns(raw []byte) ([]column, error) {
	var cols []column
	if err := appendColumns(&cols, raw, nil, ""); err != nil {
		return nil, fmt.Errorf("organisers: registration schema: %w", err)
	}
	return cols, nil
}

func appendColumns(cols *[]column, node []byte, path []string, parentLabel string) error {
	var f schemaField
	if err := json.Unmarshal(node, &f); err != nil {
		return err
	}
	if len(f.Properties) == 0 || string(f.Properties) == "null" {
		return nil
	}
	return eachProperty(f.Properties, func(name string, raw json.RawMessage) error {
		var child schemaField
		if err := json.Unmarshal(raw, &child); err != nil {
			return err
		}
		p := append(append([]string(nil), path...), name)
		label, detail := labelText(child.Label, name)
		if parentLabel != "" {
			label = parentLabel + ": " + label
			detail = parentLabel + ": " + detail
		}
		if child.Type == "object" {
			return appendColumns(cols, raw, p, label)
		}
		*cols = append(*cols, column{Path: p, Label: label, Detail: detail, Type: child.Type, Latex: child.Format == "latex", Date: child.Format == "date"})
		return nil
	})
}

// eachProperty walks a JSON object's members in document order, which a
// Go map would lose.
func eachProperty(obj json.RawMessage, fn func(name string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("properties is not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := fn(name, raw); err != nil {
			return err
		}
	}
	return nil
}

// labelText turns a schema label (admin-written HTML) into plain text: the
// short label for headers and the whole label. Without a label the
// field's name serves.
func labelText(label, name string) (short, full string) {
	full = schema.PlainText(label)
	if full == "" {
		return name, name
	}
	return schema.ShortText(label), full
}
