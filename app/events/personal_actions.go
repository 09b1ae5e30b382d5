package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// errClosed refuses registering again after registration closed.
var errClosed = errors.New("events: registration is closed")

// errNotEditable refuses saving answers of a registration that was
// cancelled meanwhile.
var errNotEditable = errors.New("events: registration cannot be edited")

// personalAction is POST /events/registration/{token}/: confirm, save
// or cancel.
func (h *Handler) personalAction(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	switch r.PostForm.Get("action") {
	case "confirm":
		h.confirm(w, r)
	case "cancel":
		h.cancel(w, r)
	case "save":
		h.save(w, r)
	case "take_offer", "decline_offer":
		h.answerOffer(w, r, r.PostForm.Get("action") == "take_offer")
	default:
		h.site.Error(w, r, http.StatusBadRequest, "")
	}
}

// confirm locks the event, counts confirmed places and sets confirmed or
// waitinglist (Service.Confirm). Clicking twice, or ten requests at once,
// change the status once and send one mail.
func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	var out Outcome
	address := i18n.Du
	// The registration and event are read once, under their locks: this
	// is the hottest transaction of a registration rush.
	err := pgx.BeginFunc(r.Context(), h.pool, func(tx pgx.Tx) error {
		id, err := tokens.Check(r.Context(), tx, tokens.RegistrationManage, chi.URLParam(r, "token"))
		if err != nil {
			return err
		}
		out, err = h.svc.Confirm(r.Context(), tx, id, Participant, func(reg *Registration, ev *Event) error {
			address = ev.Address()
			now := time.Now()
			if !ev.LinksValid(now) {
				return errEventOver
			}
			if reg.Status == StatusCanceled && !ev.IsOpen(now) {
				return errClosed
			}
			return nil
		})
		return err
	})
	r = r.WithContext(i18n.WithFormality(r.Context(), address))
	switch {
	case errors.Is(err, errClosed):
		h.site.FlashTo(w, r, "warning", i18n.T(r.Context(), "events.personal.closed"))
	case err != nil:
		h.linkError(w, r, err)
		return
	case out.Changed && out.Status == StatusConfirmed:
		h.site.FlashTo(w, r, "success", i18n.T(r.Context(), "events.personal.confirmed"))
	case out.Changed && out.Status == StatusWaitinglist:
		h.site.FlashTo(w, r, "warning", i18n.T(r.Context(), "events.personal.waitinglist", out.Position))
	}
	web.Redirect(w, r, r.URL.Path)
}

// errCheckedIn refuses a participant's cancellation after the door let
// them in.
var errCheckedIn = errors.New("events: checked in already")

// cancel sets canceled; a freed place goes to the waiting list's first.
func (h *Handler) cancel(w http.ResponseWriter, r *http.Request) {
	var out Outcome
	address := i18n.Du
	err := pgx.BeginFunc(r.Context(), h.pool, func(tx pgx.Tx) error {
		reg, ev, err := h.byToken(r.Context(), tx, chi.URLParam(r, "token"))
		if err != nil {
			return err
		}
		address = ev.Address()
		if reg.CheckedInAt != nil {
			return errCheckedIn
		}
		out, err = h.svc.Cancel(r.Context(), tx, reg.ID, Participant)
		return err
	})
	r = r.WithContext(i18n.WithFormality(r.Context(), address))
	if errors.Is(err, errCheckedIn) {
		h.site.FlashTo(w, r, "warning", i18n.T(r.Context(), "events.personal.checked_in_no_cancel"))
		web.Redirect(w, r, r.URL.Path)
		return
	}
	if err != nil {
		h.linkError(w, r, err)
		return
	}
	if out.Changed {
		h.site.FlashTo(w, r, "info", i18n.T(r.Context(), "events.personal.canceled"))
	}
	web.Redirect(w, r, r.URL.Path)
}

