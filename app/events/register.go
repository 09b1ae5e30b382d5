package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// registrationEvent loads the event of the URL for its registration page.
// It answers the request itself (404, or the redirect of a closed event)
// and returns ok false then. preview is true for a closed event shown to a
// user with view_registration.
func (h *Handler) registrationEvent(w http.ResponseWriter, r *http.Request, allowPreview bool) (ev *Event, fm *schema.Form, preview, ok bool) {
	ev, err := LoadEvent(r.Context(), h.pool, chi.URLParam(r, "id"))
	if errors.Is(err, ErrNotFound) {
		h.site.NotFound(w, r)
		return nil, nil, false, false
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return nil, nil, false, false
	}
	if !ev.IsOpen(time.Now()) {
		if !allowPreview || !auth.CurrentUser(r.Context()).Has(LevelViewRegistration) {
			// The event list says so: through the address, not a flash,
			// so a visitor who is not logged in gets no session for it
			// (a loop of such requests would fill the sessions table).
			web.Redirect(w, r, "/events/?closed="+url.QueryEscape(ev.Ref()))
			return nil, nil, false, false
		}
		preview = true
	}
	fm, err = schema.ParseCached(ev.RegistrationSchema)
	if err != nil {
		h.site.ServerError(w, r, fmt.Errorf("events: event %d: stored schema: %w", ev.ID, err))
		return nil, nil, false, false
	}
	fm = fm.In(i18n.LangOf(r.Context()))
	return ev, fm, preview, true
}

// registrationPage is GET /events/{id}/registration/.
func (h *Handler) registrationPage(w http.ResponseWriter, r *http.Request) {
	ev, fm, preview, ok := h.registrationEvent(w, r, true)
	if !ok {
		return
	}
	r = addressing(r, ev)
	form := events.RegistrationForm{
		Action:  r.URL.Path,
		Fields:  append(h.personFields(r, ev, nil, nil), schema.View(fm, schema.Defaults(fm, i18n.LangOf(r.Context())), nil, false)...),
		Preview: preview,
	}
	h.renderRegistration(w, r, http.StatusOK, ev, preview, form)
}

func (h *Handler) renderRegistration(w http.ResponseWriter, r *http.Request, status int, ev *Event, preview bool, form events.RegistrationForm) {
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, status, events.RegistrationFormFragment(form))
		return
	}
	v := events.RegistrationView{Event: eventHeader(ev, i18n.LangOf(r.Context()), preview), Form: form}
	r = r.WithContext(layout.WithDescription(r.Context(), pageDescription(r.Context(), v.Event)))
	h.site.Render(w, r, status, v.Event.Name, events.RegistrationPage(v))
}

// descriptionLength is about what search results show of a description.
const descriptionLength = 200

// pageDescription describes the registration page for search results and
// link previews: the event, when it is, and the start of its description.
func pageDescription(ctx context.Context, head events.EventHeader) string {
	d := i18n.T(ctx, "events.registration.description", oneLine(head.Name))
	if head.When != "" {
		d += " (" + head.When + ")"
	}
	d += "."
	if text := schema.Summary(head.Description); text != "" {
		d += " " + text
	}
	if r := []rune(d); len(r) > descriptionLength {
		d = strings.TrimRightFunc(string(r[:descriptionLength-1]), unicode.IsSpace) + "…"
	}
	return d
}

// register is POST /events/{id}/registration/: find or create the person,
// store a pending registration and mail the confirmation link, in one
// transaction. Registering again for the same event changes nothing but
// mails the link with the current state; the answer is the same. A
// cancelled registration is registered anew.
//
// This is the hottest request of a registration rush, so its writes go in
// three round trips: the client's count with the person, the
// registration, and the audit entries with the link and the mail.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ev, fm, _, ok := h.registrationEvent(w, r, false)
	if !ok {
		return
	}
	r = addressing(r, ev)
	ctx := r.Context()
	lang := i18n.LangOf(ctx)
	name := oneLine(r.PostForm.Get("name"))
	email := strings.TrimSpace(r.PostForm.Get("email"))
	answers, errs := schema.Validate(fm, r.PostForm, lang)
	h.checkPerson(r, ev, name, email, errs)
	if len(errs) > 0 {
		// Every attempt counts, not only those that get as far as the
		// database.
		if allowed, retry := h.registerByIP.Allow(ctx, h.clientKey(r)); !allowed {
			h.tooMany(w, r, retry)
			return
		}
		form := events.RegistrationForm{
			Action:    r.URL.Path,
			Fields:    append(h.personFields(r, ev, map[string]string{"name": name, "email": email}, errs), schema.View(fm, r.PostForm, errs, false)...),
			HasErrors: true,
		}
		h.renderRegistration(w, r, http.StatusUnprocessableEntity, ev, false, form)
		return
	}
	data, err := json.Marshal(answers)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	var retry time.Duration
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		// A refused count rolls back the person found with it.
		var b pgx.Batch
		verdict := h.registerByIP.Queue(&b, h.clientKey(r))
		person := persons.Queue(&b, persons.New{Name: name, Email: email, Language: lang})
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return err
		}
		if !verdict.OK {
			retry = verdict.RetryAfter
			return errTooMany
		}
		reg, created, err := createRegistration(ctx, tx, ev.ID, person, data, lang)
		if err != nil {
			return err
		}
		with := &pgx.Batch{} // written with the mail
		audit.Queue(with, createdEntries(person, reg, created)...)
		if !created && reg.Status == StatusCanceled {
			if created, err = reopenCanceled(ctx, tx, ev.ID, reg.ID, data, lang); err != nil {
				return err
			}
			if created {
				reg.Status, reg.Data, reg.ConfirmedAt, reg.CanceledAt, reg.Language = StatusPending, data, nil, nil, string(lang)
			} else {
				// A concurrent submit reopened it first; the state mail
				// below tells the state it has now.
				if reg, err = loadRegistration(ctx, tx, reg.ID, false); err != nil {
					return err
				}
			}
		}
		if created {
			return h.svc.mailStatus(ctx, tx, with, reg, ev, StatusPending, 0)
		}
		// A repeated attempt mails the link again, but not without end:
		// the address may be a stranger's. Nor when the registration's
		// last mail left a minute ago: a double click or a second tab
		// would send a "you are already registered" after the link.
		recent, err := mailedRecently(ctx, tx, reg)
		if err != nil {
			return err
		}
		if !recent {
			if ok, _ := h.mailsByAddress.AllowIn(ctx, tx, strings.ToLower(email)); ok {
				return h.svc.mailState(ctx, tx, with, reg, ev)
			}
		}
		if with.Len() == 0 {
			return nil
		}
		return tx.SendBatch(ctx, with).Close()
	})
	if errors.Is(err, errTooMany) {
		h.tooMany(w, r, retry)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderRegistration(w, r, http.StatusOK, ev, false, events.RegistrationForm{Sent: true, SentTo: email})
}

