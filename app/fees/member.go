package fees

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// linkPerson is the member behind the request's edit link; a link that
// does not work is answered, and ok is false. With former, someone who
// left is let in too while the fees still hold them (a mandate not
// revoked, a fee open): leaving does not revoke a mandate, and its
// holder must be able to.
func (h *Handler) linkPerson(w http.ResponseWriter, r *http.Request, former bool) (members.Person, string, bool) {
	token := chi.URLParam(r, "token")
	p, err := members.EditLinkPerson(r.Context(), h.pool, token)
	if err == nil && !p.IsMember() && former {
		var held bool
		held, err = persons.HeldBy(r.Context(), h.pool, persons.DomainFees, p.ID)
		former = held
	}
	switch {
	case errors.Is(err, tokens.ErrNotFound):
		h.site.NotFound(w, r)
	case errors.Is(err, tokens.ErrExpired), errors.Is(err, members.ErrGone):
		h.site.Error(w, r, http.StatusGone, i18n.T(r.Context(), "fees.member.link_gone"))
	case err != nil:
		h.site.ServerError(w, r, err)
	case !p.IsMember() && !former:
		h.site.Error(w, r, http.StatusNotFound, i18n.T(r.Context(), "fees.member.not_member"))
	default:
		return p, token, true
	}
	return members.Person{}, "", false
}

// memberPage is the member's fee page with form f.
func (h *Handler) memberPage(ctx context.Context, p members.Person, token string, f views.MandateForm) (views.MemberPage, error) {
	v := views.MemberPage{EditLink: "/edit/" + token, RevokeURL: "/edit/" + token + "/mandate/revoke",
		Missing: !h.cfg.SEPA.Ready() || h.box == nil, Former: !p.IsMember(),
		Text: views.MandateText{Creditor: h.cfg.SEPA.CreditorName, CreditorID: h.cfg.SEPA.CreditorID}}
	fees, err := PersonFees(ctx, h.pool, p.ID)
	if err != nil {
		return v, err
	}
	for _, f := range fees {
		v.Fees = append(v.Fees, feeRow(f, i18n.LangOf(ctx)))
	}
	m, err := ActiveMandate(ctx, h.pool, p.ID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return v, err
	case !m.Lapsed:
		mv := mandateView(m, i18n.LangOf(ctx))
		v.Mandate = &mv
		v.Text.Reference = m.Reference
		f.Changing = true
		for i := range v.Fees {
			v.Fees[i].Transfer = v.Fees[i].Status == "due" && v.Fees[i].Reference == ""
		}
	}
	f.Action = "/edit/" + token + "/mandate"
	if f.Holder == "" && v.Mandate == nil {
		f.Holder = p.Name
	}
	v.Form = f
	return v, nil
}

func (h *Handler) renderMember(w http.ResponseWriter, r *http.Request, status int, v views.MemberPage) {
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, status, i18n.T(r.Context(), "fees.member.title"), views.Member(v))
}

// mandateForm is GET /edit/{token}/mandate: the member's fees and mandate.
func (h *Handler) mandateForm(w http.ResponseWriter, r *http.Request) {
	p, token, ok := h.linkPerson(w, r, true)
	if !ok {
		return
	}
	v, err := h.memberPage(r.Context(), p, token, views.MandateForm{})
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderMember(w, r, http.StatusOK, v)
}

// mandateSubmit is POST /edit/{token}/mandate: a new mandate, signed
// today, or a new account for the valid one; confirmed by mail.
func (h *Handler) mandateSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	p, token, ok := h.linkPerson(w, r, false)
	if !ok {
		return
	}
	ctx := r.Context()
	if !h.cfg.SEPA.Ready() || h.box == nil {
		h.site.Error(w, r, http.StatusConflict, i18n.T(ctx, "fees.member.not_configured"))
		return
	}
	in, f := readMandateForm(ctx, r, views.MandateForm{})
	if in == nil {
		v, err := h.memberPage(ctx, p, token, f)
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		h.renderMember(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	in.PersonID = p.ID
	in.SignedOn = today(h.now())
	in.Prefix = h.cfg.SEPA.Prefix
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		m, changed, err := GiveMandate(ctx, tx, h.box, *in, audit.Entry{Actor: audit.ActorParticipant})
		if err != nil {
			return err
		}
		name := "mandate_given"
		if changed {
			name = "mandate_changed"
		}
		return h.mailer().mandateMail(ctx, tx, p, name, m, nil)
	})
	switch {
	case errors.Is(err, ErrNotMember):
		h.site.Error(w, r, http.StatusNotFound, i18n.T(ctx, "fees.member.not_member"))
		return
	case errors.Is(err, ErrUnchanged):
		h.site.Flash(r, "info", i18n.T(ctx, "fees.mandate.unchanged"))
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "fees.mandate.saved"))
	}
	web.Redirect(w, r, "/edit/"+token+"/mandate")
}

