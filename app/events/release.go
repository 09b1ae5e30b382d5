package events

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ReleasePlaces cancels, inside tx, the registrations of person personID
// for events not over yet, before their data is erased: a place held in
// a name nobody knows any more is no use to the organisers, and its
// ticket would still let someone in. A confirmed place, or a place on
// offer, goes to the waiting list as a cancellation's would. The person
// is not mailed (their address is being erased); nor are the organisers,
// as that mail would name them. It returns how many were cancelled.
func (s *Service) ReleasePlaces(ctx context.Context, tx pgx.Tx, personID int64, actor Actor) (int, error) {
	// The same registrations members.UpcomingEvents names on the
	// erasure's confirmation.
	rows, err := tx.Query(ctx, `SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 AND r.status <> 'canceled'
		  AND (coalesce(e.ends_at, e.starts_at) > now()
		       OR (e.starts_at IS NULL AND e.ends_at IS NULL AND e.registration_open))
		ORDER BY r.event_id, r.id`, personID)
	if err != nil {
		return 0, fmt.Errorf("events: release places: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("events: release places: %w", err)
	}
	for _, id := range ids {
		reg, _, err := lockRegistration(ctx, tx, id)
		if err != nil {
			return 0, err
		}
		held := reg.Status == StatusConfirmed
		withdrawn, err := setStatus(ctx, tx, reg, StatusCanceled, actor, false)
		if err != nil {
			return 0, err
		}
		if held || withdrawn {
			if _, err := s.FillFreePlaces(ctx, tx, reg.EventID, actor); err != nil {
				return 0, err
			}
		}
	}
	return len(ids), nil
}
