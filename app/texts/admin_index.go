package texts

import (
	"net/http"

	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/texts"
)

// index is GET /admin/texts: every page text and mail text, per language,
// marked where the association has its own.
func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	snap, err := h.store.snapshot(ctx)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	lang := i18n.LangOf(ctx)
	var v view.IndexView
	missing, err := h.store.LegalMissing(ctx)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	for _, p := range missing {
		v.LegalMissing = append(v.LegalMissing, pageTitle(ctx, p))
	}
	for _, p := range Pages {
		row := view.PageRow{Key: string(p), Title: pageTitle(ctx, p)}
		for _, l := range i18n.Langs {
			_, edited := snap.pages[string(p)+"."+string(l)]
			row.Langs = append(row.Langs, view.LangLink{Lang: string(l), URL: pageURL(p, l), Edited: edited})
		}
		v.Pages = append(v.Pages, row)
	}
	for _, m := range h.book.Mails() {
		// The subject as a mail shows it says best what the mail is.
		subject, _, err := h.book.Preview(m, lang, m.Default[lang], false)
		if err != nil {
			subject = m.Default[lang].Subject
		}
		row := view.MailRow{Key: m.Key, Domain: m.Domain, Subject: subject}
		for _, l := range i18n.Langs {
			_, edited := snap.mails[m.Key+"."+string(l)]
			row.Langs = append(row.Langs, view.LangLink{Lang: string(l), URL: mailURL(m.Key, l), Edited: edited})
		}
		v.Mails = append(v.Mails, row)
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "texts.title"), view.Index(v))
}

func mailURL(key string, l i18n.Lang) string { return "/admin/texts/mail/" + key + "/" + string(l) }

func pageURL(p Page, l i18n.Lang) string { return "/admin/texts/pages/" + string(p) + "/" + string(l) }
