package mailweb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/mail"
)

// pageSize is how many mails one page of the outbox shows.
const pageSize = 50

// ErrNotFailed refuses to send again a mail that did not fail.
var ErrNotFailed = errors.New("mailweb: mail has not failed")

// outboxFilter narrows the admin view.
type outboxFilter struct {
	Status string
	Query  string
	Page   int
}

// outboxEntry is one outbox row as the admin view needs it.
type outboxEntry struct {
	ID        int64
	Kind      string
	To        []string
	Cc        []string
	Bcc       []string
	Subject   string
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

const entryColumns = `id, kind, to_addrs, cc_addrs, bcc_addrs, subject, status, attempts, last_error, created_at, sent_at`

func scanEntry(row pgx.CollectableRow) (outboxEntry, error) {
	var e outboxEntry
	err := row.Scan(&e.ID, &e.Kind, &e.To, &e.Cc, &e.Bcc, &e.Subject, &e.Status, &e.Attempts, &e.LastError, &e.CreatedAt, &e.SentAt)
	return e, err
}

// likePattern matches s anywhere, with LIKE's wildcards in s taken literally.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// listOutbox returns one page of the outbox, newest first, and how many
// mails match in all.
func (h *Handler) listOutbox(ctx context.Context, f outboxFilter) ([]outboxEntry, int, error) {
	const where = `
		WHERE ($1 = '' OR status = $1)
		  AND ($2 = '' OR EXISTS (SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs) AS a WHERE a ILIKE $3))`
	var total int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox`+where, f.Status, f.Query, likePattern(f.Query)).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("mailweb: count outbox: %w", err)
	}
	rows, err := h.pool.Query(ctx, `SELECT `+entryColumns+` FROM mail_outbox`+where+` ORDER BY id DESC LIMIT $4 OFFSET $5`,
		f.Status, f.Query, likePattern(f.Query), pageSize, (f.Page-1)*pageSize)
	if err != nil {
		return nil, 0, fmt.Errorf("mailweb: list outbox: %w", err)
	}
	entries, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, 0, fmt.Errorf("mailweb: list outbox: %w", err)
	}
	return entries, total, nil
}

// requeue queues a failed mail again with a fresh count of attempts and
// wakes the workers; by says who did it, for the audit log. The earlier
// errors stay in mail_attempts.
func (h *Handler) requeue(ctx context.Context, id int64, by audit.Entry) (outboxEntry, error) {
	var e outboxEntry
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM mail_outbox WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
			return db.Map(err)
		}
		if status != "failed" {
			return ErrNotFailed
		}
		rows, err := tx.Query(ctx, `
			UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = now(), claimed_at = NULL
			WHERE id = $1 RETURNING `+entryColumns, id)
		if err != nil {
			return err
		}
		if e, err = pgx.CollectExactlyOneRow(rows, scanEntry); err != nil {
			return err
		}
		by.Table, by.RowID, by.Field = "mail_outbox", fmt.Sprint(id), "status"
		by.OldValue, by.NewValue = audit.Value(status), audit.Value("queued")
		if err := audit.Record(ctx, tx, by); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "SELECT pg_notify($1, '')", mail.Notify)
		return err
	})
	if err != nil {
		return outboxEntry{}, fmt.Errorf("mailweb: retry %d: %w", id, err)
	}
	return e, nil
}

// entry reads one mail of the outbox.
func (h *Handler) entry(ctx context.Context, id int64) (outboxEntry, error) {
	rows, err := h.pool.Query(ctx, `SELECT `+entryColumns+` FROM mail_outbox WHERE id = $1`, id)
	if err != nil {
		return outboxEntry{}, fmt.Errorf("mailweb: mail %d: %w", id, err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEntry)
	if err != nil {
		return outboxEntry{}, fmt.Errorf("mailweb: mail %d: %w", id, db.Map(err))
	}
	return e, nil
}
