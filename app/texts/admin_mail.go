package texts

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/texts"
)

// mailOf is the mail text and language the address names; false answered
// 404 already.
func (h *Handler) mailOf(w http.ResponseWriter, r *http.Request) (*mail.Mail, i18n.Lang, bool) {
	m, ok := h.book.Mail(chi.URLParam(r, "domain") + "/" + chi.URLParam(r, "name"))
	lang, langOK := langOf(r, chi.URLParam(r, "lang"))
	if !ok || !langOK {
		h.site.Error(w, r, http.StatusNotFound, "")
		return nil, "", false
	}
	return m, lang, true
}

// mailView is the editor of m in lang showing t.
func (h *Handler) mailView(ctx context.Context, m *mail.Mail, lang i18n.Lang, t mail.Text) (view.MailEditor, error) {
	_, edited, err := h.store.EditedMail(ctx, m.Key, lang)
	if err != nil {
		return view.MailEditor{}, err
	}
	e := view.MailEditor{Key: m.Key, Lang: string(lang), LangName: i18n.In(lang, "layout.lang.name"),
		URL: mailURL(m.Key, lang), Subject: t.Subject, Body: t.Body, Edited: edited}
	for _, p := range m.Known() {
		code := "{{." + p + "}}"
		switch {
		case p == "Sie":
			continue // listed last, as the wording it chooses
		case m.Elements(p) != nil:
			code = "{{range ." + p + "}}"
			for _, f := range m.Elements(p) {
				code += "{{." + f + "}} "
			}
			code = strings.TrimSpace(code) + "{{end}}"
		}
		e.Placeholders = append(e.Placeholders, view.Placeholder{Code: code, Text: placeholderText(ctx, m, p),
			Required: slices.Contains(m.Required[lang], p)})
	}
	if m.Formal {
		e.Placeholders = append(e.Placeholders, view.Placeholder{Code: "{{if .Sie}}…{{else}}…{{end}}",
			Text: placeholderText(ctx, m, "Sie")})
	}
	return e, nil
}

// placeholderText says what placeholder p stands for in mail m, in the
// editor's language: the mail's own description where p means something
// particular there (a Link to confirm, to reset a password), else the one
// every mail shares.
func placeholderText(ctx context.Context, m *mail.Mail, p string) string {
	if key := placeholderKey(m.Key, p); i18n.Has(ctx, key) {
		return i18n.T(ctx, key)
	}
	return i18n.T(ctx, placeholderKey("", p))
}

// placeholderKey is the catalog key of p's description, in mail (a
// "domain/name") or, with mail "", shared by all.
func placeholderKey(mail, p string) string {
	if mail == "" {
		return "placeholders." + p
	}
	return "placeholders." + mail + "." + p
}

// mailEditor is GET /admin/texts/mail/{domain}/{name}/{lang}: the text as
// mails use it now, edited or the default.
func (h *Handler) mailEditor(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := h.mailOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t, edited, err := h.store.EditedMail(ctx, m.Key, lang)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if !edited {
		t = m.Default[lang]
	}
	e, err := h.mailView(ctx, m, lang, t)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	e.Saved = r.URL.Query().Get("saved") == "1"
	h.renderMail(w, r, http.StatusOK, e)
}

func (h *Handler) renderMail(w http.ResponseWriter, r *http.Request, status int, e view.MailEditor) {
	w.Header().Set("Cache-Control", "no-store")
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, status, view.MailEditorForm(e))
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "texts.mail.title", e.Key, e.LangName), view.MailEditorPage(e))
}

// postedMail reads and checks the posted text; the message is "" when it
// may be saved.
func (h *Handler) postedMail(ctx context.Context, r *http.Request, m *mail.Mail, lang i18n.Lang) (mail.Text, string) {
	t := mail.Text{Subject: strings.TrimSpace(formText(r, "subject")), Body: formText(r, "body")}
	switch {
	case t.Subject == "" || strings.TrimSpace(t.Body) == "":
		return t, i18n.T(ctx, "texts.error.empty")
	case utf8.RuneCountInString(t.Subject) > maxSubject || utf8.RuneCountInString(t.Body) > maxMailBody:
		// The editor comes back with the text whole (cut to the limits,
		// one more click would save it without its end), saying which
		// limit was passed.
		msg := i18n.T(ctx, "texts.error.too_long", maxMailBody)
		if utf8.RuneCountInString(t.Subject) > maxSubject {
			msg = i18n.T(ctx, "texts.error.subject_too_long", maxSubject)
		}
		return t, msg
	}
	return t, checkMessage(ctx, m.Check(lang, t))
}

