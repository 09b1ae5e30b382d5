package texts

import (
	"context"
	"html"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/texts"
)

// pageTitle names a page text in the language of ctx.
func pageTitle(ctx context.Context, p Page) string { return i18n.T(ctx, "texts."+string(p)+".title") }

// pageOfRequest is the page text and language the address names; false
// answered 404 already.
func (h *Handler) pageOfRequest(w http.ResponseWriter, r *http.Request) (Page, i18n.Lang, bool) {
	p, ok := pageOf(chi.URLParam(r, "page"))
	lang, langOK := langOf(r, chi.URLParam(r, "lang"))
	if !ok || !langOK {
		h.site.Error(w, r, http.StatusNotFound, "")
		return "", "", false
	}
	return p, lang, true
}

// pageView is the editor of p in lang showing body.
func (h *Handler) pageView(ctx context.Context, p Page, lang i18n.Lang, body string, edited bool) view.PageEditor {
	e := view.PageEditor{Key: string(p), Title: pageTitle(ctx, p), Lang: string(lang), LangName: i18n.In(lang, "layout.lang.name"),
		URL: pageURL(p, lang), Body: body, Edited: edited}
	switch p {
	case PageImpressum, PageDatenschutz:
		e.Public = "/" + string(p)
		e.Fallback = i18n.T(ctx, "texts.page.fallback.legal")
	case PageFooter:
		e.Fallback = i18n.T(ctx, "texts.page.fallback.footer")
	default:
		e.Fallback = i18n.T(ctx, "texts.page.fallback.default")
	}
	if p == PageDatenschutz && h.PrivacyDraft != nil {
		e.DraftURL = e.URL + "?draft=1"
	}
	return e
}

// defaultPage is what the editor of a page without a text starts from:
// today's words of the page, so the association edits rather than
// starts over. The legal pages and the footer start empty.
func (h *Handler) defaultPage(p Page, lang i18n.Lang) string {
	switch p {
	case PageHome:
		name := h.book.Org().Name
		lead := "<p>" + html.EscapeString(i18n.In(lang, "home.lead", name)) + "</p>"
		if name != config.DefaultOrgName {
			return lead // the motto is PeP's
		}
		return lead + "\n<p>" + html.EscapeString(i18n.In(lang, "home.motto")) + "</p>"
	case PageApply:
		return "<p>" + html.EscapeString(i18n.In(lang, "members.apply.intro")) + "</p>"
	}
	return ""
}

// pageEditor is GET /admin/texts/pages/{page}/{lang}; ?draft=1 fills the
// privacy page's editor with the record of processing, to be edited and
// saved (nothing is saved until then).
func (h *Handler) pageEditor(w http.ResponseWriter, r *http.Request) {
	p, lang, ok := h.pageOfRequest(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	body, edited, err := h.store.PageSource(ctx, p, lang)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if !edited {
		body = h.defaultPage(p, lang)
	}
	e := h.pageView(ctx, p, lang, body, edited)
	if e.DraftURL != "" && r.URL.Query().Get("draft") == "1" {
		// The draft is in the page's language, whatever the admin's.
		draft, err := h.PrivacyDraft(i18n.WithLang(ctx, lang))
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		e.Body, e.Drafted = draft, true
	}
	h.renderPage(w, r, http.StatusOK, e)
}

func (h *Handler) renderPage(w http.ResponseWriter, r *http.Request, status int, e view.PageEditor) {
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, status, i18n.T(r.Context(), "texts.page.title", e.Title, e.LangName), view.PageEditorPage(e))
}

// postedPage reads the posted text; the message is "" when it may be
// saved.
func postedPage(ctx context.Context, r *http.Request) (string, string) {
	body := formText(r, "body")
	switch {
	case strings.TrimSpace(body) == "":
		return body, i18n.T(ctx, "texts.error.page_empty")
	case utf8.RuneCountInString(body) > maxPage:
		// The editor comes back with the text whole: cut to the limit, one
		// more click would save it without its end.
		return body, i18n.T(ctx, "texts.error.too_long", maxPage)
	case !schema.Shows(body):
		return body, i18n.T(ctx, "texts.error.page_nothing")
	}
	return body, ""
}

// pageSave is POST /admin/texts/pages/{page}/{lang}.
func (h *Handler) pageSave(w http.ResponseWriter, r *http.Request) {
	p, lang, ok := h.pageOfRequest(w, r)
	if !ok || !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	body, problem := postedPage(ctx, r)
	if problem != "" {
		_, edited, err := h.store.PageSource(ctx, p, lang)
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		e := h.pageView(ctx, p, lang, body, edited)
		e.Error = problem
		h.renderPage(w, r, http.StatusUnprocessableEntity, e)
		return
	}
	if err := h.store.SavePage(ctx, auth.AuditActor(ctx, "system"), p, lang, body); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "texts.saved"))
	web.Redirect(w, r, pageURL(p, lang))
}

// pagePreview is POST …/preview: the posted text as the page will show
// it, sanitised. It saves nothing.
func (h *Handler) pagePreview(w http.ResponseWriter, r *http.Request) {
	p, lang, ok := h.pageOfRequest(w, r)
	if !ok || !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	body, problem := postedPage(ctx, r)
	_, edited, err := h.store.PageSource(ctx, p, lang)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	e := h.pageView(ctx, p, lang, body, edited)
	if problem != "" {
		e.Error = problem
		h.renderPage(w, r, http.StatusUnprocessableEntity, e)
		return
	}
	e.Preview = sanitize(body)
	h.renderPage(w, r, http.StatusOK, e)
}

// pageReset is POST …/reset: the default text again, for good.
func (h *Handler) pageReset(w http.ResponseWriter, r *http.Request) {
	p, lang, ok := h.pageOfRequest(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := h.store.ResetPage(ctx, auth.AuditActor(ctx, "system"), p, lang); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "texts.reset.done"))
	web.Redirect(w, r, pageURL(p, lang))
}
