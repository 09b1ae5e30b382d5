package mail

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Mark is where the outbox stood for a transaction: with QueuedSince, what
// a change in it queued (a change tried first, to say whom it would mail).
type Mark int64

// MarkOutbox notes the newest mail tx sees.
func MarkOutbox(ctx context.Context, tx pgx.Tx) (Mark, error) {
	var last int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM mail_outbox`).Scan(&last); err != nil {
		return 0, fmt.Errorf("mail: outbox mark: %w", err)
	}
	return Mark(last), nil
}

// Queued is one mail a transaction queued: whom it concerns and where it
// goes.
type Queued struct {
	PersonID int64 // 0 when it concerns no person
	To       []string
}

// QueuedSince lists the mails tx queued after m, in order: the rows after
// the mark that carry tx's start time (Enqueue leaves created_at to its
// default, now()), so another transaction's mails committed meanwhile are
// not counted.
func QueuedSince(ctx context.Context, tx pgx.Tx, m Mark) ([]Queued, error) {
	rows, err := tx.Query(ctx, `SELECT coalesce(person_id, 0), to_addrs FROM mail_outbox
		WHERE id > $1 AND created_at = now() ORDER BY id`, int64(m))
	if err != nil {
		return nil, fmt.Errorf("mail: queued: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Queued])
	if err != nil {
		return nil, fmt.Errorf("mail: queued: %w", err)
	}
	return out, nil
}