// checkMessage says in the user's words what Check found.
func checkMessage(ctx context.Context, err error) string {
	var te *mail.ErrText
	switch {
	case err == nil:
		return ""
	case !errors.As(err, &te):
		return i18n.T(ctx, "texts.error.render", i18n.T(ctx, "texts.body"), 1)
	}
	where := i18n.T(ctx, "texts."+te.Field)
	switch te.Kind {
	case "syntax":
		return i18n.T(ctx, "texts.error.syntax", where, te.Line)
	case "unclosed":
		return i18n.T(ctx, "texts.error.unclosed", where, te.Line, "{{"+te.Block+"}}")
	case "construct":
		return i18n.T(ctx, "texts.error.construct", where, te.Line)
	case "unknown":
		return i18n.T(ctx, "texts.error.unknown", where, te.Line, "{{."+te.Placeholder+"}}")
	case "required":
		return i18n.T(ctx, "texts.error.required", "{{."+te.Placeholder+"}}")
	case "subject":
		return i18n.T(ctx, "texts.error.subject")
	case "glued":
		return i18n.T(ctx, "texts.error.glued", where)
	case "link_use":
		return i18n.T(ctx, "texts.error.link_use", where, max(te.Line, 1))
	default:
		return i18n.T(ctx, "texts.error.render", where, max(te.Line, 1))
	}
}

// mailSave is POST /admin/texts/mail/{domain}/{name}/{lang}: a checked
// text replaces the default; a refused one comes back with the reason.
func (h *Handler) mailSave(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := h.mailOf(w, r)
	if !ok || !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	t, problem := h.postedMail(ctx, r, m, lang)
	if problem != "" {
		e, err := h.mailView(ctx, m, lang, t)
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		e.Error = problem
		h.renderMail(w, r, http.StatusUnprocessableEntity, e)
		return
	}
	if err := h.store.SaveMail(ctx, auth.AuditActor(ctx, "system"), m.Key, lang, t); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "texts.saved"))
	web.Redirect(w, r, mailURL(m.Key, lang))
}

// mailPreview is POST …/preview: the posted text with sample data, in
// both forms of address where the mail has them. It saves nothing.
func (h *Handler) mailPreview(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := h.mailOf(w, r)
	if !ok || !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	t, problem := h.postedMail(ctx, r, m, lang)
	e, err := h.mailView(ctx, m, lang, t)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if problem != "" {
		e.Error = problem
		h.renderMail(w, r, http.StatusUnprocessableEntity, e)
		return
	}
	forms := []struct {
		sie   bool
		label string
	}{{false, ""}}
	if m.Formal && mail.UsesSie(t) {
		forms = []struct {
			sie   bool
			label string
		}{{false, i18n.T(ctx, "texts.preview.du")}, {true, i18n.T(ctx, "texts.preview.sie")}}
	}
	for _, f := range forms {
		subject, body, err := h.book.Preview(m, lang, t, f.sie)
		p := view.MailPreview{Label: f.label, Subject: subject, Body: body}
		if err != nil {
			p.Error = checkMessage(ctx, err)
		}
		e.Preview = append(e.Preview, p)
	}
	h.renderMail(w, r, http.StatusOK, e)
}

// mailReset is POST …/reset: the default text again, for good.
func (h *Handler) mailReset(w http.ResponseWriter, r *http.Request) {
	m, lang, ok := h.mailOf(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := h.store.ResetMail(ctx, auth.AuditActor(ctx, "system"), m.Key, lang); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "texts.reset.done"))
	web.Redirect(w, r, mailURL(m.Key, lang))
}
