package mail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/metrics"
)

// claimed is one outbox row a worker took for delivery.
type claimed struct {
	ID        int64
	CreatedAt time.Time
	ClaimedAt time.Time
	Attempts  int
	Message
}

// claim takes up to BatchSize due mails: queued ones whose time has come
// and ones a dead worker left in sending for ClaimTimeout. SKIP LOCKED lets
// concurrent workers pass over each other's rows instead of waiting for
// them. Each row records this process as its claimer, so that after a
// crash the next worker on this host takes it back at once (reclaim).
func (w *Worker) claim(ctx context.Context) ([]claimed, error) {
	const q = `
		UPDATE mail_outbox o SET status = 'sending', claimed_at = clock_timestamp(), claimed_by = $4
		WHERE o.id IN (
			SELECT id FROM mail_outbox
			WHERE ((status = 'queued' AND next_attempt_at <= now())
			    OR (status = 'sending' AND claimed_at < now() - $1::interval))
			  AND ($2 = '' OR origin = $2)
			ORDER BY next_attempt_at, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING o.id, o.created_at, o.claimed_at, o.attempts, o.kind, o.to_addrs, o.cc_addrs, o.bcc_addrs,
		          o.reply_to, o.subject, o.body_text, o.body_html`
	// The claim commits with its UPDATE: read to the end even when the
	// worker stops meanwhile, so that deliver gives the mails back (a
	// stop during the read left them claimed until the claim timed out).
	ctx = context.WithoutCancel(ctx)
	rows, err := w.pool.Query(ctx, q, w.cfg.ClaimTimeout, w.cfg.Origin, w.cfg.BatchSize, w.claimer.String())
	if err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (claimed, error) {
		var c claimed
		err := row.Scan(&c.ID, &c.CreatedAt, &c.ClaimedAt, &c.Attempts, &c.Kind, &c.To, &c.Cc, &c.Bcc,
			&c.ReplyTo, &c.Subject, &c.Text, &c.HTML)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	if len(batch) == 0 {
		return nil, nil
	}
	// UPDATE … RETURNING gives no order; mails of one change go out in the
	// order they were written ("cancelled" before "moved up").
	slices.SortFunc(batch, func(a, b claimed) int { return cmp.Compare(a.ID, b.ID) })
	if err := w.loadAttachments(ctx, batch); err != nil {
		return nil, errors.Join(err, w.release(ctx, batch))
	}
	return batch, nil
}

func (w *Worker) loadAttachments(ctx context.Context, batch []claimed) error {
	ids := make([]int64, len(batch))
	index := make(map[int64]int, len(batch))
	for i, c := range batch {
		ids[i] = c.ID
		index[c.ID] = i
	}
	// A blob the batch's mails share comes once, with its first attachment,
	// and is shared in memory: fifty mails of one organiser message with a
	// 10 MB file are 10 MB to fetch and hold, not 500.
	const q = `
		SELECT a.mail_id, a.filename, a.content_type, a.blob_sha256, a.inline,
		       CASE WHEN row_number() OVER (PARTITION BY a.blob_sha256 ORDER BY a.id) = 1 THEN b.content END
		FROM mail_attachments a
		JOIN mail_blobs b ON b.sha256 = a.blob_sha256
		WHERE a.mail_id = ANY($1)
		ORDER BY a.id`
	rows, err := w.pool.Query(ctx, q, ids)
	if err != nil {
		return fmt.Errorf("mail: attachments: %w", err)
	}
	defer rows.Close()
	contents := make(map[string][]byte)
	for rows.Next() {
		var id int64
		var a Attachment
		var content []byte
		if err := rows.Scan(&id, &a.Filename, &a.ContentType, &a.Blob, &a.Inline, &content); err != nil {
			return fmt.Errorf("mail: attachments: %w", err)
		}
		if content != nil {
			contents[string(a.Blob)] = content
		}
		a.Content = contents[string(a.Blob)]
		batch[index[id]].Attachments = append(batch[index[id]].Attachments, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("mail: attachments: %w", err)
	}
	return nil
}

// The updates below match on claimed_at too: if this worker was too slow
// and another took the mail over, the other one's record wins.

func (w *Worker) markSent(ctx context.Context, sent []claimed) error {
	if len(sent) == 0 {
		return nil
	}
	ids := make([]int64, len(sent))
	claims := make([]time.Time, len(sent))
	for i, c := range sent {
		ids[i], claims[i] = c.ID, c.ClaimedAt
	}
	const q = `
		UPDATE mail_outbox o SET status = 'sent', sent_at = now(), attempts = attempts + 1, claimed_at = NULL, claimed_by = NULL
		FROM unnest($1::bigint[], $2::timestamptz[]) AS s(id, claimed_at)
		WHERE o.id = s.id AND o.status = 'sending' AND o.claimed_at = s.claimed_at`
	if _, err := w.pool.Exec(ctx, q, ids, claims); err != nil {
		return fmt.Errorf("mail: mark %d mails sent: %w", len(sent), err)
	}
	return nil
}

// markFailed records a failed attempt: a permanent failure, or the last
// allowed attempt, fails the mail; otherwise it waits RetryBase doubled for
// every earlier attempt.
func (w *Worker) markFailed(ctx context.Context, c claimed, sendErr error, permanent bool) error {
	attempts := c.Attempts + 1
	status, next := "queued", time.Now().Add(w.backoff(attempts))
	if permanent || attempts >= w.cfg.MaxAttempts {
		status, next = "failed", time.Now()
	}
	msg := sendErr.Error()
	kind := "temporary"
	if status == "failed" {
		kind = "permanent"
	}
	metrics.MailFailures.WithLabelValues(kind).Inc()
	w.cfg.Logger.Warn("mail not delivered", "id", c.ID, "kind", c.Kind, "attempt", attempts, "status", status, "err", msg)
	const q = `
		WITH attempt AS (INSERT INTO mail_attempts (mail_id, error) VALUES ($1, $4))
		UPDATE mail_outbox SET status = $3, attempts = attempts + 1, next_attempt_at = $5, last_error = $4, claimed_at = NULL, claimed_by = NULL
		WHERE id = $1 AND status = 'sending' AND claimed_at = $2`
	if _, err := w.pool.Exec(ctx, q, c.ID, c.ClaimedAt, status, msg, next); err != nil {
		return fmt.Errorf("mail: mark %d failed: %w", c.ID, err)
	}
	return nil
}

// backoff is the wait after the given number of failed attempts.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.cfg.RetryBase
	for i := 1; i < attempts && d < 24*time.Hour; i++ {
		d *= 2
	}
	return d
}

// release gives mails back that were claimed but not tried because the
// worker is shutting down.
func (w *Worker) release(ctx context.Context, batch []claimed) error {
	ids := make([]int64, len(batch))
	for i, c := range batch {
		ids[i] = c.ID
	}
	const q = `UPDATE mail_outbox SET status = 'queued', claimed_at = NULL, claimed_by = NULL WHERE id = ANY($1) AND status = 'sending'`
	if _, err := w.pool.Exec(ctx, q, ids); err != nil {
		return fmt.Errorf("mail: release: %w", err)
	}
	return nil
}

// capture moves due mails to the development mailbox instead of sending.
func (w *Worker) capture(ctx context.Context) (int, error) {
	const q = `
		UPDATE mail_outbox SET status = 'captured', claimed_at = NULL, claimed_by = NULL
		WHERE id IN (
			SELECT id FROM mail_outbox
			WHERE (status = 'queued' OR (status = 'sending' AND claimed_at < now() - $1::interval))
			  AND ($2 = '' OR origin = $2)
			ORDER BY id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)`
	tag, err := w.pool.Exec(ctx, q, w.cfg.ClaimTimeout, w.cfg.Origin, w.cfg.BatchSize)
	if err != nil {
		return 0, fmt.Errorf("mail: capture: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
