package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events/formbuilder"
	"github.com/pepalumni/memberdb/app/events/schema"
	adminui "github.com/pepalumni/memberdb/components/admin"
	eventsui "github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// builderURL answers every action of the registration form builder.
const builderURL = "/admin/events/builder"

// schemaField is the event form's field the builder writes.
const schemaField = "registration_schema"

// builderState is what the builder carries from one action to the next.
type builderState struct {
	// open is the path of the field whose editor is open.
	open string
	// last is the last schema the builder could show.
	last string
	// undo is the schema before a deletion, deleted the deleted field.
	undo, deleted string
	// problem says why an action or the JSON was refused.
	problem string
	// props and errs are an editor's refused values and their problems.
	props *formbuilder.Props
	errs  formbuilder.Problems
	// saveError is the event form's message for the schema.
	saveError string
}

// builder answers POST /admin/events/builder: it applies the open
// editor's values, then the action, and renders the builder again (only
// its main part for an edit of the JSON, so the textarea keeps its caret).
func (h *Handler) builder(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	form := r.PostForm
	raw := form.Get(schemaField)
	action, path := form.Get("builder_action"), form.Get("builder_path")
	st := builderState{open: form.Get("builder_open"), last: form.Get("builder_last")}
	status := http.StatusOK
	if len(raw) > maxHTML {
		st.problem = tr(ctx, "admin.error.too_long", maxHTML)
		raw = ""
	}
	fm, err := formbuilder.Load([]byte(raw))
	if action == "json" {
		if err != nil {
			if st.problem == "" {
				st.problem = tr(ctx, "admin.builder.error.json")
			}
			status = http.StatusUnprocessableEntity
			raw = st.last
		}
		h.renderBuilder(w, r, status, raw, st, true)
		return
	}
	if err != nil {
		if fm, err = formbuilder.Load([]byte(st.last)); err != nil {
			fm, _ = formbuilder.Load([]byte(emptySchema))
		}
		raw = string(fm.JSON())
	}
	_, inputProblems := parseSchema(ctx, raw)

	// A field deleted with its editor open goes as it is: an unlabelled
	// new one could not be deleted before it had a label.
	if st.open != "" && form.Get("fb_present") == "1" && !(action == "delete" && path == st.open) {
		p := editorProps(form)
		p.Draft = action == "apply"
		newPath, errs := fm.Apply(st.open, p)
		if len(errs) > 0 {
			st.props, st.errs = &p, errs
			h.renderBuilder(w, r, http.StatusUnprocessableEntity, raw, st, false)
			return
		}
		if path == st.open {
			path = newPath
		}
		st.open = newPath
	}
	before := string(fm.JSON())
	if err := h.builderAct(ctx, fm, action, path, form, &st); err != nil {
		if !errors.Is(err, errBuilderAction) {
			h.site.ServerError(w, r, err)
			return
		}
		st.problem = tr(ctx, "admin.builder.error.gone")
		st.open = ""
		h.renderBuilder(w, r, http.StatusUnprocessableEntity, before, st, false)
		return
	}
	out := string(fm.JSON())
	// A schema the check accepted stays acceptable: a change that breaks
	// it is refused with the check's words.
	if _, problems := parseSchema(ctx, out); len(problems) > 0 && len(inputProblems) == 0 {
		st.problem = problems[0].Text
		h.renderBuilder(w, r, http.StatusUnprocessableEntity, raw, st, false)
		return
	}
	h.renderBuilder(w, r, status, out, st, false)
}

// renderBuilder answers with the builder for raw, or with its main part
// (main) for an edit of the JSON.
func (h *Handler) renderBuilder(w http.ResponseWriter, r *http.Request, status int, raw string, st builderState, main bool) {
	v, err := h.builderView(r.Context(), raw, st)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if main {
		h.site.RenderFragment(w, r, status, templ.Join(adminui.BuilderMain(v), adminui.BuilderJSONProblem(v.Problem, true)))
		return
	}
	h.site.RenderFragment(w, r, status, adminui.Builder(v))
}

