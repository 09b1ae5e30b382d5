package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// showRow answers GET …/{id}/row: the row as stored (Escape in an editor).
func (h *Handler) showRow(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		row, err := t.rules.row(r.Context(), h.pool, rowID(r))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.site.RenderFragment(w, r, http.StatusOK, adminui.TableRow(row))
	}
}

// openCell answers GET …/{id}/fields/{field}: the cell with its editor.
func (h *Handler) openCell(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := t.field(chi.URLParam(r, "field"))
		if f == nil || !f.inline {
			h.site.NotFound(w, r)
			return
		}
		row, err := t.rules.row(r.Context(), h.pool, rowID(r))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		e := editOf(row, f.name)
		if e == nil {
			h.site.NotFound(w, r)
			return
		}
		e.Open = true
		h.site.RenderFragment(w, r, http.StatusOK, adminui.EditCell(*e))
	}
}

// saveCell answers POST …/{id}/fields/{field}: it saves one value if the
// field still holds what the editor was opened with (expected), and
// answers with the row. A refused value comes back in the open editor
// (422); a field changed meanwhile comes back with its current value and
// a note (409).
func (h *Handler) saveCell(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := rowID(r)
		f := t.field(chi.URLParam(r, "field"))
		if f == nil || !f.inline {
			h.site.NotFound(w, r)
			return
		}
		if !h.site.ParseForm(w, r) {
			return
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		loaded := r.PostFormValue(adminui.LoadedName)
		raw := r.PostFormValue("value")
		value, problem, err := f.value(ctx, h.pool, raw)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		values := map[string]any{f.name: value}
		with, ok := readUndoWith(t, f, r.PostForm)
		if !ok {
			problem = tr(ctx, "admin.error.undo_field")
		}
		if problem == "" {
			if problem, err = with.add(ctx, h.pool, t, raw, values); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if problem != "" {
			h.cellAnswer(w, r, t, id, f, http.StatusUnprocessableEntity, func(e *adminui.Edit) {
				e.Open, e.Value, e.Error, e.Version, e.Loaded = true, raw, problem, version, loaded
				with.keep(e)
			})
			return
		}
		before, current, err := h.save(ctx, t, id, expectedOf(f, r.PostForm, with), values, r.PostForm)
		var (
			pe *problemError
			ce *confirmError
		)
		switch {
		case errors.As(err, &ce):
			h.cellAnswer(w, r, t, id, f, http.StatusOK, func(e *adminui.Edit) {
				e.Open, e.Value, e.Version, e.Loaded, e.Confirm, e.ConfirmName = true, raw, version, loaded, ce.Text, ce.Name
				e.OverCapacityChosen = r.PostFormValue("over_capacity") == "true"
				with.keep(e)
			})
			return
		case errors.As(err, &pe):
			h.cellAnswer(w, r, t, id, f, http.StatusUnprocessableEntity, func(e *adminui.Edit) {
				e.Open, e.Value, e.Error, e.Version, e.Loaded = true, raw, pe.Text, version, loaded
				with.keep(e)
			})
			return
		case errors.Is(err, errVersion):
			h.cellAnswer(w, r, t, id, f, http.StatusConflict, func(e *adminui.Edit) {
				e.Open = e.Kind != "checkbox"
				if e.Open {
					// Saved again, now expecting the current value, the
					// undo puts back only what still holds what its save
					// left.
					e.Value = raw
					with.still(current).keep(e)
				}
				e.Conflict = orDash(h.showValue(ctx, f, current.text(f.name)))
			})
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		if !web.IsFragment(r) {
			web.Redirect(w, r, t.listURL())
			return
		}
		if before.version == current.version && before.text(f.name) == current.text(f.name) {
			// Left without a change: nothing was saved, so nothing says so
			// and there is nothing to undo.
			h.cellAnswer(w, r, t, id, f, http.StatusOK, nil)
			return
		}
		h.site.Flash(r, "success", tr(ctx, "admin.saved.value", f.label(ctx, t), orDash(h.showValue(ctx, f, current.text(f.name)))))
		// Undo is offered where it only puts the value back: not after a
		// domain write (a status, which mails) nor a confirmed change that
		// moved people up.
		offer := f.write == nil && !confirmedSave(r)
		h.cellAnswer(w, r, t, id, f, http.StatusOK, func(e *adminui.Edit) {
			e.Undo, e.UndoValue = offer, before.text(f.name)
			undoWithOf(t, f, before, current).keep(e)
		})
	}
}

// cellAnswer renders the row with the field's editor adjusted by adjust.
func (h *Handler) cellAnswer(w http.ResponseWriter, r *http.Request, t *table, id string, f *field, status int, adjust func(e *adminui.Edit)) {
	row, err := t.rules.row(r.Context(), h.pool, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if adjust != nil {
		if e := editOf(row, f.name); e != nil {
			adjust(e)
		}
	}
	h.site.RenderFragment(w, r, status, adminui.TableRow(row))
}

// confirmedSave reports a save that confirmed its consequences (any
// confirm_… the rules asked for): they are not undone by putting a value
// back.
func confirmedSave(r *http.Request) bool { return len(confirmations(r.PostForm)) > 0 }

// confirmations are the names of the questions a form answered yes
// (confirm_…=true), sorted.
func confirmations(posted url.Values) []string {
	var names []string
	for name, values := range posted {
		if strings.HasPrefix(name, "confirm_") && slices.Contains(values, "true") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func editOf(row adminui.Row, field string) *adminui.Edit {
	for i := range row.Cells {
		if e := row.Cells[i].Edit; e != nil && e.Field == field {
			return e
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// editCell is the cell of an inline-editable field of a row.
func editCell(ctx context.Context, t *table, id string, version int, f *field, stored string, opts []adminui.Option) adminui.Cell {
	base := t.detailURL(id)
	return adminui.Cell{
		Text: f.show(ctx, stored),
		Edit: &adminui.Edit{
			Field:   f.name,
			URL:     base + "/fields/" + f.name,
			RowURL:  base + "/row",
			Kind:    f.kind,
			Value:   stored,
			Options: opts,
			Version: version,
			Loaded:  adminui.Digest(stored),
			Label:   f.label(ctx, t),
		},
	}
}

// isNotFound reports a missing row.
func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }

// showValue words a stored value for a message: enum labels, or the label
// of a choice (a university relation's name instead of its id).
func (h *Handler) showValue(ctx context.Context, f *field, stored string) string {
	if f.display != nil || f.options == nil {
		return f.show(ctx, stored)
	}
	opts, err := f.options(ctx, h.pool)
	if err != nil {
		return stored
	}
	for _, o := range opts {
		if o.Value == stored {
			return o.Label
		}
	}
	return stored
}
