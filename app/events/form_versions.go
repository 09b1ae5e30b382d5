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