// errBuilderAction is an action on a field that is not there (any more),
// or an action the builder does not know.
var errBuilderAction = errors.New("admin: builder action refused")

func (h *Handler) builderAct(ctx context.Context, fm *formbuilder.Form, action, path string, form url.Values, st *builderState) error {
	refused := func(err error) error {
		if err != nil {
			return errBuilderAction
		}
		return nil
	}
	switch action {
	case "apply":
	case "edit":
		if fm.Find(path) == nil {
			return errBuilderAction
		}
		st.open = path
	case "close":
		st.open = ""
	case "add", "add_to_group":
		after := form.Get("builder_after")
		if action == "add_to_group" {
			after = path
		}
		added, err := fm.Add(form.Get("builder_kind"), after, action == "add_to_group")
		st.open = added
		return refused(err)
	case "delete":
		f := fm.Find(path)
		if f == nil {
			return errBuilderAction
		}
		st.undo, st.deleted = string(fm.JSON()), orName(schema.PlainText(f.Label), f.Name)
		if st.open == path || strings.HasPrefix(st.open, path+".") {
			st.open = ""
		}
		return refused(fm.Delete(path))
	case "undo":
		restored, err := formbuilder.Load([]byte(form.Get("builder_undo")))
		if err != nil {
			return errBuilderAction
		}
		*fm = *restored
	case "duplicate":
		_, err := fm.Duplicate(path)
		return refused(err)
	case "up", "down", "move":
		i, err := fm.Index(path)
		if err != nil {
			return errBuilderAction
		}
		to := i - 1
		switch action {
		case "down":
			to = i + 1
		case "move":
			if to, err = strconv.Atoi(form.Get("builder_to")); err != nil {
				return errBuilderAction
			}
		}
		return refused(fm.Move(path, to))
	case "template":
		raw, err := h.builderTemplate(ctx, form.Get("builder_template"))
		if err != nil {
			return err
		}
		loaded, err := formbuilder.Load(raw)
		if err != nil {
			return errBuilderAction
		}
		*fm = *loaded
		st.open = ""
	default:
		return errBuilderAction
	}
	return nil
}

func orName(label, name string) string {
	if label != "" {
		return label
	}
	return name
}

// builderTemplate is the schema a new form starts from: an example form
// ("example:<name>"), another event's form ("event:<id>") or none
// ("empty").
func (h *Handler) builderTemplate(ctx context.Context, choice string) ([]byte, error) {
	kind, ref, _ := strings.Cut(choice, ":")
	switch kind {
	case "empty":
		return []byte(emptySchema), nil
	case "example":
		if raw, ok := formbuilder.Example(ref); ok {
			return raw, nil
		}
	case "event":
		id, err := strconv.ParseInt(ref, 10, 64)
		if err != nil {
			return nil, errBuilderAction
		}
		var raw []byte
		err = h.pool.QueryRow(ctx, `SELECT registration_schema::text FROM events WHERE id = $1`, id).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errBuilderAction
		}
		if err != nil {
			return nil, fmt.Errorf("admin: builder template: %w", err)
		}
		return raw, nil
	}
	return nil, errBuilderAction
}

func editorProps(form url.Values) formbuilder.Props {
	return formbuilder.Props{
		Kind: form.Get("fb_kind"), Name: form.Get("fb_name"), Label: form.Get("fb_label"), Help: form.Get("fb_help"),
		Required: form.Get("fb_required") == "true", Radio: form.Get("fb_radio") == "true", Hidden: form.Get("fb_hidden") == "true",
		Default: form.Get("fb_default"), Minimum: form.Get("fb_minimum"), Maximum: form.Get("fb_maximum"),
		LabelEN: form.Get("fb_label_en"), HelpEN: form.Get("fb_help_en"), ErrorHintEN: form.Get("fb_error_hint_en"),
		Options:   lines(form.Get("fb_options")),
		OptionsEN: lines(form.Get("fb_options_en")),
		ErrorHint: form.Get("fb_error_hint"),
	}
}

