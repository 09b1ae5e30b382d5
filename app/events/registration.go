package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Registration is a row of registrations with its person.
type Registration struct {
	ID          int64      `db:"id"`
	EventID     int64      `db:"event_id"`
	PersonID    int64      `db:"person_id"`
	Status      string     `db:"status"`
	Data        []byte     `db:"data"`
	ConfirmedAt *time.Time `db:"confirmed_at"`
	CanceledAt  *time.Time `db:"canceled_at"`
	Version     int        `db:"version"`
	// CheckinCode is the ticket's code, given on the first confirmation
	// (migration 0080); only a confirmed registration's code is valid.
	CheckinCode *string    `db:"checkin_code"`
	CheckedInAt *time.Time `db:"checked_in_at"`
	Name        string     `db:"person_name"`
	Email       string     `db:"person_email"`
	Language    string     `db:"person_language"`
}

// Answers decodes the stored answers. Stored answers that are no JSON
// object are an error, not an empty form: saving the form again would
// erase them.
func (r *Registration) Answers() (map[string]any, error) {
	answers := map[string]any{}
	if err := json.Unmarshal(r.Data, &answers); err != nil {
		return nil, fmt.Errorf("events: answers of registration %d: %w", r.ID, err)
	}
	return answers, nil
}

// Lang is the language of the person's mails.
func (r *Registration) Lang() i18n.Lang {
	if l, ok := i18n.Parse(r.Language); ok {
		return l
	}
	return i18n.DE
}

const registrationColumns = `
	r.id, r.event_id, r.person_id, r.status, r.data, r.confirmed_at, r.canceled_at, r.version,
	r.checkin_code, r.checked_in_at,
	p.name AS person_name, p.email AS person_email, coalesce(r.language, p.language) AS person_language`

// scanRegistration reads a row of registrationColumns by position: the
// participants list reads thousands, and pgx's scanning by name spent
// two fifths of their reading on matching columns to fields.
func scanRegistration(row pgx.CollectableRow) (Registration, error) {
	var r Registration
	err := row.Scan(&r.ID, &r.EventID, &r.PersonID, &r.Status, &r.Data, &r.ConfirmedAt, &r.CanceledAt, &r.Version,
		&r.CheckinCode, &r.CheckedInAt, &r.Name, &r.Email, &r.Language)
	return r, err
}

// loadRegistration reads a registration; forUpdate locks its row, which
// callers do only after locking the event row (lockEvent) so that every
// transaction takes the locks in the same order.
func loadRegistration(ctx context.Context, q Querier, id int64, forUpdate bool) (*Registration, error) {
	sql := `SELECT ` + registrationColumns + ` FROM registrations r JOIN persons p ON p.id = r.person_id WHERE r.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE OF r`
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return nil, fmt.Errorf("events: load registration: %w", err)
	}
	reg, err := pgx.CollectExactlyOneRow(rows, scanRegistration)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("events: load registration: %w", db.Map(err))
	}
	return &reg, nil
}

// Registrations lists an event's registrations with their persons in
// confirmation order: confirmed (or waiting) ones by the time they
// confirmed, then pending ones by the time they registered.
func Registrations(ctx context.Context, q Querier, eventID int64) ([]Registration, error) {
	const sql = `SELECT ` + registrationColumns + ` FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1
		ORDER BY r.confirmed_at NULLS LAST, r.created_at, r.id`
	rows, err := q.Query(ctx, sql, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: registrations: %w", err)
	}
	regs, err := pgx.CollectRows(rows, scanRegistration)
	if err != nil {
		return nil, fmt.Errorf("events: registrations: %w", err)
	}
	return regs, nil
}

// EachRegistration calls fn with each registration of the event, in the
// order of Registrations, as they come from the database: a long list
// costs the memory of one row (the participants' JSON streams it).
func EachRegistration(ctx context.Context, q Querier, eventID int64, fn func(*Registration) error) error {
	const sql = `SELECT ` + registrationColumns + ` FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = $1
		ORDER BY r.confirmed_at NULLS LAST, r.created_at, r.id`
	rows, err := q.Query(ctx, sql, eventID)
	if err != nil {
		return fmt.Errorf("events: registrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		reg, err := scanRegistration(rows)
		if err != nil {
			return fmt.Errorf("events: registrations: %w", err)
		}
		if err := fn(&reg); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("events: registrations: %w", err)
	}
	return nil
}

// CountByStatus counts an event's registrations by status.
func CountByStatus(ctx context.Context, q Querier, eventID int64) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT status, count(*) FROM registrations WHERE event_id = $1 GROUP BY status`, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: count by status: %w", err)
	}
	counts := map[string]int{}
	var (
		status string
		n      int
	)
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		counts[status] = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("events: count by status: %w", err)
	}
	return counts, nil
}

// waitingPosition is the registration's place on the waiting list, in
// order of confirmation time.
func waitingPosition(ctx context.Context, q Querier, reg *Registration) (int, error) {
	if reg.Status != StatusWaitinglist || reg.ConfirmedAt == nil {
		return 0, nil
	}
	const sql = `SELECT count(*) FROM registrations
		WHERE event_id = $1 AND status = 'waitinglist' AND (confirmed_at, id) <= ($2, $3)`
	var pos int
	if err := q.QueryRow(ctx, sql, reg.EventID, *reg.ConfirmedAt, reg.ID).Scan(&pos); err != nil {
		return 0, fmt.Errorf("events: waiting position: %w", err)
	}
	return pos, nil
}
