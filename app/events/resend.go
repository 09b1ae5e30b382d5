package events

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// resendPage is GET /events/resend_emails/.
func (h *Handler) resendPage(w http.ResponseWriter, r *http.Request) {
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "events.resend.title"), events.ResendPage(events.ResendView{}))
}

// resend is POST /events/resend_emails/. The answer is the same for every
// address, known or not, and takes as long; a known person gets one mail
// with the links to all their registrations whose links still work.
func (h *Handler) resend(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email == "" || !mail.ValidAddress(email) {
		v := events.ResendView{Email: email, Error: i18n.T(ctx, "events.field.email")}
		h.site.Render(w, r, http.StatusUnprocessableEntity, i18n.T(ctx, "events.resend.title"), events.ResendPage(v))
		return
	}
	if ok, retry := h.resendByIP.Allow(r.Context(), h.clientKey(r)); !ok {
		h.tooMany(w, r, retry)
		return
	}
	start := time.Now()
	if ok, _ := h.mailsByAddress.Allow(r.Context(), strings.ToLower(email)); ok {
		if err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error { return h.svc.mailLinks(ctx, tx, email) }); err != nil {
			h.site.ServerError(w, r, err)
			return
		}
	}
	// Looking up registrations and queueing a mail takes longer than
	// finding none: the floor hides which addresses have registrations.
	web.EvenOut(ctx, start)
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "events.resend.title"), events.ResendPage(events.ResendView{Sent: true}))
}

// mailLinks queues one mail listing a personal link for every
// registration of the person with email whose link still works; nothing
// when there is none or the address is unknown.
func (s *Service) mailLinks(ctx context.Context, tx pgx.Tx, email string) error {
	const q = `SELECT r.id FROM registrations r JOIN persons p ON p.id = r.person_id
		JOIN events e ON e.id = r.event_id
		WHERE lower(p.email) = lower($1)
		ORDER BY e.starts_at NULLS LAST, e.id`
	rows, err := tx.Query(ctx, q, email)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	var (
		lines []linkLine
		first *Registration
		sie   bool
	)
	for _, id := range ids {
		reg, err := loadRegistration(ctx, tx, id, false)
		if err != nil {
			return err
		}
		ev, err := LoadEvent(ctx, tx, strconv.FormatInt(reg.EventID, 10))
		if err != nil {
			return err
		}
		if !ev.LinksValid(time.Now()) {
			continue
		}
		link, err := s.PersonalLink(ctx, tx, reg.ID, ev)
		if err != nil {
			return err
		}
		if first == nil {
			first = reg
		}
		// One mail speaks to the person once, for every event in it:
		// with Sie if any of them asks for it (events have no site-wide
		// default to fall back on; du is the column's). Whoever is
		// addressed formally for one event would read du in the mail
		// that carries that event's link as a lapse; Sie where another
		// event says du is merely polite. The order of the events, or
		// which registration came first, does not decide it.
		sie = sie || ev.Address() == i18n.Sie
		// One mail, one language: that of the first registration, which
		// the mail is written in.
		lang := first.Lang()
		lines = append(lines, linkLine{
			Event: oneLine(ev.NameIn(lang)), When: when(ev, lang), Link: link,
			StatusText: events.StatusLabelIn(lang, reg.Status),
		})
	}
	if first == nil {
		return nil
	}
	data := mailData{Sie: sie, Name: oneLine(first.Name), Links: slices.Clip(lines)}
	msg, err := s.texts.Message(first.Lang(), "registration_links", data, mail.Address(data.Name, first.Email))
	if err != nil {
		return err
	}
	msg.Kind = "event_registration_links"
	msg.PersonID = first.PersonID
	_, err = mail.Enqueue(ctx, tx, msg)
	return err
}