// createdEntries are the audit entries of what a registration created: the
// person, the registration.
func createdEntries(person *persons.Found, reg *Registration, created bool) []audit.Entry {
	var entries []audit.Entry
	if person.Created {
		entries = append(entries, audit.Entry{
			Actor: audit.ActorParticipant, Table: "persons", RowID: strconv.FormatInt(person.ID, 10),
			NewValue: audit.Value("created by event registration"),
		})
	}
	if created {
		entries = append(entries, audit.Entry{
			Actor: audit.ActorParticipant, Table: "registrations", RowID: strconv.FormatInt(reg.ID, 10),
			Field: "status", NewValue: audit.Value(reg.Status),
		})
	}
	return entries
}

// errTooMany rolls back a registration its client's limit refused.
var errTooMany = errors.New("events: too many registrations from this client")

// createRegistration stores a pending registration of person, or finds
// the one the person already has for the event (also one committed a
// moment ago by a concurrent double submit). The caller records a new one
// in the audit log. A new registration's mails are in lang, the language
// it was made in.
func createRegistration(ctx context.Context, tx pgx.Tx, eventID int64, person *persons.Found, data []byte, lang i18n.Lang) (reg *Registration, created bool, err error) {
	const insert = `
		INSERT INTO registrations (event_id, person_id, data, language) VALUES ($1, $2, $3, $4)
		ON CONFLICT (event_id, person_id) DO NOTHING
		RETURNING id, status, version`
	reg = &Registration{EventID: eventID, PersonID: person.ID, Data: data,
		Name: person.Name, Email: person.Email, Language: string(lang)}
	err = tx.QueryRow(ctx, insert, eventID, person.ID, data, string(lang)).Scan(&reg.ID, &reg.Status, &reg.Version)
	if err == nil {
		return reg, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, fmt.Errorf("events: create registration: %w", err)
	}
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM registrations WHERE event_id = $1 AND person_id = $2`, eventID, person.ID).Scan(&id)
	if err != nil {
		return nil, false, fmt.Errorf("events: find registration: %w", err)
	}
	reg, err = loadRegistration(ctx, tx, id, false)
	return reg, false, err
}

// mailedRecently tells whether the participant of reg was sent its link
// (to confirm, or with its state) within the last minute and since it last
// changed. A concurrent first submit has committed its
// mail by now: createRegistration waited for its row.
func mailedRecently(ctx context.Context, tx pgx.Tx, reg *Registration) (bool, error) {
	var recent bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mail_outbox m JOIN registrations r ON r.id = m.registration_id
		WHERE m.person_id = $1 AND m.registration_id = $2
		  AND m.kind IN ('event_registration_pending', 'event_registration_state')
		  AND m.created_at > now() - interval '1 minute' AND m.created_at >= r.updated_at)`, reg.PersonID, reg.ID).Scan(&recent)
	if err != nil {
		return false, fmt.Errorf("events: recent registration mail: %w", err)
	}
	return recent, nil
}

// reopenCanceled turns the person's cancelled registration back into a
// pending one with the answers just typed: registering again after
// cancelling is a new registration to confirm, and the new answers must
// not be lost. It takes the event lock first, as every status change does,
// so it cannot deadlock with a confirmation. reopened is false when the
// registration is not cancelled.
func reopenCanceled(ctx context.Context, tx pgx.Tx, eventID, id int64, data []byte, lang i18n.Lang) (reopened bool, err error) {
	if _, err := lockEvent(ctx, tx, eventID); err != nil {
		return false, err
	}
	const q = `UPDATE registrations SET status = 'pending', data = $2, language = $3, confirmed_at = NULL, canceled_at = NULL,
			version = version + 1, updated_at = now()
		WHERE id = $1 AND status = 'canceled'`
	tag, err := tx.Exec(ctx, q, id, data, string(lang))
	if err != nil {
		return false, fmt.Errorf("events: reopen registration: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	return true, audit.Record(ctx, tx, audit.Entry{
		Actor: audit.ActorParticipant, Table: "registrations", RowID: strconv.FormatInt(id, 10),
		Field: "status", OldValue: audit.Value(StatusCanceled), NewValue: audit.Value(StatusPending),
	})
}
