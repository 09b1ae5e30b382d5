package events

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/members"
)

// ReleasePlaces cancels, inside tx, the registrations of person personID
// for events not over yet, before their data is erased: a place held in
// a name nobody knows any more is no use to the organisers, and its
// ticket would still let someone in. A confirmed place, or a place on
// offer, goes to the waiting list as a cancellation's would. The person
// is not mailed (their address is being erased); nor are the organisers,
// as that mail would name them. It returns how many it cancelled.
func (s *Service) ReleasePlaces(ctx context.Context, tx pgx.Tx, personID int64, actor Actor) (int, error) {
	// The registrations the erasure's confirmation names.
	rows, err := tx.Query(ctx, `SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 AND `+members.Upcoming+` ORDER BY r.event_id, r.id`, personID)
	if err != nil {
		return 0, fmt.Errorf("events: release places: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("events: release places: %w", err)
	}
	n := 0
	for _, id := range ids {
		reg, _, err := lockRegistration(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		if reg.Status == StatusCanceled {
			continue // by the person themselves, since it was read
		}
		held := reg.Status == StatusConfirmed
		withdrawn, err := setStatus(ctx, tx, reg, StatusCanceled, actor, false)
		if err != nil {
			return 0, err
		}
		n++
		if held || withdrawn {
			if _, err := s.passOnPlaces(ctx, tx, reg.EventID, actor); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// Release is ReleasePlaces as the erasure calls it (members.Release).
func (s *Service) Release(ctx context.Context, tx pgx.Tx, personID int64, by members.Actor) error {
	_, err := s.ReleasePlaces(ctx, tx, personID, Actor{UserID: by.UserID, Name: by.Name})
	return err
}
