package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/metrics"
)

// Actor is who changes a registration, for the audit log.
type Actor struct {
	UserID *int64 // nil for participants acting through their link
	Name   string // username, or audit.ActorParticipant
}

// Participant is the actor of changes made through a personal link.
var Participant = Actor{Name: audit.ActorParticipant}

// movingUp is the actor of the waiting list's moves into a place that
// actor freed: the audit names the waiting list, not the person who
// cancelled, and keeps the user who caused it.
func movingUp(actor Actor) Actor {
	return Actor{UserID: actor.UserID, Name: audit.ActorWaitingList}
}

// Outcome says what a status change did.
type Outcome struct {
	// Changed is false when the registration already had the status (a
	// repeated click, a concurrent request): nothing was written or mailed.
	Changed bool
	Status  string
	// Position on the waiting list, when Status is waitinglist.
	Position int
	// MovedUp are the registrations that got a freed place.
	MovedUp []int64
}

// lockEvent locks the event row, then reads its counts: every change of a
// registration's status takes this lock first, so counting the confirmed
// places and writing the new status cannot interleave with another
// confirmation. The counts are read by a statement of their own, started
// once the lock is held: one that started before would see them as they
// were before the transaction it waited for. NO KEY UPDATE leaves new
// registrations alone: their foreign key takes only KEY SHARE on the event
// row, so a rush of sign-ups does not queue behind the confirmations.
func lockEvent(ctx context.Context, tx pgx.Tx, eventID int64) (*Event, error) {
	ev, err := lockEventWhere(ctx, tx, `e.id = $1`, eventID)
	if err != nil {
		return nil, err
	}
	err = tx.QueryRow(ctx, `SELECT `+countColumns+` FROM event_counts c WHERE c.event_id = $1`, eventID).
		Scan(&ev.Confirmed, &ev.Waiting, &ev.Offered)
	if err != nil {
		return nil, fmt.Errorf("events: registration counts: %w", err)
	}
	return ev, nil
}

// countColumns are an event's counts (event_counts c) as Event holds them.
const countColumns = `c.confirmed, c.waiting,
	(SELECT count(*) FROM waitinglist_offers o WHERE o.event_id = c.event_id AND o.state = 'open')::int AS offered`

// lockEventSQL locks the one event where selects (with its argument as
// $1), without its counts.
func lockEventSQL(where string) string {
	return `SELECT ` + eventFields + `, 0 AS confirmed, 0 AS waiting, 0 AS offered
		FROM events e WHERE ` + where + ` FOR NO KEY UPDATE`
}

// lockEventWhere locks the one event where selects (with arg as $1),
// without its counts.
func lockEventWhere(ctx context.Context, tx pgx.Tx, where string, arg int64) (*Event, error) {
	rows, err := tx.Query(ctx, lockEventSQL(where), arg)
	if err != nil {
		return nil, fmt.Errorf("events: lock event: %w", err)
	}
	return collectLockedEvent(rows)
}

func collectLockedEvent(rows pgx.Rows) (*Event, error) {
	ev, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Event])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events: lock event: %w", err)
	}
	return ev, nil
}

// lockRegistration locks the event of registration id, then the
// registration itself, reading the event's counts with it. The two
// statements go in one round trip, so the event stays locked one round
// trip less (in a rush for one event the confirmations queue for it); as
// in lockEvent, PostgreSQL starts the second, and takes its snapshot, only
// once the first holds the lock.
func lockRegistration(ctx context.Context, tx pgx.Tx, id int64) (*Registration, *Event, error) {
	type counted struct {
		Registration
		Confirmed int `db:"confirmed"`
		Waiting   int `db:"waiting"`
		Offered   int `db:"offered"`
	}
	var (
		b   pgx.Batch
		ev  *Event
		row counted
	)
	b.Queue(lockEventSQL(`e.id = (SELECT event_id FROM registrations WHERE id = $1)`), id).Query(func(rows pgx.Rows) (err error) {
		ev, err = collectLockedEvent(rows)
		return err
	})
	b.Queue(`SELECT `+registrationColumns+`, `+countColumns+`
		FROM registrations r JOIN persons p ON p.id = r.person_id JOIN event_counts c ON c.event_id = r.event_id
		WHERE r.id = $1 FOR UPDATE OF r`, id).Query(func(rows pgx.Rows) (err error) {
		row, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[counted])
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("events: lock registration: %w", err)
		}
		return nil
	})
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, err
	}
	ev.Confirmed, ev.Waiting, ev.Offered = row.Confirmed, row.Waiting, row.Offered
	return &row.Registration, ev, nil
}

