package events

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/ui"
)

// byToken loads the registration and event of a personal link. Unknown
// links are ErrNotFound, links that expired or were withdrawn (an erasure
// withdraws them) tokens.ErrExpired, links of events long over
// errEventOver.
func (h *Handler) byToken(ctx context.Context, q Querier, token string) (*Registration, *Event, error) {
	id, err := tokens.Check(ctx, q, tokens.RegistrationManage, token)
	if err != nil {
		return nil, nil, err
	}
	reg, err := loadRegistration(ctx, q, id, false)
	if err != nil {
		return nil, nil, err
	}
	ev, err := LoadEvent(ctx, q, strconv.FormatInt(reg.EventID, 10))
	if err != nil {
		return nil, nil, err
	}
	if !ev.LinksValid(time.Now()) {
		return nil, nil, errEventOver
	}
	return reg, ev, nil
}

// errEventOver: an event's personal links end a while after it.
var errEventOver = errors.New("events: the event's links have ended")

// linkError answers the errors of byToken: why the link does not work,
// with new links where they help.
func (h *Handler) linkError(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	var p events.LinkProblem
	switch {
	case errors.Is(err, tokens.ErrNotFound), errors.Is(err, ErrNotFound):
		p = events.LinkProblem{Status: http.StatusNotFound, Text: i18n.T(ctx, "events.personal.unknown_link"), Resend: true}
	case errors.Is(err, errEventOver):
		p = events.LinkProblem{Status: http.StatusGone, Text: i18n.T(ctx, "events.personal.expired_link")}
	case errors.Is(err, tokens.ErrExpired):
		p = events.LinkProblem{Status: http.StatusGone, Text: i18n.T(ctx, "events.personal.invalid_link"), Resend: true}
	default:
		h.site.ServerError(w, r, err)
		return
	}
	if web.WantsJSON(r) {
		h.site.Error(w, r, p.Status, "")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if web.IsFragment(r) {
		// htmx swaps no 404 or 410: a reload shows this page instead of
		// a button that does nothing.
		w.Header().Set("HX-Refresh", "true")
	}
	h.site.Render(w, r, p.Status, i18n.T(ctx, "error."+ui.KnownStatus(p.Status)+".title"), events.LinkProblemPage(p))
}

// personalPage is GET /events/registration/{token}/.
func (h *Handler) personalPage(w http.ResponseWriter, r *http.Request) {
	reg, ev, err := h.byToken(r.Context(), h.pool, chi.URLParam(r, "token"))
	if err != nil {
		h.linkError(w, r, err)
		return
	}
	r = addressing(r, ev)
	v, err := h.personalView(r, reg, ev, nil, nil)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderPersonal(w, r, http.StatusOK, v)
}

func (h *Handler) renderPersonal(w http.ResponseWriter, r *http.Request, status int, v events.PersonalView) {
	// The link is a password: keep it out of caches and Referer headers.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.site.Render(w, r, status, v.Event.Name, events.PersonalPage(v))
}

// personalView shapes the page. values and errs are a rejected save;
// without them the form shows the stored answers.
func (h *Handler) personalView(r *http.Request, reg *Registration, ev *Event, values url.Values, errs schema.Errors) (events.PersonalView, error) {
	ctx := r.Context()
	now := time.Now()
	pos, err := waitingPosition(ctx, h.pool, reg)
	if err != nil {
		return events.PersonalView{}, err
	}
	v := events.PersonalView{
		Event:      eventHeader(ev, i18n.LangOf(ctx), false),
		Action:     r.URL.Path,
		Name:       reg.Name,
		Email:      reg.Email,
		Status:     reg.Status,
		Position:   pos,
		CanConfirm: reg.Status == StatusPending || (reg.Status == StatusCanceled && ev.IsOpen(now)),
		// Whoever was let in at the door has come: their place is not
		// given to the waiting list from their phone.
		CanCancel: reg.Status != StatusCanceled && reg.CheckedInAt == nil,
		// Only someone waiting can be given the place, and only before
		// the event begins (passOnPlaces).
		CancelFreesPlace: reg.Status == StatusConfirmed && ev.MaxParticipants != nil && ev.Waiting > 0 && !ev.Begun(now),
	}
	// Someone who cancelled is not coming: no calendar entry for them.
	if ev.StartsAt != nil && reg.Status != StatusCanceled {
		v.CalendarURL = calendarPath(ev, i18n.LangOf(ctx))
	}
	if reg.Status == StatusWaitinglist {
		offer, err := OpenOffer(ctx, h.pool, reg.ID)
		if err != nil {
			return v, err
		}
		if offer != nil && now.Before(offer.ExpiresAt) {
			v.OfferDeadline = deadline(offer.ExpiresAt, i18n.LangOf(ctx))
			// Declining the offer is the way to leave.
			v.CanCancel = false
		}
	}
	if reg.Status == StatusConfirmed && reg.CheckinCode != nil {
		t, err := ticketView(ctx, reg)
		if err != nil {
			return v, err
		}
		v.Ticket = &t
	}
	if reg.Status == StatusConfirmed || reg.Status == StatusWaitinglist {
		form, err := h.answersForm(r, reg, ev, values, errs)
		if err != nil {
			return v, err
		}
		// An event that asks nothing shows no "your answers" heading
		// over nothing.
		if len(form.Fields) > 0 || len(form.Former) > 0 {
			v.Answers = &form
		}
	}
	return v, nil
}

// ticketView shapes a confirmed registration's ticket.
func ticketView(ctx context.Context, reg *Registration) (events.Ticket, error) {
	code := FormatCode(*reg.CheckinCode)
	svg, err := TicketSVG(*reg.CheckinCode, i18n.T(ctx, "events.ticket.qr_label", code))
	if err != nil {
		return events.Ticket{}, err
	}
	t := events.Ticket{Code: code, QR: svg}
	if reg.CheckedInAt != nil {
		t.CheckedIn = web.LocalTime(ctx, *reg.CheckedInAt)
	}
	return t, nil
}

func (h *Handler) answersForm(r *http.Request, reg *Registration, ev *Event, values url.Values, errs schema.Errors) (events.AnswersForm, error) {
	editable := ev.EditingOpen(time.Now())
	raw := ev.RegistrationSchema
	if !editable {
		// Answers that can no longer change show with the questions they
		// answered, also after the form changed.
		var err error
		if raw, err = h.answeredForm(r.Context(), reg, ev); err != nil {
			return events.AnswersForm{}, err
		}
	}
	fm, err := schema.ParseCached(raw)
	if err != nil {
		return events.AnswersForm{}, err
	}
	fm = fm.In(i18n.LangOf(r.Context()))
	answers, err := reg.Answers()
	if err != nil {
		return events.AnswersForm{}, err
	}
	if values == nil {
		values = schema.Values(fm, answers, i18n.LangOf(r.Context()))
	}
	f := events.AnswersForm{
		Action:    r.URL.Path,
		Fields:    schema.View(fm, values, errs, !editable),
		Editable:  editable,
		HasErrors: len(errs) > 0,
	}
	if editable {
		if f.Former, err = h.formerAnswers(r.Context(), reg, ev, fm, answers); err != nil {
			return events.AnswersForm{}, err
		}
	}
	return f, nil
}

// formerAnswers are the answers the form fm cannot show after the
// organisers changed it: to questions it no longer asks, or a choice it
// no longer offers. They are labelled as the form the person answered
// asked them, so the person sees what stays stored (and what saving a
// required choice will replace).
func (h *Handler) formerAnswers(ctx context.Context, reg *Registration, ev *Event, fm *schema.Form, answers map[string]any) ([]events.FormerAnswer, error) {
	rest := unshownAnswers(fm, answers)
	if len(rest) == 0 {
		return nil, nil
	}
	answered, err := h.answeredForm(ctx, reg, ev)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(rest)
	if err != nil {
		return nil, err
	}
	var out []events.FormerAnswer
	for _, a := range answerList(answered, data, i18n.LangOf(ctx)) {
		out = append(out, events.FormerAnswer{Label: a.Label, Value: a.Value})
	}
	return out, nil
}

// unshownAnswers is what of answers the form fm cannot show: answers to
// questions it no longer asks, and choices it no longer offers.
func unshownAnswers(fm *schema.Form, answers map[string]any) map[string]any {
	rest := deepClone(answers)
	for _, f := range fm.Flatten() {
		v, ok := schema.Lookup(answers, f.Path).(string)
		if !ok || len(f.Enum) == 0 || slices.Contains(f.Enum, v) {
			forget(rest, strings.Split(f.Path, "."))
		}
	}
	return rest
}

// deepClone copies answers with their groups, which forget changes.
func deepClone(answers map[string]any) map[string]any {
	out := maps.Clone(answers)
	for k, v := range out {
		if g, ok := v.(map[string]any); ok {
			out[k] = deepClone(g)
		}
	}
	return out
}
