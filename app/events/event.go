package events

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Registration statuses. Their values are declared with the templates that
// show them (components/events), which cannot import this package.
const (
	StatusPending     = events.StatusPending
	StatusConfirmed   = events.StatusConfirmed
	StatusWaitinglist = events.StatusWaitinglist
	StatusCanceled    = events.StatusCanceled
)

// Statuses lists every registration status in the order they are shown.
var Statuses = []string{StatusPending, StatusConfirmed, StatusWaitinglist, StatusCanceled}

// StatusKeyPrefix starts the catalog key of each status's label, the one
// vocabulary every page and mail uses for them.
const StatusKeyPrefix = events.StatusKeyPrefix

// Domain errors.
var (
	// ErrNotFound: no such event or registration.
	ErrNotFound = errors.New("events: not found")
	// ErrEventFull refuses confirming beyond max_participants.
	ErrEventFull = errors.New("events: no free place")
	// ErrBadStatus refuses a status that does not exist.
	ErrBadStatus = errors.New("events: unknown registration status")
)

// linkGrace is how long after an event's end the personal links work.
const linkGrace = 30 * 24 * time.Hour

// Event is a row of events with its registration counts.
type Event struct {
	ID          int64  `db:"id"`
	Name        string `db:"name"`
	Description string `db:"description"`
	Footer      string `db:"footer"`
	// NameEN, DescriptionEN, FooterEN and LocationEN are what English
	// visitors read instead (NameIn); empty: the German.
	NameEN        string  `db:"name_en"`
	DescriptionEN string  `db:"description_en"`
	FooterEN      string  `db:"footer_en"`
	NotifyEmail   *string `db:"notify_email"`
	// AllowedAddresses is a regular expression every registering address
	// must match (lowercased); empty lets anyone register.
	AllowedAddresses          string     `db:"allowed_addresses"`
	AllowedAddressesMessageDE string     `db:"allowed_addresses_message_de"`
	AllowedAddressesMessageEN string     `db:"allowed_addresses_message_en"`
	Shortlink                 *string    `db:"shortlink"`
	MaxParticipants           *int       `db:"max_participants"`
	RegistrationOpen          bool       `db:"registration_open"`
	RegistrationSchema        []byte     `db:"registration_schema"`
	StartsAt                  *time.Time `db:"starts_at"`
	EndsAt                    *time.Time `db:"ends_at"`
	OpensAt                   *time.Time `db:"opens_at"`
	ClosesAt                  *time.Time `db:"closes_at"`
	EditingClosesAt           *time.Time `db:"editing_closes_at"`
	Formality                 string     `db:"formality"`
	Location                  string     `db:"location"`
	LocationEN                string     `db:"location_en"`
	CheckinAnswers            string     `db:"checkin_answers"`
	UpdatedAt                 time.Time  `db:"updated_at"`
	// FreedPlaces is how a freed place is filled: FillConfirm or
	// FillOffer, for OfferHours.
	FreedPlaces string `db:"freed_places"`
	OfferHours  int    `db:"offer_hours"`
	Confirmed   int    `db:"confirmed"`
	Waiting     int    `db:"waiting"`
	// Offered counts the open offers of freed places: those places are
	// reserved for the people they were offered to.
	Offered int `db:"offered"`
}

// How an event fills a freed place (events.freed_places).
const (
	// FillConfirm confirms the first on the waiting list at once.
	FillConfirm = "confirm"
	// FillOffer offers the place to the first on the waiting list for
	// the event's offer_hours.
	FillOffer = "offer"
)

// Address is how everything the event's participants read addresses
// them: its pages, messages and mails say du or Sie alike.
func (e *Event) Address() i18n.Formality {
	if e.Formality == string(i18n.Sie) {
		return i18n.Sie
	}
	return i18n.Du
}

// IsOpen reports whether registration is open at now: switched on,
// within opens_at and closes_at when those are set, and the event not
// over. An event given past dates with registration left on took
// registrations whose mailed links had already run out (LinkTTL). A full
// event that has begun takes no one either: its waiting list moves no
// more (passOnPlaces), and its mails would have promised otherwise.
func (e *Event) IsOpen(now time.Time) bool {
	return e.RegistrationOpen &&
		(e.OpensAt == nil || !now.Before(*e.OpensAt)) &&
		(e.ClosesAt == nil || now.Before(*e.ClosesAt)) &&
		!e.Over(now) && !(e.Begun(now) && e.Full())
}

// Over reports whether the event has taken place: its end, or without
// one its start, has passed. An event without dates is never over.
func (e *Event) Over(now time.Time) bool {
	last := cmp.Or(e.EndsAt, e.StartsAt)
	return last != nil && !now.Before(*last)
}

// Begun reports whether the event's start has passed; an event without
// a start never begins.
func (e *Event) Begun(now time.Time) bool {
	return e.StartsAt != nil && !now.Before(*e.StartsAt)
}

// FreePlaces is the number of places left, nil when unlimited.
func (e *Event) FreePlaces() *int {
	if e.MaxParticipants == nil {
		return nil
	}
	free := max(*e.MaxParticipants-e.Confirmed-e.Offered, 0)
	return &free
}