// Confirm is the participant confirming a pending registration (or
// registering again after cancelling): confirmed while places are free,
// else the waiting list. The participant is mailed, and the organisers when
// the event has a notify address. Confirming twice changes nothing.
// accept, when set, may refuse with an error once both are locked; it sees
// them as they are now, not as they were when the page was loaded.
func (s *Service) Confirm(ctx context.Context, tx pgx.Tx, registrationID int64, actor Actor, accept func(*Registration, *Event) error) (Outcome, error) {
	reg, ev, err := lockRegistration(ctx, tx, registrationID)
	if err != nil {
		return Outcome{}, err
	}
	if accept != nil {
		if err := accept(reg, ev); err != nil {
			return Outcome{}, err
		}
	}
	if reg.Status != StatusPending && reg.Status != StatusCanceled {
		return s.outcome(ctx, tx, reg, false)
	}
	next := StatusWaitinglist
	if !ev.Full() {
		next = StatusConfirmed
	}
	if _, err := setStatus(ctx, tx, reg, next, actor, true); err != nil {
		return Outcome{}, err
	}
	out, err := s.outcome(ctx, tx, reg, true)
	if err != nil {
		return out, err
	}
	if err := s.mailStatus(ctx, tx, nil, reg, ev, next, out.Position); err != nil {
		return out, err
	}
	return out, s.mailNotify(ctx, tx, reg, ev, next, out.Position)
}

// Cancel is the participant cancelling. A confirmed place that becomes
// free goes to the first person on the waiting list in the same
// transaction.
func (s *Service) Cancel(ctx context.Context, tx pgx.Tx, registrationID int64, actor Actor) (Outcome, error) {
	reg, ev, err := lockRegistration(ctx, tx, registrationID)
	if err != nil {
		return Outcome{}, err
	}
	if reg.Status == StatusCanceled {
		return s.outcome(ctx, tx, reg, false)
	}
	wasConfirmed := reg.Status == StatusConfirmed
	withdrawn, err := setStatus(ctx, tx, reg, StatusCanceled, actor, false)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Changed: true, Status: StatusCanceled}
	if err := s.mailStatus(ctx, tx, nil, reg, ev, StatusCanceled, 0); err != nil {
		return out, err
	}
	if err := s.mailNotify(ctx, tx, reg, ev, StatusCanceled, 0); err != nil {
		return out, err
	}
	// A place on offer to this person is free again too.
	if wasConfirmed || withdrawn {
		out.MovedUp, err = s.passOnPlaces(ctx, tx, reg.EventID, actor)
	}
	return out, err
}

// ChangeStatus sets a registration's status for the admin console. A
// confirmation beyond max_participants fails with ErrEventFull unless
// overCapacity is set. Leaving confirmed for pending or canceled frees a
// place that the waiting list fills. The participant is mailed about
// confirmed, waiting list and canceled. It returns what changed.
func (s *Service) ChangeStatus(ctx context.Context, tx pgx.Tx, registrationID int64, status string, actor Actor, overCapacity bool) (Outcome, error) {
	if !slices.Contains(Statuses, status) {
		return Outcome{}, ErrBadStatus
	}
	reg, ev, err := lockRegistration(ctx, tx, registrationID)
	if err != nil {
		return Outcome{}, err
	}
	if reg.Status == status {
		return s.outcome(ctx, tx, reg, false)
	}
	if reg.Status == StatusWaitinglist {
		// A place on offer to this person is theirs to be confirmed into.
		offer, err := OpenOffer(ctx, tx, reg.ID)
		if err != nil {
			return Outcome{}, err
		}
		if offer != nil {
			ev.Offered--
		}
	}
	if status == StatusConfirmed && !overCapacity && ev.Full() {
		return Outcome{}, ErrEventFull
	}
	wasConfirmed := reg.Status == StatusConfirmed
	withdrawn, err := setStatus(ctx, tx, reg, status, actor, status == StatusConfirmed || status == StatusWaitinglist)
	if err != nil {
		return Outcome{}, err
	}
	out, err := s.outcome(ctx, tx, reg, true)
	if err != nil {
		return out, err
	}
	if status != StatusPending {
		if err := s.mailStatus(ctx, tx, nil, reg, ev, status, out.Position); err != nil {
			return out, err
		}
	}
	// Demoting to the waiting list is a deliberate choice; filling the
	// place at once could promote the same person again.
	if wasConfirmed && (status == StatusCanceled || status == StatusPending) || withdrawn && status != StatusConfirmed {
		out.MovedUp, err = s.passOnPlaces(ctx, tx, reg.EventID, actor)
	}
	return out, err
}

// FillFreePlaces moves people from the waiting list to confirmed, in order
// of their confirmation time, while the event has free places, and mails
// each of them. Call it in the transaction that raised max_participants,
// which the organiser was asked about: it fills places also once the
// event has begun. It takes the event lock itself.
func (s *Service) FillFreePlaces(ctx context.Context, tx pgx.Tx, eventID int64, actor Actor) ([]int64, error) {
	return s.fill(ctx, tx, eventID, actor, time.Now(), true)
}

