package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pepalumni/memberdb/app/db"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// formState is what a form shows besides the stored row: typed values and
// their problems after a refused save, current values after a conflict.
type formState struct {
	typed    map[string]string
	problems map[string]string
	current  map[string]string
	problem  string
	conflict string
	version  int
	// confirm names the form value that confirms the consequences shown
	// as the problem (confirmError).
	confirm string
	// sections holds the problems of a detail page's other forms (a
	// refused password, a refused set of roles), by section.
	sections map[string]string
	// posted is the form as sent: the choices that are no columns (over
	// capacity) and the confirmations already given stay as they were.
	posted url.Values
}

// readForm parses the table's fields of a create (create) or detail form.
func (h *Handler) readForm(ctx context.Context, t *table, form url.Values, create bool) (map[string]any, formState, error) {
	values := map[string]any{}
	fs := formState{typed: map[string]string{}, problems: map[string]string{}, posted: form}
	for _, f := range t.formFields(create) {
		raw := form.Get(f.name)
		fs.typed[f.name] = raw
		v, problem, err := f.value(ctx, h.pool, raw)
		if err != nil {
			return nil, fs, err
		}
		if problem != "" {
			fs.problems[f.name] = problem
			continue
		}
		values[f.name] = v
	}
	if len(fs.problems) == 0 {
		for name, problem := range t.rules.check(ctx, values) {
			fs.problems[name] = problem
		}
	}
	return values, fs, nil
}

