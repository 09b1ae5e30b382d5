package events

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// answeredForm is the registration schema a registration's stored answers
// were given to: the event's current one unless the form changed since
// (the database keeps every version, migrations/0110_form_versions.sql).
func (h *Handler) answeredForm(ctx context.Context, reg *Registration, ev *Event) ([]byte, error) {
	const q = `
		SELECT v.registration_schema::text FROM registrations r
		JOIN events e ON e.id = r.event_id
		JOIN event_form_versions v ON v.event_id = r.event_id AND v.version = r.form_version
		WHERE r.id = $1 AND r.form_version <> e.form_version`
	var raw []byte
	err := h.pool.QueryRow(ctx, q, reg.ID).Scan(&raw)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ev.RegistrationSchema, nil
	case err != nil:
		return nil, fmt.Errorf("events: answered form of registration %d: %w", reg.ID, err)
	}
	return raw, nil
}

// querier is what both a pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// EarlierForms returns the registration schemas an event's form had
// before its current one, newest first.
func EarlierForms(ctx context.Context, q querier, eventID int64) ([][]byte, error) {
	rows, err := q.Query(ctx, `SELECT v.registration_schema::text FROM event_form_versions v
		JOIN events e ON e.id = v.event_id WHERE v.event_id = $1 AND v.version <> e.form_version ORDER BY v.version DESC`, eventID)
	if err != nil {
		return nil, fmt.Errorf("events: earlier forms: %w", err)
	}
	texts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("events: earlier forms: %w", err)
	}
	forms := make([][]byte, len(texts))
	for i, t := range texts {
		forms[i] = []byte(t)
	}
	return forms, nil
}

// Answered reports whether a registration for the event has an answer at
// path (the keys from the answers' root).
func Answered(ctx context.Context, q querier, eventID int64, path []string) (bool, error) {
	var yes bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM registrations WHERE event_id = $1 AND data #> $2 IS NOT NULL)`,
		eventID, path).Scan(&yes)
	if err != nil {
		return false, fmt.Errorf("events: answered: %w", err)
	}
	return yes, nil
}
