package admin

import (
	"encoding/json"

	"github.com/a-h/templ"

	"github.com/pepalumni/memberdb/components/events"
)

// BuilderView is the registration form builder on an event's edit page:
// the form's fields, the open field's editor, the live preview and the
// schema it writes (the "Advanced: JSON" tab, which the event form saves).
type BuilderView struct {
	// Name is the event form's field the schema is saved as.
	Name string
	// URL answers every builder action with the builder again.
	URL string
	// JSON is the schema as it stands; LastValid the last schema the
	// builder could show, which it returns to when the JSON is broken.
	JSON, LastValid string
	Fields          []BuilderField
	// Open is the path of the field whose editor is open ("" none).
	Open string
	// Undo is the schema before the last deletion, offered back; Deleted
	// names what was deleted.
	Undo, Deleted string
	// Problem says why the last action or the JSON was refused.
	Problem string
	// Problems are what keeps the schema from being saved.
	Problems []events.Problem
	// Error is the event form's message for the schema (on a 422 save).
	Error string
	// ErrorMath: Error names the form's questions, formulas and all.
	ErrorMath bool
	Preview   templ.Component
	Kinds     []Option
	Templates []Option
}

// BuilderField is one field's row in the builder.
type BuilderField struct {
	Path, DomID string
	// Label is the field's label as plain text; Kind the kind's name.
	Label, Name, Kind string
	Required, Hidden  bool
	// Other marks a field the builder cannot show: edit it in the JSON.
	Other bool
	// Group marks a group; Children are its fields.
	Group       bool
	Children    []BuilderField
	First, Last bool
	// Editor is set on the open field.
	Editor *BuilderEditor
}

// BuilderEditor edits one field's properties in place.
type BuilderEditor struct {
	Path, Kind, Name, Label, Help string
	Default, Minimum, Maximum     string
	Options, OptionsEN, ErrorHint string
	LabelEN, HelpEN, ErrorHintEN  string
	Required, Radio, Hidden       bool
	InGroup, Group                bool
	// Errors are the messages by property (kind, name, label, options,
	// minimum, maximum, default).
	Errors map[string]string
	Kinds  []Option
}

// vals is a builder button's action as htmx's hx-vals.
func vals(action, path string, extra ...string) string {
	m := map[string]string{"builder_action": action, "builder_path": path}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (e *BuilderEditor) numeric() bool { return e.Kind == "number" || e.Kind == "integer" }

func (e *BuilderEditor) textual() bool {
	switch e.Kind {
	case "text", "multiline", "latex", "email", "date", "choice":
		return true
	}
	return false
}

// draggable: a row is dragged by mouse unless its editor is open, where
// dragging would fight selecting the text of its inputs.
func draggable(f BuilderField) string {
	if f.Editor != nil {
		return "false"
	}
	return "true"
}
