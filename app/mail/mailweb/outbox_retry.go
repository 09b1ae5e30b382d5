package mailweb

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/mail"
)

// retry is POST /admin/mail/{id}/retry: a failed mail is queued again.
// htmx gets the row back with a toast; a plain form goes back to the list.
func (h *Handler) retry(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	f := parseFilter(returnQuery(r.PostFormValue("return")))
	u := auth.CurrentUser(r.Context())
	e, err := h.requeue(r.Context(), id, audit.Entry{UserID: &u.ID, Actor: u.Username})
	switch {
	case errors.Is(err, db.ErrNotFound):
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	case errors.Is(err, ErrNotFailed):
		// Someone else retried it meanwhile, or the page was old: show the
		// mail as it is now.
		h.site.Flash(r, "warning", i18n.T(r.Context(), "mail.admin.not_failed"))
		if e, err = h.entry(r.Context(), id); err != nil {
			h.site.ServerError(w, r, err)
			return
		}
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(r.Context(), "mail.admin.retried"))
	}
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusOK, view.OutboxRowView(outboxRow(r.Context(), e, f)))
		return
	}
	web.Redirect(w, r, f.url(f.Page))
}

func returnQuery(s string) url.Values {
	q, _ := url.ParseQuery(s)
	return q
}
