// Package audit records who changed what: admins in the console and
// participants through their personal links.
package audit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ActorParticipant names changes made by a participant through a mailed link.
const ActorParticipant = "participant via link"

// ActorPurge names the purge of old personal data (app/retention).
const ActorPurge = "purge"

// Entry is one changed field (or a whole-row action when Field is empty).
type Entry struct {
	UserID   *int64 // nil when no user was logged in
	Actor    string // username, or ActorParticipant
	Table    string
	RowID    string
	Field    string
	OldValue *string
	NewValue *string
}

// Record writes entries inside the transaction of the change itself, so a
// change is never without its record nor a record without its change.
func Record(ctx context.Context, tx pgx.Tx, entries ...Entry) error {
	for _, e := range entries {
		const q = `INSERT INTO audit_log (user_id, actor, table_name, row_id, field, old_value, new_value)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`
		if _, err := tx.Exec(ctx, q, e.UserID, e.Actor, e.Table, e.RowID, e.Field, e.OldValue, e.NewValue); err != nil {
			return fmt.Errorf("audit: record: %w", err)
		}
	}
	return nil
}

// Value is a helper for the pointer fields: Value("x") → &"x".
func Value(s string) *string { return &s }
