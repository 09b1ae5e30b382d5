package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// checkMails waits until memberdb's worker has delivered every mail of the
// run's registrations and checks that each person got as many mails at the
// sink as memberdb queued for them, at least the confirmation request and
// the answer to their confirmation.
func (b *Bench) checkMails(ctx context.Context, events []int64) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var pending int
		err := b.Env.AppDB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE event_id = ANY($1) AND status IN ('queued', 'sending') `+benchMark, events).Scan(&pending)
		if err != nil {
			return err
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d mails of the run still undelivered after 3 minutes", pending)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	// Delivered means handed to the sink; give its bookkeeping a moment.
	_ = sleep(ctx, 200*time.Millisecond)
	const q = `
		SELECT p.email, r.status,
		       (SELECT count(*) FROM mail_outbox m WHERE m.person_id = p.id),
		       (SELECT count(*) FROM mail_outbox m WHERE m.person_id = p.id AND m.status <> 'sent')
		FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = ANY($1) ` + benchMark
	rows, err := b.Env.AppDB.Query(ctx, q, events)
	if err != nil {
		return err
	}
	type reg struct {
		Email, Status  string
		Queued, Unsent int
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reg])
	if err != nil {
		return err
	}
	var bad []string
	for _, r := range regs {
		got := b.Env.Sink.Count(r.Email)
		want := 2
		if r.Status == "pending" {
			want = 1
		}
		if r.Unsent > 0 || got != r.Queued || got < want {
			bad = append(bad, fmt.Sprintf("%s (%s): %d mails queued, %d unsent, %d arrived", r.Email, r.Status, r.Queued, r.Unsent, got))
		}
	}
	if len(regs) == 0 {
		return fmt.Errorf("no registrations were stored")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d of %d registrations did not get their mails, e.g. %s", len(bad), len(regs), bad[0])
	}
	return nil
}

// outboxLatency reads how long the confirmation requests of the run stayed
// in the outbox (from the registration's transaction to the worker's record
// of sending): the part of the mail's way that is memberdb's worker.
func (b *Bench) outboxLatency(ctx context.Context, events []int64) ([]time.Duration, error) {
	const q = `
		SELECT extract(epoch FROM sent_at - created_at)::float8 FROM mail_outbox
		WHERE event_id = ANY($1) AND kind = 'event_registration_pending' AND status = 'sent' ` + benchMark
	rows, err := b.Env.AppDB.Query(ctx, q, events)
	if err != nil {
		return nil, err
	}
	secs, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	out := make([]time.Duration, len(secs))
	for i, s := range secs {
		out[i] = time.Duration(s * float64(time.Second))
	}
	return out, err
}
