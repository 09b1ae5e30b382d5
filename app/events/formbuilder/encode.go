package formbuilder

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// fieldKeys are the keys of a property the builder writes, in the order a
// new field gets them; every other key is kept as it was.
var fieldKeys = []string{"type", "label", "label_en", "format", "enum", "enum_en", "minimum", "maximum", "default", "const", "error_hint",
	"error_hint_en", "hidden", "properties", "required"}

// JSON writes the form as a schema, indented as the admin's editor shows
// it.
func (fm *Form) JSON() []byte {
	root := encodeFields(fm.root, fm.Fields)
	var buf bytes.Buffer
	if err := json.Indent(&buf, encodeObject(root), "", "    "); err != nil {
		return encodeObject(root)
	}
	return buf.Bytes()
}

// encodeFields sets the properties and required list of an object.
func encodeFields(obj []member, fields []*Field) []member {
	props := make([]member, len(fields))
	var required []string
	for i, f := range fields {
		props[i] = member{Key: f.Name, Val: encodeObject(f.encode())}
		if f.Required {
			required = append(required, f.Name)
		}
	}
	want := map[string]json.RawMessage{"properties": encodeObject(props), "required": nil}
	if len(required) > 0 {
		want["required"] = mustJSON(required)
	}
	var old []string
	if raw, ok := get(obj, "required"); ok && json.Unmarshal(raw, &old) == nil && sameSet(old, required) {
		// The same names in another order (fields moved): the form's order
		// is the properties', so the list is left as written.
		want["required"] = raw
	}
	return merge(obj, want, []string{"properties", "required"})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

func (f *Field) encode() []member {
	if f.Kind == KindOther {
		return f.members
	}
	want := map[string]json.RawMessage{}
	str := func(key, s string) {
		if s != "" {
			want[key] = mustJSON(s)
		}
	}
	switch f.Kind {
	case KindText, KindMultiline, KindLatex, KindEmail, KindDate, KindChoice:
		want["type"] = mustJSON("string")
		str("default", f.Default)
	case KindNumber, KindInteger:
		want["type"] = mustJSON(f.Kind)
		want["minimum"] = number(f.Minimum)
		want["maximum"] = number(f.Maximum)
		want["default"] = number(f.Default)
	case KindCheckbox:
		want["type"] = mustJSON("boolean")
		if f.Default == "true" || f.Default == "false" {
			want["default"] = json.RawMessage(f.Default)
		}
	case KindConsent:
		want["type"] = mustJSON("boolean")
		want["const"] = json.RawMessage("true")
	case KindGroup:
		want["type"] = mustJSON("object")
	}
	switch f.Kind {
	case KindMultiline, KindLatex, KindEmail, KindDate:
		want["format"] = mustJSON(f.Kind)
	case KindChoice:
		want["enum"] = mustJSON(f.Options)
		if f.OptionsEN != nil {
			want["enum_en"] = mustJSON(f.OptionsEN)
		}
		if f.Radio {
			want["format"] = mustJSON("radio")
		}
	}
	if l := f.label(); l != "" {
		_, hadLabel := get(f.members, "label")
		_, hadTitle := get(f.members, "title")
		// A label read from title stays there while unchanged.
		if hadLabel || !hadTitle || l != f.loadedLabel {
			want["label"] = mustJSON(l)
		}
	}
	str("error_hint", f.ErrorHint)
	str("error_hint_en", f.ErrorHintEN)
	if f.LabelEN != "" {
		en := f.LabelEN
		if f.HelpEN != "" {
			en += helpOpen + f.HelpEN + helpClose
		}
		want["label_en"] = mustJSON(en)
	}
	if f.Hidden {
		want["hidden"] = json.RawMessage("true")
	} else if h, ok := get(f.members, "hidden"); ok && sameJSON(h, json.RawMessage("false")) {
		want["hidden"] = h // an explicit false stays as written
	}
	if f.Kind == KindGroup {
		enc := encodeFields(f.members, f.Children)
		want["properties"], _ = get(enc, "properties")
		want["required"], _ = get(enc, "required")
	}
	return merge(f.members, want, fieldKeys)
}

// number is s as a JSON number; text that is no number is written as a
// string, which the schema check then refuses with its location.
func number(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return mustJSON(s)
}
