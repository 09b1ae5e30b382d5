package texts

import (
	"net/http"

	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/texts"
)

// legal answers GET /impressum and GET /datenschutz: the association's
// text in the visitor's language, or, until it is written, its name,
// postal address and contact address, so the footer's links never lead
// nowhere.
func (h *Handler) legal(p Page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		html, err := h.pageHTML(ctx, p, i18n.LangOf(ctx))
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		// The association as its mails name it (mail.Book.Org), so one
		// setting serves both.
		org := h.book.Org()
		v := view.LegalPage{Title: pageTitle(ctx, p), HTML: html, OrgName: org.Name, OrgEmail: org.Email, OrgAddress: org.Postal}
		h.site.Render(w, r, http.StatusOK, v.Title, view.Legal(v))
	}
}
