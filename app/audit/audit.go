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

// ActorWaitingList names the waiting list moving up into a freed place:
// the person who freed it did not confirm or offer anything to the next.
const ActorWaitingList = "waiting list"

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
	if len(entries) == 0 {
		return nil
	}
	var b pgx.Batch
	Queue(&b, entries...)
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("audit: record: %w", err)
	}
	return nil
}

// Queue queues writing entries, in one statement, in b: the caller sends
// it in the transaction of the change, with the change's own statements.
func Queue(b *pgx.Batch, entries ...Entry) {
	if len(entries) == 0 {
		return
	}
	users := make([]*int64, len(entries))
	actors := make([]string, len(entries))
	tables := make([]string, len(entries))
	rows := make([]string, len(entries))
	fields := make([]string, len(entries))
	olds := make([]*string, len(entries))
	news := make([]*string, len(entries))
	for i, e := range entries {
		users[i], actors[i], tables[i], rows[i], fields[i], olds[i], news[i] =
			e.UserID, e.Actor, e.Table, e.RowID, e.Field, e.OldValue, e.NewValue
	}
	b.Queue(`INSERT INTO audit_log (user_id, actor, table_name, row_id, field, old_value, new_value)
		SELECT user_id, actor, table_name, row_id, field, old_value, new_value
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
		WITH ORDINALITY AS e (user_id, actor, table_name, row_id, field, old_value, new_value, n)
		ORDER BY n`, users, actors, tables, rows, fields, olds, news)
}

// Value is a helper for the pointer fields: Value("x") → &"x".
func Value(s string) *string { return &s }