// mandateRevoke is POST /edit/{token}/mandate/revoke.
func (h *Handler) mandateRevoke(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	p, token, ok := h.linkPerson(w, r, true)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.PostFormValue("confirm") != "yes" {
		v, err := h.memberPage(ctx, p, token, views.MandateForm{})
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		v.RevokeError = i18n.T(ctx, "fees.error.revoke_confirm")
		h.renderMember(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	switch err := h.revoke(ctx, p, audit.Entry{Actor: audit.ActorParticipant}); {
	case errors.Is(err, ErrNotFound):
		// Revoked already (a second click, another tab): the page shows
		// it so and says why nothing more happened.
		h.site.Flash(r, "info", i18n.T(ctx, "fees.error.no_mandate"))
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "fees.mandate.revoked"))
	}
	// Whoever left has the fee page only while something concerns them
	// there; the revocation may have been the last.
	if !p.IsMember() {
		web.Redirect(w, r, "/edit/"+token)
		return
	}
	web.Redirect(w, r, "/edit/"+token+"/mandate")
}

// revoke ends member p's mandate for actor and mails p (revokeTx).
func (h *Handler) revoke(ctx context.Context, p members.Person, actor audit.Entry) error {
	return pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		return h.revokeTx(ctx, tx, p, actor, "mandate_revoked")
	})
}

// revokeTx ends p's mandate for actor inside tx and mails p: the
// revocation (mail text name), with a debit the bank still collects, and
// an invoice for each fee a run not yet at the bank would have collected.
// ErrNotFound without a mandate.
func (h *Handler) revokeTx(ctx context.Context, tx pgx.Tx, p members.Person, actor audit.Entry, name string) error {
	m, withdrawn, err := RevokeMandate(ctx, tx, p.ID, actor)
	if err != nil {
		return err
	}
	atBank, err := DebitAtBank(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	if err := h.mailer().mandateMail(ctx, tx, p, name, m, atBank); err != nil {
		return err
	}
	for _, d := range withdrawn {
		if err := h.mailer().runMails(ctx, tx, d.Run, []Candidate{{Person: p, Cents: d.Cents}}); err != nil {
			return err
		}
	}
	return nil
}

// EndMandate revokes the mandate of person personID, whose application
// was denied (members.EndMandate), and mails them that nothing more will
// be collected. Nothing happens without a mandate.
func (h *Handler) EndMandate(ctx context.Context, tx pgx.Tx, personID int64, by members.Actor) error {
	p, err := members.Load(ctx, tx, personID)
	if err != nil {
		return err
	}
	err = h.revokeTx(ctx, tx, p, audit.Entry{UserID: by.UserID, Actor: by.Name}, "mandate_ended")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

func (h *Handler) mailer() Mailer { return Mailer{cfg: h.cfg, texts: h.texts} }

// today is the date in the association's time zone.
func today(now time.Time) time.Time {
	y, m, d := now.In(web.Berlin).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// mandateView is m for the pages, its days as lang's readers write them
// (as the mails do).
func mandateView(m Mandate, lang i18n.Lang) views.MandateView {
	v := views.MandateView{Reference: m.Reference, Holder: m.AccountHolder, IBAN: m.IBANMasked,
		SignedOn: m.SignedOn.Format(i18n.DayLayout(lang)), Paper: m.Paper, Lapsed: m.Lapsed}
	if m.LastCollectedOn != nil {
		v.LastCollected = m.LastCollectedOn.Format(i18n.DayLayout(lang))
	}
	return v
}

func feeRow(f Fee, lang i18n.Lang) views.FeeRow {
	row := views.FeeRow{PersonID: f.PersonID, ID: f.ID, Name: f.Name, Year: itoa(f.Year), Amount: amount(f.Cents), Status: f.Status,
		Reference: f.Reference, Sequence: f.Sequence, ReturnReason: f.ReturnReason, Again: f.Again}
	if f.CollectOn != nil {
		row.CollectOn = f.CollectOn.Format(i18n.DayLayout(lang))
	}
	row.RevokedAtBank = f.RevokedAtBank
	return row
}
