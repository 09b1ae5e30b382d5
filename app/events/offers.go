package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// States of an offer of a freed place (waitinglist_offers.state).
const (
	OfferOpen      = "open"
	OfferTaken     = "taken"
	OfferDeclined  = "declined"
	OfferLapsed    = "lapsed"
	OfferWithdrawn = "withdrawn"
)

// Errors of taking or declining an offer.
var (
	// ErrNoOffer: the registration has no open offer (taken, declined
	// or withdrawn meanwhile).
	ErrNoOffer = errors.New("events: no open offer")
	// ErrOfferLapsed: the offer's time is over.
	ErrOfferLapsed = errors.New("events: offer lapsed")
)

// Offer is an open offer of a freed place.
type Offer struct {
	ID        int64
	ExpiresAt time.Time
}

// OpenOffers are the expiries of the event's open offers, by
// registration: the places held for someone on the waiting list.
func OpenOffers(ctx context.Context, q Querier, eventID int64) (map[int64]time.Time, error) {
	rows, err := q.Query(ctx, `SELECT registration_id, expires_at FROM waitinglist_offers WHERE event_id = $1 AND state = 'open'`, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: open offers: %w", err)
	}
	offers := map[int64]time.Time{}
	var id int64
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&id, &at}, func() error {
		offers[id] = at
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("events: open offers: %w", err)
	}
	return offers, nil
}

// OpenOffer returns the registration's open offer, nil when it has none.
func OpenOffer(ctx context.Context, q Querier, registrationID int64) (*Offer, error) {
	var o Offer
	err := q.QueryRow(ctx, `SELECT id, expires_at FROM waitinglist_offers WHERE registration_id = $1 AND state = 'open'`,
		registrationID).Scan(&o.ID, &o.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("events: open offer: %w", err)
	}
	return &o, nil
}