func (t *table) formFields(create bool) []*field {
	var out []*field
	for _, f := range t.fields {
		if (create && f.editOnly) || (!create && f.createOnly) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// formView shapes the form: stored values unless typed ones are given.
func (h *Handler) formView(ctx context.Context, t *table, action string, create bool, stored map[string]string, fs formState) (adminui.FormView, error) {
	// Only the confirmation of a changed registration form names its
	// questions, whose labels may hold formulas; other problems and
	// questions may quote typed text (names, a broken formula), which is
	// not typeset.
	confirming := fs.confirm == confirmSchema
	fv := adminui.FormView{Name: t.name, Action: action, Version: fs.version, Problem: fs.problem, ProblemMath: confirming,
		Conflict: fs.conflict, Submit: tr(ctx, "admin.form.save")}
	if create {
		fv.Submit = tr(ctx, "admin.form.create")
		fv.Cancel = t.listURL()
	}
	for _, f := range t.formFields(create) {
		value, typed := fs.typed[f.name]
		if !typed {
			value = stored[f.name]
			if f.formValue != nil && value != "" {
				value = f.formValue(value)
			}
		}
		if f.kind == "password" {
			value = "" // a password is never sent back to the browser
		}
		fd := adminui.FormField{Name: f.name, Label: f.label(ctx, t), Kind: f.kind, Value: value, Required: f.required,
			Error: fs.problems[f.name], ErrorMath: confirming && fs.problems[f.name] == fs.problem, Rows: f.rows, PreviewURL: f.preview}
		switch {
		case f.helpRetention:
			fd.Help = tr(ctx, f.help, h.retainRegistrations.String())
		case f.help != "":
			fd.Help = tr(ctx, f.help)
		}
		if cur, ok := fs.current[f.name]; ok {
			fd.Current = orDash(h.showValue(ctx, f, cur))
		}
		if f.options != nil {
			opts, err := f.options(ctx, h.pool)
			if err != nil {
				return fv, err
			}
			if f.omitWithoutChoice && len(opts) <= 1 && value == "" {
				continue
			}
			fd.Options = opts
		}
		switch f.kind {
		case "html":
			fd.Preview = h.preview(ctx, f.kind, value)
		case "schema":
			bv, err := h.schemaBuilder(ctx, value, fd.Error, fd.ErrorMath, fs.posted)
			if err != nil {
				return fv, err
			}
			fd.Preview = adminui.Builder(bv)
		}
		fv.Fields = append(fv.Fields, fd)
	}
	for _, fd := range t.rules.extraFields(ctx) {
		fd.Value = fs.posted.Get(fd.Name)
		fv.Fields = append(fv.Fields, fd)
	}
	if fs.confirm != "" {
		fv.ConfirmName, fv.ConfirmLabel = fs.confirm, tr(ctx, "admin.form.confirm")
		for _, name := range confirmations(fs.posted) {
			if name != fs.confirm {
				fv.Confirmed = append(fv.Confirmed, name)
			}
		}
	}
	return fv, nil
}

func storedValues(st rowState) map[string]string {
	out := make(map[string]string, len(st.values))
	for k := range st.values {
		out[k] = st.text(k)
	}
	return out
}

// detail answers GET /admin/{table}/{id}.
func (h *Handler) detail(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.renderDetail(w, r, t, rowID(r), http.StatusOK, formState{})
	}
}

// renderDetail shows the row's page with the form in state fs.
func (h *Handler) renderDetail(w http.ResponseWriter, r *http.Request, t *table, id string, status int, fs formState) {
	ctx := r.Context()
	st, err := t.load(ctx, h.pool, id, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if fs.version == 0 {
		fs.version = st.version
	}
	v := adminui.DetailView{Name: t.name, Title: t.rules.title(ctx, id, st), ListURL: t.listURL(), ListTitle: t.listTitle(ctx),
		DeleteURL: t.detailURL(id) + "/delete"}
	if len(t.formFields(false)) > 0 {
		fv, err := h.formView(ctx, t, t.detailURL(id), false, storedValues(st), fs)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Form = &fv
	}
	if err := t.rules.detail(ctx, id, st, fs, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.History, err = h.history(ctx, t.name, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.page(w, r, status, v.Title, adminui.DetailPage(v))
}

// update answers POST /admin/{table}/{id}: the detail form's save.
func (h *Handler) update(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := rowID(r)
		if !h.site.ParseForm(w, r) {
			return
		}
		values, fs, err := h.readForm(ctx, t, r.PostForm, false)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		fs.version = version
		if len(fs.problems) > 0 {
			fs.problem = tr(ctx, "admin.form.problems")
			h.renderDetail(w, r, t, id, http.StatusUnprocessableEntity, fs)
			return
		}
		_, saved, err := h.save(ctx, t, id, expected{version: version}, values, r.PostForm)
		var (
			pe *problemError
			ce *confirmError
		)
		switch {
		case errors.As(err, &ce):
			fs.problems[ce.Field] = ce.Text
			fs.problem = ce.Text
			fs.confirm = ce.Name
			h.renderDetail(w, r, t, id, http.StatusUnprocessableEntity, fs)
			return
		case errors.As(err, &pe):
			fs.problems[pe.Field] = pe.Text
			fs.problem = pe.Text
			h.renderDetail(w, r, t, id, http.StatusUnprocessableEntity, fs)
			return
		case errors.Is(err, errVersion):
			fs.version = saved.version
			fs.conflict = tr(ctx, "admin.form.conflict")
			fs.current = map[string]string{}
			for _, f := range t.formFields(false) {
				if saved.text(f.name) != fs.typed[f.name] {
					fs.current[f.name] = saved.text(f.name)
				}
			}
			h.renderDetail(w, r, t, id, http.StatusConflict, fs)
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		h.site.Flash(r, "success", tr(ctx, "admin.saved"))
		http.Redirect(w, r, t.detailURL(t.keyAfter(id, values)), http.StatusSeeOther)
	}
}

// newForm answers GET /admin/{table}/new.
func (h *Handler) newForm(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.renderCreate(w, r, t, http.StatusOK, formState{typed: t.defaults})
	}
}

func (h *Handler) renderCreate(w http.ResponseWriter, r *http.Request, t *table, status int, fs formState) {
	ctx := r.Context()
	fv, err := h.formView(ctx, t, t.listURL()+"/new", true, nil, fs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := tr(ctx, "admin."+t.name+".new")
	h.page(w, r, status, title, adminui.CreatePage(adminui.FormPage{Title: title, ListURL: t.listURL(), ListTitle: t.listTitle(ctx), Form: fv}))
}

// create answers POST /admin/{table}/new.
func (h *Handler) create(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if !h.site.ParseForm(w, r) {
			return
		}
		values, fs, err := h.readForm(ctx, t, r.PostForm, true)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(fs.problems) > 0 {
			fs.problem = tr(ctx, "admin.form.problems")
			h.renderCreate(w, r, t, http.StatusUnprocessableEntity, fs)
			return
		}
		id, err := h.insert(ctx, t, values, r.PostForm)
		var (
			pe *problemError
			ce *confirmError
		)
		switch {
		case errors.As(err, &ce):
			fs.problems[ce.Field] = ce.Text
			fs.problem = ce.Text
			fs.confirm = ce.Name
			h.renderCreate(w, r, t, http.StatusUnprocessableEntity, fs)
			return
		case errors.As(err, &pe):
			fs.problems[pe.Field] = pe.Text
			fs.problem = pe.Text
			h.renderCreate(w, r, t, http.StatusUnprocessableEntity, fs)
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		h.site.Flash(r, "success", tr(ctx, "admin.created"))
		http.Redirect(w, r, t.detailURL(id), http.StatusSeeOther)
	}
}

// confirmDelete answers GET /admin/{table}/{id}/delete.
func (h *Handler) confirmDelete(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.renderDelete(w, r, t, rowID(r), http.StatusOK, "")
	}
}

// keeper is the rules of a table whose rows other tables keep (persons):
// kept sets the delete page's reason, what keeps the row and what to do
// instead, both before the click and after a refused one.
type keeper interface {
	kept(ctx context.Context, id string, v *adminui.DeleteView) error
}

func (h *Handler) renderDelete(w http.ResponseWriter, r *http.Request, t *table, id string, status int, blocked string) {
	ctx := r.Context()
	st, err := t.load(ctx, h.pool, id, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := adminui.DeleteView{Title: tr(ctx, "admin.delete.title", t.rules.title(ctx, id, st)), ListURL: t.listURL(),
		ListTitle: t.listTitle(ctx), What: tr(ctx, "admin.delete.what"), Action: t.detailURL(id) + "/delete",
		CancelURL: t.detailURL(id), Blocked: blocked}
	list, block, err := t.rules.consequences(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Consequences = list
	if v.Blocked == "" {
		v.Blocked = block
	}
	if k, ok := t.rules.(keeper); ok && v.Blocked == "" {
		if err := k.kept(ctx, id, &v); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	// The database refused what no rule names: still a reason, if a
	// vague one, rather than a button that fails again.
	if v.Blocked == "" && status == http.StatusConflict {
		v.Blocked = tr(ctx, "admin."+t.name+".referenced")
	}
	h.page(w, r, status, v.Title, adminui.ConfirmDelete(v))
}

// deleteRow answers POST /admin/{table}/{id}/delete. Rows other rows
// still need are refused with the reason, never with a server error.
func (h *Handler) deleteRow(t *table) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := rowID(r)
		err := h.remove(ctx, t, id)
		var pe *problemError
		switch {
		case errors.As(err, &pe):
			h.renderDelete(w, r, t, id, http.StatusUnprocessableEntity, pe.Text)
			return
		case errors.Is(err, db.ErrReferenced):
			h.renderDelete(w, r, t, id, http.StatusConflict, "")
			return
		case err != nil:
			h.fail(w, r, err)
			return
		}
		h.site.Flash(r, "success", tr(ctx, "admin.deleted"))
		http.Redirect(w, r, t.listURL(), http.StatusSeeOther)
	}
}
