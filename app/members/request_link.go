package members

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// requestForm is GET /request_edit and GET /request_gdpr_data.
func (h *Handler) requestForm(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.renderRequestForm(w, r, http.StatusOK, views.RequestForm{Kind: kind})
	}
}

// request is POST /request_edit and POST /request_gdpr_data: a personal
// link goes to the address if a person has it. The answer is the same
// either way, so the form tells nobody who is known.
func (h *Handler) request(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if !h.allowClient(w, r) || !h.site.ParseForm(w, r) {
			return
		}
		ctx := r.Context()
		f := views.RequestForm{Kind: kind, Email: strings.TrimSpace(r.PostFormValue("email"))}
		if f.EmailError = checkEmail(ctx, f.Email); f.EmailError != "" {
			h.renderRequestForm(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		if !h.allowMail(w, r, f.Email) {
			return
		}
		ttl := h.cfg.LinkTTL
		if kind == kindGDPR {
			ttl = gdprTTL
		}
		lang := i18n.LangOf(ctx)
		err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
			return h.mailLink(ctx, tx, kind, f.Email, lang, ttl)
		})
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		h.renderLinkSent(w, r, start, ttl)
	}
}

// mailLink mails an edit or GDPR link to the person with the address, if
// there is one.
func (h *Handler) mailLink(ctx context.Context, tx pgx.Tx, kind, email string, lang i18n.Lang, ttl time.Duration) error {
	p, err := findByEmail(ctx, tx, email)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	m := outgoing{kind: mailEditLink, text: "edit_link", lang: lang, to: p.Email, personID: p.ID}
	purpose, path := tokens.MembershipEdit, "/edit/"
	if kind == kindGDPR {
		m.kind, m.text = mailGDPRLink, "gdpr_link"
		purpose, path = tokens.GDPRView, "/view_data/"
	}
	token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: purpose, SubjectID: p.ID, TTL: ttl})
	if err != nil {
		return err
	}
	m.data = map[string]any{"Name": p.Name, "Link": h.cfg.URL(path + token), "Validity": validity(lang, ttl)}
	return h.send(ctx, tx, m)
}

func (h *Handler) renderRequestForm(w http.ResponseWriter, r *http.Request, status int, f views.RequestForm) {
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, status, views.RequestFormFragment(f))
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "members.request."+f.Kind+".title"), views.RequestPage(f))
}