// save re-validates and stores changed answers.
func (h *Handler) save(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	reg, ev, err := h.byToken(r.Context(), h.pool, token)
	if err != nil {
		h.linkError(w, r, err)
		return
	}
	r = addressing(r, ev)
	ctx := r.Context()
	fm, err := schema.ParseCached(ev.RegistrationSchema)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	fm = fm.In(i18n.LangOf(ctx))
	if reg.Status != StatusConfirmed && reg.Status != StatusWaitinglist {
		h.site.FlashTo(w, r, "warning", i18n.T(ctx, "events.personal.not_editable"))
		web.Redirect(w, r, r.URL.Path)
		return
	}
	if !ev.EditingOpen(time.Now()) {
		h.site.FlashTo(w, r, "warning", i18n.T(ctx, "events.personal.editing_closed"))
		web.Redirect(w, r, r.URL.Path)
		return
	}
	answers, errs := schema.Validate(fm, r.PostForm, i18n.LangOf(ctx))
	if len(errs) > 0 {
		h.renderAnswers(w, r, http.StatusUnprocessableEntity, reg, ev, r.PostForm, errs)
		return
	}
	var data []byte
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var old, status string
		err := tx.QueryRow(ctx, `SELECT data::text, status FROM registrations WHERE id = $1 FOR UPDATE`, reg.ID).Scan(&old, &status)
		if err != nil {
			return err
		}
		if status != StatusConfirmed && status != StatusWaitinglist {
			return errNotEditable
		}
		if data, err = keepFormerAnswers(fm, old, answers); err != nil {
			return err
		}
		const q = `UPDATE registrations SET data = $2, version = version + 1, updated_at = now() WHERE id = $1`
		if _, err := tx.Exec(ctx, q, reg.ID, data); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{
			Actor: audit.ActorParticipant, Table: "registrations", RowID: strconv.FormatInt(reg.ID, 10),
			Field: "data", OldValue: audit.Value(old), NewValue: audit.Value(string(data)),
		})
	})
	if errors.Is(err, errNotEditable) {
		// Cancelled in another tab meanwhile.
		h.site.FlashTo(w, r, "warning", i18n.T(ctx, "events.personal.not_editable"))
		web.Redirect(w, r, r.URL.Path)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "events.personal.saved"))
	if !web.IsFragment(r) {
		web.Redirect(w, r, r.URL.Path)
		return
	}
	reg.Data = data
	h.renderAnswers(w, r, http.StatusOK, reg, ev, nil, nil)
}

// renderAnswers answers htmx with the answers form alone, a plain post
// with the whole page.
func (h *Handler) renderAnswers(w http.ResponseWriter, r *http.Request, status int, reg *Registration, ev *Event, values map[string][]string, errs schema.Errors) {
	if web.IsFragment(r) {
		form, err := h.answersForm(r, reg, ev, values, errs)
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h.site.RenderFragment(w, r, status, events.AnswersFormFragment(form))
		return
	}
	v, err := h.personalView(r, reg, ev, values, errs)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderPersonal(w, r, status, v)
}

// keepFormerAnswers is answers with what old (as stored) holds that the
// form fm cannot show (unshownAnswers): the page lists those as staying
// stored, and the organisers still see them, so a participant changing
// another answer must not erase them unseen. An answer typed now wins.
func keepFormerAnswers(fm *schema.Form, old string, answers map[string]any) ([]byte, error) {
	var before map[string]any
	if err := json.Unmarshal([]byte(old), &before); err != nil {
		return nil, fmt.Errorf("events: stored answers: %w", err)
	}
	addMissing(answers, unshownAnswers(fm, before))
	return json.Marshal(answers)
}

// addMissing copies into dst what src has and dst lacks, group by group.
func addMissing(dst, src map[string]any) {
	for k, v := range src {
		d, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		dg, dok := d.(map[string]any)
		sg, sok := v.(map[string]any)
		if dok && sok {
			addMissing(dg, sg)
		}
	}
}
