package organisers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
)

// Errors of the store, checked with errors.Is.
var (
	ErrNotFound     = errors.New("organisers: not found")
	ErrAlreadySent  = errors.New("organisers: mail already sent")
	ErrNoRecipients = errors.New("organisers: no recipients")
)

// Event is what the organiser pages need of an event.
type Event struct {
	ID        int64
	Name      string
	Shortlink *string
	Schema    []byte
}

// Registration is one registration with its person.
type Registration struct {
	ID          int64      `db:"id"`
	EventID     int64      `db:"event_id"`
	PersonID    int64      `db:"person_id"`
	PersonName  string     `db:"person_name"`
	Email       string     `db:"email"`
	Language    string     `db:"language"`
	Status      string     `db:"status"`
	Data        []byte     `db:"data"`
	ConfirmedAt *time.Time `db:"confirmed_at"`
	CreatedAt   time.Time  `db:"created_at"`
}

// Store reads events and registrations and keeps mail drafts.
type Store struct {
	pool *pgxpool.Pool
}

// EventByRef finds an event by its id or its shortlink. Shortlinks always
// hold a non-digit, so a number is an id.
func (s *Store) EventByRef(ctx context.Context, ref string) (Event, error) {
	const byID = `SELECT id, name, shortlink, registration_schema::text FROM events WHERE id = $1`
	const byShortlink = `SELECT id, name, shortlink, registration_schema::text FROM events WHERE shortlink = $1`
	var (
		ev     Event
		schema string
		row    pgx.Row
	)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		row = s.pool.QueryRow(ctx, byID, id)
	} else {
		row = s.pool.QueryRow(ctx, byShortlink, ref)
	}
	if err := row.Scan(&ev.ID, &ev.Name, &ev.Shortlink, &schema); err != nil {
		if errors.Is(db.Map(err), db.ErrNotFound) {
			return Event{}, ErrNotFound
		}
		return Event{}, fmt.Errorf("organisers: event %q: %w", ref, err)
	}
	ev.Schema = []byte(schema)
	return ev, nil
}

// Registrations lists an event's registrations in confirmation order:
// confirmed (or waiting) first by the time they confirmed, then pending
// ones by the time they registered.
func (s *Store) Registrations(ctx context.Context, eventID int64) ([]Registration, error) {
	const q = `
		SELECT r.id, r.event_id, r.person_id, p.name AS person_name, p.email, p.language, r.status,
		       r.data, r.confirmed_at, r.created_at
		FROM registrations r
		JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1
		ORDER BY r.confirmed_at NULLS LAST, r.created_at, r.id`
	rows, err := s.pool.Query(ctx, q, eventID)
	if err != nil {
		return nil, fmt.Errorf("organisers: registrations: %w", err)
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Registration])
	if err != nil {
		return nil, fmt.Errorf("organisers: registrations: %w", err)
	}
	return regs, nil
}

// StatusCounts counts an event's registrations by status.
func (s *Store) StatusCounts(ctx context.Context, eventID int64) (map[string]int, error) {
	const q = `SELECT status, count(*) FROM registrations WHERE event_id = $1 GROUP BY status`
	rows, err := s.pool.Query(ctx, q, eventID)
	if err != nil {
		return nil, fmt.Errorf("organisers: status counts: %w", err)
	}
	counts := map[string]int{}
	var (
		st string
		n  int
	)
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		counts[st] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisers: status counts: %w", err)
	}
	return counts, nil
}