// lines are a text area's lines.
func lines(text string) []string {
	return strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
}

// schemaBuilder is the builder as the event's edit page shows it, for the
// schema value (stored or typed) with the form's message for it. posted
// is the form sent, if any: a field open in its editor stays open with
// what was typed and its problems.
func (h *Handler) schemaBuilder(ctx context.Context, value, saveError string, errorMath bool, posted url.Values) (adminui.BuilderView, error) {
	st := builderState{saveError: saveError}
	if p, errs, open := pendingEditor(value, posted); open != "" {
		st.open = open
		if len(errs) > 0 {
			st.props, st.errs = &p, errs
		}
	}
	v, err := h.builderView(ctx, value, st)
	v.ErrorMath = errorMath
	return v, err
}

// pendingEditor is the field of schema raw open in the form's editor
// (open, "" for none), what was typed into it and what the builder would
// refuse of that.
func pendingEditor(raw string, form url.Values) (p formbuilder.Props, errs formbuilder.Problems, open string) {
	open = form.Get("builder_open")
	if form.Get("fb_present") != "1" || open == "" {
		return p, nil, ""
	}
	fm, err := formbuilder.Load([]byte(raw))
	if err != nil || !editable(fm, open) {
		return p, nil, ""
	}
	p = editorProps(form)
	_, errs = fm.Apply(open, p)
	return p, errs, open
}

// editable tells whether the field at path exists and the builder's
// editor can show it: one it cannot (a group in a group typed in the
// JSON) is edited there, and an editor left open on it could never close.
func editable(fm *formbuilder.Form, path string) bool {
	f := fm.Find(path)
	return f != nil && f.Kind != formbuilder.KindOther
}

// submitted refuses to save an event while a field of its form is open
// with a value the builder refused: the save would store the form without
// it (or nothing, when nothing else changed), and say "saved".
func (eventRules) submitted(ctx context.Context, form url.Values) error {
	if _, errs, _ := pendingEditor(form.Get(schemaField), form); len(errs) > 0 {
		return &problemError{Field: schemaField, Text: tr(ctx, "admin.builder.error.unapplied")}
	}
	return nil
}

// builderView shapes the builder for the schema raw.
func (h *Handler) builderView(ctx context.Context, raw string, st builderState) (adminui.BuilderView, error) {
	v := adminui.BuilderView{Name: schemaField, URL: builderURL, JSON: indentJSON(raw), Open: st.open, Undo: st.undo,
		Deleted: st.deleted, Problem: st.problem, Error: st.saveError, Kinds: kindOptions(ctx)}
	fm, err := formbuilder.Load([]byte(raw))
	if err != nil {
		if v.Problem == "" {
			v.Problem = tr(ctx, "admin.builder.error.json")
		}
		fm, err = formbuilder.Load([]byte(st.last))
		if err != nil {
			fm, _ = formbuilder.Load([]byte(emptySchema))
		}
	} else {
		st.last = raw
	}
	v.LastValid = st.last
	if !editable(fm, v.Open) {
		v.Open = ""
	}
	v.Fields = builderFields(ctx, fm.Fields, "", v.Open, st)
	parsed, problems := parseSchema(ctx, raw)
	v.Problems = problems
	if parsed != nil {
		// In the organiser's language: an English page shows the English
		// texts the form has.
		v.Preview = eventsui.RegistrationFields(previewFields(schema.View(parsed.In(i18n.LangOf(ctx)), schema.Defaults(parsed, i18n.LangOf(ctx)), nil, false)))
	}
	var err2 error
	v.Templates, err2 = h.templateOptions(ctx)
	return v, err2
}

