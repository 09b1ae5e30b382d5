package admin

import (
	"context"
	"net/url"
	"strings"

	adminui "github.com/pepalumni/memberdb/components/admin"
)

// undoWith is what an undo puts back besides the value it undoes: the
// fields a rule set along with it (a joining date with the membership).
// The undo sends each as also.<field>, with what the save left in it as
// was.<field> and the value they go with as also_for.
type undoWith struct {
	target string
	also   map[string]string // field → the value to put back
	was    map[string]string // field → the value the save left
}

// undoWithOf is what undoing a save of f from before to after puts back
// besides f.
func undoWithOf(t *table, f *field, before, after rowState) undoWith {
	u := undoWith{target: before.text(f.name), also: map[string]string{}, was: map[string]string{}}
	for _, g := range t.fields {
		if g != f && g.setByRule && before.text(g.name) != after.text(g.name) {
			u.also[g.name], u.was[g.name] = before.text(g.name), after.text(g.name)
		}
	}
	return u
}

// readUndoWith reads an undo's other fields from form; ok is false for
// a field no rule sets with f, a field without what the save left, or
// more than one value of anything.
func readUndoWith(t *table, f *field, form url.Values) (u undoWith, ok bool) {
	u = undoWith{also: map[string]string{}, was: map[string]string{}}
	for key, values := range form {
		into := u.also
		name, isAlso := strings.CutPrefix(key, adminui.UndoAlsoPrefix)
		if !isAlso {
			var isWas bool
			if name, isWas = strings.CutPrefix(key, adminui.UndoWasPrefix); !isWas {
				continue
			}
			into = u.was
		}
		g := t.field(name)
		if g == nil || g == f || !g.setByRule || len(values) != 1 {
			return undoWith{}, false
		}
		into[name] = values[0]
	}
	for name := range u.also {
		if _, ok := u.was[name]; !ok {
			return undoWith{}, false
		}
	}
	if len(u.also) != len(u.was) || (len(u.also) > 0 && len(form[adminui.UndoForName]) != 1) {
		return undoWith{}, false
	}
	u.target = form.Get(adminui.UndoForName)
	return u, true
}

// add puts the undo's other fields into values, parsed as the edit form
// parses them, when value is the one they go with: someone who chose
// another value meant no undo.
func (u undoWith) add(ctx context.Context, q querier, t *table, value string, values map[string]any) (problem string, err error) {
	if value != u.target {
		return "", nil
	}
	for name, raw := range u.also {
		v, problem, err := t.field(name).value(ctx, q, raw)
		if err != nil || problem != "" {
			return problem, err
		}
		values[name] = v
	}
	return "", nil
}

// still is u without the fields changed since its save: a save with the
// row's new version must not put back over someone else's change.
func (u undoWith) still(row rowState) undoWith {
	kept := undoWith{target: u.target, also: map[string]string{}, was: map[string]string{}}
	for name, was := range u.was {
		if row.text(name) == was {
			kept.also[name], kept.was[name] = u.also[name], was
		}
	}
	return kept
}

// keep gives an editor or undo button the fields u puts back.
func (u undoWith) keep(e *adminui.Edit) {
	e.UndoAlso, e.UndoWas = u.also, u.was
	if len(u.also) > 0 {
		e.UndoFor = u.target
	}
}