// closeOffer ends the registration's open offer with state; closed is
// false when there was none.
func closeOffer(ctx context.Context, tx pgx.Tx, registrationID int64, state string) (closed bool, err error) {
	tag, err := tx.Exec(ctx, `UPDATE waitinglist_offers SET state = $2, closed_at = clock_timestamp()
		WHERE registration_id = $1 AND state = 'open'`, registrationID, state)
	if err != nil {
		return false, fmt.Errorf("events: close offer: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// offerFreePlaces offers each free place of ev (locked, its open offers
// counted as taken places) to the next on the waiting list who has no
// open offer, for the event's offer_hours from now, and mails them. Only
// one offer per freed place is open at a time: the count of open offers
// is read under the event lock, which every change of places holds.
func (s *Service) offerFreePlaces(ctx context.Context, tx pgx.Tx, ev *Event, actor Actor, now time.Time) error {
	free := ev.FreePlaces()
	if free == nil || *free == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT r.id FROM registrations r
		WHERE r.event_id = $1 AND r.status = 'waitinglist'
		  AND NOT EXISTS (SELECT FROM waitinglist_offers o WHERE o.registration_id = r.id AND o.state = 'open')
		ORDER BY r.confirmed_at, r.id LIMIT $2`, ev.ID, *free)
	if err != nil {
		return fmt.Errorf("events: next on the waiting list: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("events: next on the waiting list: %w", err)
	}
	expires := now.Add(time.Duration(ev.OfferHours) * time.Hour)
	for _, id := range ids {
		reg, err := loadRegistration(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO waitinglist_offers (event_id, registration_id, offered_at, expires_at)
			VALUES ($1, $2, $3, $4)`, ev.ID, id, now, expires); err != nil {
			return fmt.Errorf("events: offer place: %w", err)
		}
		ev.Offered++
		if err := audit.Record(ctx, tx, audit.Entry{
			UserID: actor.UserID, Actor: audit.ActorWaitingList, Table: "registrations", RowID: strconv.FormatInt(id, 10),
			Field: "offer", NewValue: audit.Value("until " + expires.UTC().Format(time.RFC3339)),
		}); err != nil {
			return err
		}
		if err := s.participantMail(ctx, tx, nil, reg, ev, "registration_offer", mailData{Deadline: deadline(expires, reg.Lang())}); err != nil {
			return err
		}
	}
	return nil
}

// deadline formats when an offer ends, in lang.
func deadline(t time.Time, lang i18n.Lang) string {
	layout := map[i18n.Lang]string{i18n.DE: "02.01.2006, 15:04 Uhr", i18n.EN: "2 Jan 2006, 15:04"}[lang]
	return t.In(web.Berlin).Format(layout)
}

// TakeOffer confirms the registration whose open offer is taken at now,
// and mails the confirmation with the ticket. The offer's place was kept
// for it, so it fits unless the event's places were cut meanwhile.
func (s *Service) TakeOffer(ctx context.Context, tx pgx.Tx, registrationID int64, now time.Time) (Outcome, error) {
	reg, ev, _, err := s.lockOffer(ctx, tx, registrationID, now)
	if err != nil {
		return Outcome{}, err
	}
	if ev.MaxParticipants != nil && ev.Confirmed+ev.Offered-1 >= *ev.MaxParticipants {
		return Outcome{}, ErrEventFull
	}
	if _, err := setStatus(ctx, tx, reg, StatusConfirmed, Participant, false); err != nil {
		return Outcome{}, err
	}
	ev.Confirmed++
	ev.Offered--
	if err := s.mailStatus(ctx, tx, nil, reg, ev, StatusConfirmed, 0); err != nil {
		return Outcome{}, err
	}
	return Outcome{Changed: true, Status: StatusConfirmed}, s.mailNotify(ctx, tx, reg, ev, StatusConfirmed, 0)
}

// DeclineOffer is the participant saying no to the offered place: the
// registration is cancelled and the place offered to the next.
func (s *Service) DeclineOffer(ctx context.Context, tx pgx.Tx, registrationID int64, now time.Time) (Outcome, error) {
	reg, ev, _, err := s.lockOffer(ctx, tx, registrationID, now)
	if err != nil {
		return Outcome{}, err
	}
	if _, err := closeOffer(ctx, tx, reg.ID, OfferDeclined); err != nil {
		return Outcome{}, err
	}
	return s.leaveWaitingList(ctx, tx, reg, ev, Participant, "registration_canceled", now)
}

// leaveWaitingList cancels reg after its offer ended, mails text name,
// and offers the place to the next.
func (s *Service) leaveWaitingList(ctx context.Context, tx pgx.Tx, reg *Registration, ev *Event, actor Actor, name string, now time.Time) (Outcome, error) {
	if _, err := setStatus(ctx, tx, reg, StatusCanceled, actor, false); err != nil {
		return Outcome{}, err
	}
	if err := s.participantMail(ctx, tx, nil, reg, ev, name, mailData{}); err != nil {
		return Outcome{}, err
	}
	if err := s.mailNotify(ctx, tx, reg, ev, StatusCanceled, 0); err != nil {
		return Outcome{}, err
	}
	_, err := s.fillFreePlaces(ctx, tx, reg.EventID, actor, now)
	return Outcome{Changed: true, Status: StatusCanceled}, err
}

// lockOffer locks the registration and its event and finds its open
// offer, which must still run at now.
func (s *Service) lockOffer(ctx context.Context, tx pgx.Tx, registrationID int64, now time.Time) (*Registration, *Event, *Offer, error) {
	reg, ev, err := lockRegistration(ctx, tx, registrationID)
	if err != nil {
		return nil, nil, nil, err
	}
	offer, err := OpenOffer(ctx, tx, reg.ID)
	switch {
	case err != nil:
		return nil, nil, nil, err
	case offer == nil || reg.Status != StatusWaitinglist:
		return nil, nil, nil, ErrNoOffer
	case !now.Before(offer.ExpiresAt):
		return nil, nil, nil, ErrOfferLapsed
	}
	return reg, ev, offer, nil
}

// OfferActor is who lets offers lapse, for the audit log.
var OfferActor = Actor{Name: "waitinglist offers"}

// LapseOffers ends the offers whose time is over at now: each person
// leaves the waiting list (their registration is cancelled, and they are
// told) and the place is offered to the next. Each offer is handled in a
// transaction of its own, under the event's lock, so an offer taken at
// the last moment is not also lapsed. It returns how many lapsed.
func (s *Service) LapseOffers(ctx context.Context, pool *pgxpool.Pool, now time.Time) (int, error) {
	rows, err := pool.Query(ctx, `SELECT registration_id FROM waitinglist_offers
		WHERE state = 'open' AND expires_at <= $1 ORDER BY expires_at, id`, now)
	if err != nil {
		return 0, fmt.Errorf("events: lapsed offers: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("events: lapsed offers: %w", err)
	}
	n := 0
	for _, id := range ids {
		lapsed := false
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			reg, ev, err := lockRegistration(ctx, tx, id)
			if err != nil {
				return err
			}
			offer, err := OpenOffer(ctx, tx, id)
			if err != nil || offer == nil || now.Before(offer.ExpiresAt) || reg.Status != StatusWaitinglist {
				return err
			}
			if _, err := closeOffer(ctx, tx, id, OfferLapsed); err != nil {
				return err
			}
			lapsed = true
			_, err = s.leaveWaitingList(ctx, tx, reg, ev, OfferActor, "registration_offer_lapsed", now)
			return err
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		if lapsed && err == nil {
			n++
		}
	}
	return n, nil
}

// FillOffers offers free places of every event set to offers, for places
// freed where no offer could be made at once (more places set by hand in
// the database, say). It is the job's second duty.
func (s *Service) FillOffers(ctx context.Context, pool *pgxpool.Pool, now time.Time) error {
	rows, err := pool.Query(ctx, `SELECT e.id FROM events e JOIN event_counts c ON c.event_id = e.id
		WHERE e.freed_places = 'offer' AND e.max_participants IS NOT NULL AND c.waiting > 0
		  AND c.confirmed + `+openOffers+` < e.max_participants`)
	if err != nil {
		return fmt.Errorf("events: events to offer: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("events: events to offer: %w", err)
	}
	for _, id := range ids {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := s.fillFreePlaces(ctx, tx, id, OfferActor, now)
			return err
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// OffersJob is the periodic work of the offers, for serve: lapse the
// offers whose time is over and offer places still free. now is its
// clock, time.Now but in tests.
func (s *Service) OffersJob(pool *pgxpool.Pool, now func() time.Time) jobs.Job {
	return jobs.Job{Name: "waitinglist_offers", Every: time.Minute, Run: func(ctx context.Context) error {
		t := now()
		if _, err := s.LapseOffers(ctx, pool, t); err != nil {
			return err
		}
		return s.FillOffers(ctx, pool, t)
	}}
}

// WithdrawOffers takes back the open offers of event eventID that its
// places no longer hold, after they were lowered: the last on the waiting
// list lose theirs first. They stay on the waiting list and are told so.
// It returns how many were withdrawn.
func (s *Service) WithdrawOffers(ctx context.Context, tx pgx.Tx, eventID int64, actor Actor) (int, error) {
	ev, err := lockEvent(ctx, tx, eventID)
	if err != nil {
		return 0, err
	}
	n := OffersBeyond(ev.MaxParticipants, ev.Confirmed, ev.Offered)
	if n == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `SELECT r.id FROM waitinglist_offers o JOIN registrations r ON r.id = o.registration_id
		WHERE o.event_id = $1 AND o.state = 'open' ORDER BY r.confirmed_at DESC, r.id DESC LIMIT $2`, eventID, n)
	if err != nil {
		return 0, fmt.Errorf("events: offers to withdraw: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("events: offers to withdraw: %w", err)
	}
	for _, id := range ids {
		if _, err := closeOffer(ctx, tx, id, OfferWithdrawn); err != nil {
			return 0, err
		}
		ev.Offered--
		if err := audit.Record(ctx, tx, audit.Entry{
			UserID: actor.UserID, Actor: actor.Name, Table: "registrations", RowID: strconv.FormatInt(id, 10),
			Field: "offer", NewValue: audit.Value(OfferWithdrawn),
		}); err != nil {
			return 0, err
		}
		reg, err := loadRegistration(ctx, tx, id, true)
		if err != nil {
			return 0, err
		}
		pos, err := waitingPosition(ctx, tx, reg)
		if err != nil {
			return 0, err
		}
		if err := s.participantMail(ctx, tx, nil, reg, ev, "registration_offer_withdrawn", mailData{Position: pos}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// OffersBeyond is how many of an event's open offers its places (nil for
// unlimited) no longer hold beside the confirmed.
func OffersBeyond(places *int, confirmed, offered int) int {
	if places == nil {
		return 0
	}
	return min(offered, max(confirmed+offered-*places, 0))
}