func builderFields(ctx context.Context, fields []*formbuilder.Field, prefix, open string, st builderState) []adminui.BuilderField {
	out := make([]adminui.BuilderField, len(fields))
	for i, f := range fields {
		path := prefix + f.Name
		label := schema.PlainText(f.Label)
		if label == "" {
			label = tr(ctx, "admin.builder.unnamed")
		}
		bf := adminui.BuilderField{
			Path: path, DomID: "fb-" + strings.ReplaceAll(path, ".", "--"), Label: label, Name: f.Name,
			Kind: tr(ctx, "admin.builder.kind."+f.Kind), Required: f.Required, Hidden: f.Hidden, Other: f.Kind == formbuilder.KindOther,
			Group: f.Kind == formbuilder.KindGroup, First: i == 0, Last: i == len(fields)-1,
		}
		if bf.Group {
			bf.Children = builderFields(ctx, f.Children, path+".", open, st)
		}
		if path == open {
			p := f.Props()
			if st.props != nil {
				p = *st.props
			}
			bf.Editor = editorView(ctx, path, p, st.errs)
		}
		out[i] = bf
	}
	return out
}

func editorView(ctx context.Context, path string, p formbuilder.Props, errs formbuilder.Problems) *adminui.BuilderEditor {
	e := &adminui.BuilderEditor{Path: path, Kind: p.Kind, Name: p.Name, Label: p.Label, Help: p.Help, Default: p.Default,
		Minimum: p.Minimum, Maximum: p.Maximum, Options: strings.Join(p.Options, "\n"), OptionsEN: strings.Join(p.OptionsEN, "\n"), ErrorHint: p.ErrorHint,
		LabelEN: p.LabelEN, HelpEN: p.HelpEN, ErrorHintEN: p.ErrorHintEN,
		Required: p.Required, Radio: p.Radio, Hidden: p.Hidden, InGroup: strings.Contains(path, "."), Group: p.Kind == formbuilder.KindGroup,
		Errors: map[string]string{}}
	for prop, key := range errs {
		e.Errors[prop] = tr(ctx, key)
	}
	for _, o := range kindOptions(ctx) {
		if o.Value != formbuilder.KindGroup {
			e.Kinds = append(e.Kinds, o)
		}
	}
	return e
}

func kindOptions(ctx context.Context) []adminui.Option {
	out := make([]adminui.Option, len(formbuilder.Kinds))
	for i, k := range formbuilder.Kinds {
		out[i] = adminui.Option{Value: k, Label: tr(ctx, "admin.builder.kind."+k)}
	}
	return out
}

// templateOptions offers the example forms, the other events' forms
// (newest first) and an empty form.
func (h *Handler) templateOptions(ctx context.Context) ([]adminui.Option, error) {
	out := []adminui.Option{{Value: "empty", Label: tr(ctx, "admin.builder.template.empty")}}
	for _, name := range formbuilder.Examples() {
		// Named as people call such an event, not by the file's name.
		title := name
		if key := "admin.builder.example." + name; i18n.Has(ctx, key) {
			title = tr(ctx, key)
		}
		out = append(out, adminui.Option{Value: "example:" + name, Label: tr(ctx, "admin.builder.template.example", title)})
	}
	rows, err := h.pool.Query(ctx, `SELECT id, name FROM events
		WHERE registration_schema::text <> '{}' ORDER BY starts_at DESC NULLS LAST, id DESC LIMIT 50`)
	if err != nil {
		return nil, fmt.Errorf("admin: builder templates: %w", err)
	}
	type ev struct {
		ID   int64
		Name string
	}
	evs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ev])
	if err != nil {
		return nil, fmt.Errorf("admin: builder templates: %w", err)
	}
	for _, e := range evs {
		out = append(out, adminui.Option{Value: "event:" + strconv.FormatInt(e.ID, 10), Label: tr(ctx, "admin.builder.template.event", e.Name)})
	}
	return out, nil
}
