package fees

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/web"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// paperFrame is the paper mandate form with the members to choose from.
func (h *Handler) paperFrame(ctx context.Context) (views.MandateForm, []members.Person, error) {
	ms, err := members.ConfirmedMembers(ctx, h.pool, h.now().Year()+1)
	if err != nil {
		return views.MandateForm{}, nil, err
	}
	f := views.MandateForm{Action: "/admin/fees/mandates/new", Paper: true}
	for _, p := range ms {
		f.People = append(f.People, views.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name + " (" + p.Email + ")"})
	}
	return f, ms, nil
}

func (h *Handler) renderPaper(w http.ResponseWriter, r *http.Request, status int, f views.MandateForm) {
	if !h.cfg.SEPA.Ready() || h.box == nil {
		h.renderAdmin(w, r, http.StatusConflict, views.RateForm{}, views.RunForm{})
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "fees.admin.paper"), views.Paper(f))
}

// paperForm is GET /admin/fees/mandates/new.
func (h *Handler) paperForm(w http.ResponseWriter, r *http.Request) {
	f, _, err := h.paperFrame(r.Context())
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderPaper(w, r, http.StatusOK, f)
}

// paperSubmit is POST /admin/fees/mandates/new: a mandate the member
// signed on paper, with its date; the member is told by mail.
func (h *Handler) paperSubmit(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	if !h.cfg.SEPA.Ready() || h.box == nil {
		h.renderPaper(w, r, http.StatusConflict, views.MandateForm{})
		return
	}
	frame, ms, err := h.paperFrame(ctx)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	in, f := readMandateForm(ctx, r, frame)
	f.PersonID = strings.TrimSpace(r.PostFormValue("person_id"))
	f.SignedOn = strings.TrimSpace(r.PostFormValue("signed_on"))
	var person *members.Person
	if id, err := strconv.ParseInt(f.PersonID, 10, 64); err == nil {
		for i := range ms {
			if ms[i].ID == id {
				person = &ms[i]
			}
		}
	}
	if person == nil {
		f.PersonError = i18n.T(ctx, "fees.error.member")
	}
	signed, err := time.Parse(time.DateOnly, f.SignedOn)
	// A mandate never collected from lapses lapseMonths after it was
	// signed: entered older, it could never be used.
	oldest := today(h.now()).AddDate(0, -lapseMonths, 0)
	switch {
	case err != nil:
		f.SignedOnError = i18n.T(ctx, "fees.error.signed_on")
	case signed.After(today(h.now())):
		f.SignedOnError = i18n.T(ctx, "fees.error.signed_on_future")
	case signed.Before(oldest):
		f.SignedOnError = i18n.T(ctx, "fees.error.signed_on_lapsed", lapseMonths, oldest.Format(i18n.DayLayout(i18n.LangOf(ctx))))
	}
	if in == nil || f.PersonError != "" || f.SignedOnError != "" {
		h.renderPaper(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	in.PersonID, in.SignedOn, in.Paper, in.Prefix = person.ID, signed, true, h.cfg.SEPA.Prefix
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		m, changed, err := GiveMandate(ctx, tx, h.box, *in, actor(ctx))
		if err != nil {
			return err
		}
		name := "mandate_given"
		if changed {
			name = "mandate_changed"
		}
		return h.mailer().mandateMail(ctx, tx, *person, name, m, nil)
	})
	if errors.Is(err, ErrNotMember) {
		f.PersonError = i18n.T(ctx, "fees.member.not_member")
		h.renderPaper(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if errors.Is(err, ErrHasMandate) {
		f.PersonError = i18n.T(ctx, "fees.error.has_mandate", person.Name)
		h.renderPaper(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "fees.mandate.saved"))
	web.Redirect(w, r, "/admin/fees")
}
