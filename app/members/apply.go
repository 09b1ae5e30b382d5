package members

import (
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// applyForm is GET /register/.
func (h *Handler) applyForm(w http.ResponseWriter, r *http.Request) {
	ts, err := LoadTypes(r.Context(), h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	f := views.ApplyForm{Types: ts.Choices(i18n.LangOf(r.Context()), "", true)}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "members.apply.title"), views.ApplyPage(f))
}

// apply is POST /register/. Its answer is the same whatever is known about
// the address; only the mail differs (see applyTx).
func (h *Handler) apply(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if !h.allowClient(w, r) || !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	ts, err := LoadTypes(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	f := views.ApplyForm{
		Name:           cleanName(r.PostFormValue("name")),
		Email:          strings.TrimSpace(r.PostFormValue("email")),
		MembershipType: r.PostFormValue("membership_type"),
		Types:          ts.Choices(i18n.LangOf(ctx), "", true),
	}
	f.NameError = checkName(ctx, f.Name)
	f.EmailError = checkEmail(ctx, f.Email)
	f.TypeError = checkType(ctx, ts, f.MembershipType, "")
	if f.NameError != "" || f.EmailError != "" || f.TypeError != "" {
		h.renderApplyForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if !h.allowMail(w, r, f.Email) {
		return
	}
	a := submission{name: f.Name, email: f.Email, membershipType: f.MembershipType, lang: i18n.LangOf(ctx)}
	if err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error { return h.applyTx(ctx, tx, a) }); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderLinkSent(w, r, start, h.cfg.LinkTTL)
}

func (h *Handler) renderApplyForm(w http.ResponseWriter, r *http.Request, status int, f views.ApplyForm) {
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, status, views.ApplyFormFragment(f))
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "members.apply.title"), views.ApplyPage(f))
}

// renderLinkSent is the one answer of every form that mails a link, given
// no sooner than web.AnswerFloor after the form's request started.
func (h *Handler) renderLinkSent(w http.ResponseWriter, r *http.Request, start time.Time, ttl time.Duration) {
	ctx := r.Context()
	web.EvenOut(ctx, start)
	sent := views.LinkSent{Validity: validity(i18n.LangOf(ctx), ttl)}
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusOK, views.LinkSentPanel(sent))
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.sent.title"), views.LinkSentPage(sent))
}
