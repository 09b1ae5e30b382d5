package legacy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events"
)

// shortlinkPattern is the CHECK of events.shortlink: URL-safe and not a
// number, so /events/<id>/ and /events/<shortlink>/ never collide.
var shortlinkPattern = regexp.MustCompile(`^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$`)

// defaultSchema is the events table's default form: no questions.
const defaultSchema = `{"type": "object", "properties": {}}`

// jsonNUL finds an escaped NUL character (\u0000 not preceded by an
// escaped backslash), which jsonb refuses.
var jsonNUL = regexp.MustCompile(`(^|[^\\])(\\\\)*\\u0000`)

// jsonObject reports whether s is valid JSON text holding an object.
func jsonObject(s string) bool {
	return json.Valid([]byte(s)) && strings.HasPrefix(strings.TrimSpace(s), "{")
}

func (w *writer) events(ctx context.Context) error {
	c := w.rep.count("events")
	c.Old += len(w.d.Events)
	rows, err := w.tx.Query(ctx, `SELECT id, name, coalesce(shortlink, '') FROM events`)
	if err != nil {
		return fmt.Errorf("legacy: existing events: %w", err)
	}
	// An event of the same name under the same id or shortlink came with
	// an earlier import; the key is "name\x00id" or "name\x00/shortlink".
	earlier := map[string]int64{}
	shortlinks := map[string]bool{}
	var (
		id              int64
		name, shortlink string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &name, &shortlink}, func() error {
		earlier[fmt.Sprintf("%s\x00%d", name, id)] = id
		if shortlink != "" {
			shortlinks[shortlink] = true
			earlier[name+"\x00/"+shortlink] = id
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("legacy: existing events: %w", err)
	}
	taken, err := w.takenIDs(ctx, "events")
	if err != nil {
		return err
	}
	var kept, deferred []Event
	for _, e := range w.d.Events {
		id, ok := earlier[fmt.Sprintf("%s\x00%d", e.Name, e.ID)]
		if !ok && e.Shortlink != "" {
			id, ok = earlier[e.Name+"\x00/"+e.Shortlink]
		}
		if ok {
			c.Matched++
			w.eventIDs[e.ID] = id
			w.rep.problem("event", e.ID, "%q is already memberdb event %d (same name and id or shortlink): kept memberdb's", e.Name, id)
			continue
		}
		e = w.cleanEvent(e, shortlinks)
		if !taken.keep(e.ID) {
			deferred = append(deferred, e)
			continue
		}
		kept = append(kept, e)
	}
	for _, e := range kept {
		if err := w.insertEvent(ctx, e, e.ID); err != nil {
			return err
		}
	}
	for _, e := range deferred {
		if err := w.insertEvent(ctx, e, taken.next()); err != nil {
			return err
		}
		w.rep.problem("event", e.ID, "id %d is taken in memberdb; imported as event %d (links with the old id lead elsewhere)",
			e.ID, w.eventIDs[e.ID])
	}
	c.Imported += len(kept) + len(deferred)
	return nil
}

// cleanEvent drops values memberdb cannot hold, saying so in the report.
func (w *writer) cleanEvent(e Event, shortlinks map[string]bool) Event {
	if strings.TrimSpace(e.Name) == "" {
		e.Name = fmt.Sprintf("Veranstaltung %d", e.ID)
		w.rep.problem("event", e.ID, "has no name; imported as %q", e.Name)
	}
	switch {
	case e.Shortlink == "":
	case !shortlinkPattern.MatchString(e.Shortlink):
		w.rep.problem("event", e.ID, "shortlink %q is not allowed in memberdb (letters, digits, - and _, not only digits); imported without", e.Shortlink)
		e.Shortlink = ""
	case shortlinks[e.Shortlink]:
		w.rep.problem("event", e.ID, "shortlink %q is taken in memberdb; imported without", e.Shortlink)
		e.Shortlink = ""
	default:
		shortlinks[e.Shortlink] = true
	}
	if e.MaxParticipants != nil && *e.MaxParticipants < 0 {
		w.rep.problem("event", e.ID, "max_participants %d is negative; imported without a limit", *e.MaxParticipants)
		e.MaxParticipants = nil
	}
	if !jsonObject(e.RegistrationSchema) || jsonNUL.MatchString(e.RegistrationSchema) {
		w.rep.problem("event", e.ID, "registration_schema is not a JSON object; imported with an empty form")
		e.RegistrationSchema = defaultSchema
	}
	return e
}

func (w *writer) insertEvent(ctx context.Context, e Event, id int64) error {
	// The old system's force_tu_mail events keep their rule as PeP's
	// allowed-addresses pattern.
	var allowed, allowedDE, allowedEN string
	if e.ForceTUMail {
		allowed, allowedDE, allowedEN = events.TUAddressPattern, events.TUAddressMessageDE, events.TUAddressMessageEN
	}
	const q = `INSERT INTO events (id, name, description, footer, notify_email, allowed_addresses,
		allowed_addresses_message_de, allowed_addresses_message_en, shortlink,
		max_participants, registration_open, registration_schema)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text::json)`
	_, err := w.tx.Exec(ctx, q, id, e.Name, e.Description, e.Footer, orNull(strings.TrimSpace(e.NotifyEmail)),
		allowed, allowedDE, allowedEN, orNull(e.Shortlink), e.MaxParticipants, e.RegistrationOpen, e.RegistrationSchema)
	if err != nil {
		return fmt.Errorf("legacy: event %d: %w", e.ID, err)
	}
	w.eventIDs[e.ID] = id
	w.created("events", id, "event", e.ID)
	return nil
}

func (w *writer) registrations(ctx context.Context) error {
	c := w.rep.count("registrations")
	c.Old += len(w.d.Registrations)
	taken, err := w.takenIDs(ctx, "registrations")
	if err != nil {
		return err
	}
	var kept, deferred []Registration
	for _, r := range w.d.Registrations {
		event, okEvent := w.eventIDs[r.EventID]
		person, okPerson := w.personIDs[r.PersonID]
		switch {
		case !okEvent:
			c.Skipped++
			w.rep.problem("event_registration", r.ID, "event %d was not imported; not imported", r.EventID)
			continue
		case !okPerson:
			c.Skipped++
			w.rep.problem("event_registration", r.ID, "person %d was not imported; not imported", r.PersonID)
			continue
		case !slices.Contains(events.Statuses, r.Status):
			c.Skipped++
			w.rep.problem("event_registration", r.ID, "status %q is unknown to memberdb; not imported", r.Status)
			continue
		case r.Data == "" || strings.TrimSpace(r.Data) == "null":
			r.Data = "{}"
			w.rep.problem("event_registration", r.ID, "has no answers stored; imported with empty answers")
		case !jsonObject(r.Data):
			c.Skipped++
			w.rep.problem("event_registration", r.ID, "answers are not a JSON object; not imported")
			continue
		case jsonNUL.MatchString(r.Data):
			c.Skipped++
			w.rep.problem("event_registration", r.ID, "answers contain a NUL character, which PostgreSQL cannot store; not imported")
			continue
		}
		r.EventID, r.PersonID = event, person
		if !taken.keep(r.ID) {
			deferred = append(deferred, r)
			continue
		}
		kept = append(kept, r)
	}
	insert := func(r Registration, id int64) error {
		err := w.insertRegistration(ctx, r, id)
		switch {
		case errors.Is(err, errAlreadyRegistered):
			c.Matched++
			w.rep.problem("event_registration", r.ID, "the person is already registered for event %d in memberdb: kept memberdb's registration", r.EventID)
			return nil
		case err != nil:
			return err
		}
		c.Imported++
		if id != r.ID {
			w.rep.problem("event_registration", r.ID, "id %d is taken in memberdb; imported as registration %d", r.ID, id)
		}
		return nil
	}
	for _, r := range kept {
		if err := insert(r, r.ID); err != nil {
			return err
		}
	}
	for _, r := range deferred {
		if err := insert(r, taken.next()); err != nil {
			return err
		}
	}
	return nil
}

var errAlreadyRegistered = errors.New("legacy: already registered")

// insertRegistration stores the answers' JSON as it was written; the
// confirmation time doubles as the creation time, which the old app did
// not record.
func (w *writer) insertRegistration(ctx context.Context, r Registration, id int64) error {
	const q = `INSERT INTO registrations (id, event_id, person_id, status, data, confirmed_at, created_at)
		VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, coalesce($6, now()))
		ON CONFLICT (event_id, person_id) DO NOTHING`
	tag, err := w.tx.Exec(ctx, q, id, r.EventID, r.PersonID, r.Status, r.Data, r.ConfirmedAt)
	if err != nil {
		return fmt.Errorf("legacy: registration %d: %w", r.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return errAlreadyRegistered
	}
	w.created("registrations", id, "event_registration", r.ID)
	return nil
}