// Full reports whether a new confirmation would go to the waiting list.
func (e *Event) Full() bool {
	free := e.FreePlaces()
	return free != nil && *free == 0
}

// EditingOpen reports whether participants may still change their answers.
func (e *Event) EditingOpen(now time.Time) bool {
	return e.EditingClosesAt == nil || now.Before(*e.EditingClosesAt)
}

// LinksValid reports whether personal links still work: until 30 days
// after the end, or, for events without an end, while registration is
// switched on.
func (e *Event) LinksValid(now time.Time) bool {
	if e.EndsAt != nil {
		return now.Before(e.EndsAt.Add(linkGrace))
	}
	return e.RegistrationOpen
}

// LinkTTL is how long a personal link issued at now stays valid.
func (e *Event) LinkTTL(now time.Time) time.Duration {
	if e.EndsAt == nil {
		return 10 * 365 * 24 * time.Hour
	}
	return max(e.EndsAt.Add(linkGrace).Sub(now), time.Minute)
}

// Ref is how the event's URLs name it: the shortlink when it has one.
func (e *Event) Ref() string {
	if e.Shortlink != nil && *e.Shortlink != "" {
		return *e.Shortlink
	}
	return strconv.FormatInt(e.ID, 10)
}

// Querier runs queries: a pool or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// eventFields are the event's own columns.
const eventFields = `
	e.id, e.name, e.description, e.footer, e.name_en, e.description_en, e.footer_en,
	e.notify_email, e.allowed_addresses, e.allowed_addresses_message_de,
	e.allowed_addresses_message_en, e.shortlink,
	e.max_participants, e.registration_open, e.registration_schema, e.starts_at, e.ends_at,
	e.opens_at, e.closes_at, e.editing_closes_at, e.formality, e.location, e.location_en, e.checkin_answers, e.updated_at,
	e.freed_places, e.offer_hours`

// openOffers counts the open offers of freed places of event e (Offered).
const openOffers = `(SELECT count(*) FROM waitinglist_offers o WHERE o.event_id = e.id AND o.state = 'open')::int`

// eventsCounted reads an Event with its counts, which triggers on
// registrations keep in event_counts (migration 0070).
const eventsCounted = `SELECT ` + eventFields + `,
	coalesce(c.confirmed, 0) AS confirmed, coalesce(c.waiting, 0) AS waiting,
	` + openOffers + ` AS offered
	FROM events e LEFT JOIN event_counts c ON c.event_id = e.id`

// LoadEvent finds an event by its id or its shortlink (ref as in the URL).
// Shortlinks always contain a non-digit, so the two never collide.
func LoadEvent(ctx context.Context, q Querier, ref string) (*Event, error) {
	where := "e.shortlink = $1"
	var arg any = ref
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		where, arg = "e.id = $1", id
	}
	rows, err := q.Query(ctx, eventsCounted+` WHERE `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("events: load event: %w", err)
	}
	ev, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Event])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events: load event: %w", db.Map(err))
	}
	return ev, nil
}

// The statements of listEvents. Neither has parameters, so each is planned
// once per connection.
const (
	listEventsFrom = `
		SELECT e.id, e.name, e.name_en, e.shortlink, e.max_participants, e.registration_open,
		       e.starts_at, e.ends_at, e.opens_at, e.closes_at,
		       coalesce((SELECT c.confirmed FROM event_counts c WHERE c.event_id = e.id), 0),
		       ` + openOffers + `
		FROM events e`
	listEventsOrder   = ` ORDER BY e.starts_at NULLS LAST, e.id`
	listEventsSQL     = listEventsFrom + listEventsOrder
	listOpenEventsSQL = listEventsFrom + `
		WHERE e.registration_open AND (e.opens_at IS NULL OR e.opens_at <= now())
		  AND (e.closes_at IS NULL OR e.closes_at > now())
		  AND coalesce(e.ends_at, e.starts_at, 'infinity') > now()` + listEventsOrder
)

// listEvents returns the events with what the list shows, ordered by when
// they take place (events without a date last): every event, or with
// openOnly those open for registration now (as IsOpen decides, but for
// fullness, which the caller asks of each), so that
// what a visitor's list costs does not grow with the years of past events.
// Texts and forms, most of a row's bytes, stay in the database: this is the
// most visited page. Each count is looked up by its key; joining the
// counts' table cost PostgreSQL a fifth more per page (a hash table built
// for a few rows).
func listEvents(ctx context.Context, q Querier, openOnly bool) ([]*Event, error) {
	sql := listEventsSQL
	if openOnly {
		sql = listOpenEventsSQL
	}
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("events: list: %w", err)
	}
	evs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Event, error) {
		ev := &Event{}
		err := row.Scan(&ev.ID, &ev.Name, &ev.NameEN, &ev.Shortlink, &ev.MaxParticipants, &ev.RegistrationOpen,
			&ev.StartsAt, &ev.EndsAt, &ev.OpensAt, &ev.ClosesAt, &ev.Confirmed, &ev.Offered)
		return ev, err
	})
	if err != nil {
		return nil, fmt.Errorf("events: list: %w", err)
	}
	return evs, nil
}
