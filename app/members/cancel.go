package members

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// errNotMember: only members can end a membership.
var errNotMember = errors.New("members: not a member")

// cancelForm is GET /edit/{token}/cancel, the second confirmation before a
// member ends their membership.
func (h *Handler) cancelForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, ok := h.openLink(w, r, kindEdit)
	if !ok {
		return
	}
	p, ok := h.linkedPerson(w, r, l)
	if !ok {
		return
	}
	if p.MembershipStatus != StatusConfirmed {
		h.site.Flash(r, "info", i18n.T(ctx, "members.cancel.not_member"))
		web.Redirect(w, r, "/edit/"+l.token)
		return
	}
	fees, err := persons.HeldBy(ctx, h.pool, persons.DomainFees, p.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.cancel.title"), views.CancelConfirm(views.CancelPage{
		Action: "/edit/" + l.token + "/cancel", Back: "/edit/" + l.token, Name: p.Name, Fees: fees,
	}))
}

// cancel is POST /edit/{token}/cancel: the membership ends, the board and
// the former member get a mail.
func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		personID, err := tokens.Consume(ctx, tx, tokens.MembershipEdit, token)
		if err != nil {
			return err
		}
		return h.cancelTx(ctx, tx, personID)
	})
	switch {
	case errors.Is(err, errNotMember):
		h.site.Flash(r, "info", i18n.T(ctx, "members.cancel.not_member"))
	case isLinkProblem(err):
		h.linkProblem(w, r, kindEdit, err)
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "members.cancel.done"))
	}
	web.Redirect(w, r, "/edit/"+token)
}

func (h *Handler) cancelTx(ctx context.Context, tx pgx.Tx, personID int64) error {
	p, err := loadPerson(ctx, tx, personID, true)
	if err != nil {
		return err
	}
	if p.MembershipStatus != StatusConfirmed {
		return errNotMember
	}
	const q = `UPDATE persons SET membership_status = 'canceled', leaving_date = (now() AT TIME ZONE '` + web.Zone + `')::date,
		version = version + 1, updated_at = now() WHERE id = $1 RETURNING leaving_date`
	var left time.Time
	if err := tx.QueryRow(ctx, q, p.ID).Scan(&left); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, changed(p.ID, audit.ActorParticipant, nil,
		field{"membership_status", p.MembershipStatus, StatusCanceled},
		field{"leaving_date", isoDate(p.LeavingDate), isoDate(&left)})...); err != nil {
		return err
	}
	if err := h.send(ctx, tx, outgoing{kind: mailBoardCanceled, text: "board_canceled", lang: i18n.DE,
		to: h.board(), personID: p.ID, data: map[string]any{
			"Name": p.Name, "Email": p.Email, "JoiningDate": dateIn(i18n.DE, p.JoiningDate),
		}}); err != nil {
		return err
	}
	fees, err := persons.HeldBy(ctx, tx, persons.DomainFees, p.ID)
	if err != nil {
		return err
	}
	return h.send(ctx, tx, outgoing{kind: mailCanceled, text: "canceled", lang: i18n.LangOf(ctx),
		to: p.Email, personID: p.ID, data: map[string]any{"Name": p.Name, "Fees": fees, "EditLink": h.cfg.URL("/request_edit")}})
}