// passOnPlaces fills the places a cancellation freed, until the event
// begins: a waiting person told "you got a place" hours into the event
// could not come any more, and the organiser at the door decides who
// takes a place then.
func (s *Service) passOnPlaces(ctx context.Context, tx pgx.Tx, eventID int64, actor Actor) ([]int64, error) {
	return s.fillFreePlaces(ctx, tx, eventID, actor, time.Now())
}

// fillFreePlaces is passOnPlaces at now, the clock of the offers.
func (s *Service) fillFreePlaces(ctx context.Context, tx pgx.Tx, eventID int64, actor Actor, now time.Time) ([]int64, error) {
	return s.fill(ctx, tx, eventID, actor, now, false)
}

// fill gives the event's free places to its waiting list; asked fills
// them also once it has begun. An event set to offer its freed places
// offers them instead (offerFreePlaces) and returns no ids: nobody was
// confirmed.
func (s *Service) fill(ctx context.Context, tx pgx.Tx, eventID int64, actor Actor, now time.Time, asked bool) ([]int64, error) {
	ev, err := lockEvent(ctx, tx, eventID)
	if err != nil {
		return nil, err
	}
	if !asked && ev.Begun(now) {
		return nil, nil
	}
	if ev.FreedPlaces == FillOffer && ev.MaxParticipants != nil {
		return nil, s.offerFreePlaces(ctx, tx, ev, actor, now)
	}
	limit := "ALL"
	if free := ev.FreePlaces(); free != nil {
		if *free == 0 {
			return nil, nil
		}
		limit = strconv.Itoa(*free)
	}
	rows, err := tx.Query(ctx, `SELECT id FROM registrations WHERE event_id = $1 AND status = 'waitinglist'
		ORDER BY confirmed_at, id LIMIT `+limit, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: waiting list: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("events: waiting list: %w", err)
	}
	for _, id := range ids {
		reg, err := loadRegistration(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		if _, err := setStatus(ctx, tx, reg, StatusConfirmed, movingUp(actor), true); err != nil {
			return nil, err
		}
		if err := s.mailMovedUp(ctx, tx, reg, ev); err != nil {
			return nil, err
		}
		if err := s.mailNotify(ctx, tx, reg, ev, StatusConfirmed, 0); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// setStatus writes the status and its audit entry. stampConfirmed sets the
// confirmation time when the registration comes from pending or canceled:
// it orders the waiting list and the participants table, so moving up from
// the waiting list keeps the original time. It is the clock time under the
// event lock, not the transaction's start, so the order is the order in
// which places were actually given. Leaving the waiting list closes the
// person's open offer of a place, if any: taken when confirmed, else
// withdrawn, which offerClosed reports so that the place is passed on.
func setStatus(ctx context.Context, tx pgx.Tx, reg *Registration, status string, actor Actor, stampConfirmed bool) (offerClosed bool, err error) {
	const q = `UPDATE registrations SET status = $2,
			confirmed_at = CASE WHEN $3 AND (confirmed_at IS NULL OR status IN ('pending', 'canceled')) THEN clock_timestamp() ELSE confirmed_at END,
			canceled_at = CASE WHEN $2 = 'canceled' THEN clock_timestamp() ELSE NULL END,
			version = version + 1, updated_at = now()
		WHERE id = $1
		RETURNING confirmed_at, canceled_at, version, checkin_code`
	old := reg.Status
	// The change and its audit entry in one round trip.
	var b pgx.Batch
	b.Queue(q, reg.ID, status, stampConfirmed).QueryRow(func(row pgx.Row) error {
		return row.Scan(&reg.ConfirmedAt, &reg.CanceledAt, &reg.Version, &reg.CheckinCode)
	})
	audit.Queue(&b, audit.Entry{
		UserID: actor.UserID, Actor: actor.Name, Table: "registrations", RowID: strconv.FormatInt(reg.ID, 10),
		Field: "status", OldValue: audit.Value(old), NewValue: audit.Value(status),
	})
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return false, fmt.Errorf("events: set status: %w", err)
	}
	reg.Status = status
	// Counted when written: the rare transaction that rolls back after
	// this (a lost race) is counted too.
	metrics.RegistrationTransitions.WithLabelValues(old, status).Inc()
	if old == StatusWaitinglist {
		state := OfferWithdrawn
		if status == StatusConfirmed {
			state = OfferTaken
		}
		if offerClosed, err = closeOffer(ctx, tx, reg.ID, state); err != nil {
			return false, err
		}
	}
	return offerClosed && status != StatusConfirmed, nil
}

func (s *Service) outcome(ctx context.Context, tx pgx.Tx, reg *Registration, changed bool) (Outcome, error) {
	pos, err := waitingPosition(ctx, tx, reg)
	return Outcome{Changed: changed, Status: reg.Status, Position: pos}, err
}
