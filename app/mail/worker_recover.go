package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/jobs"
)

// claimerLockSpace is the first key of the workers' liveness locks ("mail").
const claimerLockSpace = 0x6d61696c

// RecoveryEvery is the least time between two runs of the claim recovery,
// in whichever instance; RecoveryTick is how often an instance looks
// whether it is due. Together: a dead worker's claims go back to the queue
// within about 15 s.
const (
	RecoveryEvery = 10 * time.Second
	RecoveryTick  = 15 * time.Second
)

// register records w's claimer as running and takes its liveness lock on
// conn, the worker's own connection: while it is open the lock says the
// claimer lives. The lock is shared: the workers of one process share a
// claimer, which lives while any of them does (the recovery takes an
// exclusive lock, which it gets only when none holds the shared one).
func (w *Worker) register(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock_shared($1, hashtext($2))`, claimerLockSpace, w.claimer.String()); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `INSERT INTO mail_workers (claimer) VALUES ($1) ON CONFLICT (claimer) DO NOTHING`, w.claimer.String()); err != nil {
		return err
	}
	w.registered.Store(true)
	return nil
}

// RecoveryJob is the periodic job that gives the mails a dead worker (of
// any instance, on any host) left in sending back to the queue, so they go
// out within RecoveryEvery instead of after ClaimTimeout. Like a restart
// on the same host, it may send a mail that reached the SMTP server just
// before the crash a second time, under the same Message-ID.
func RecoveryJob(pool *pgxpool.Pool, logger *slog.Logger) jobs.Job {
	return jobs.Job{
		Name:  "mail-claim-recovery",
		Every: RecoveryEvery,
		Run:   func(ctx context.Context) error { return recoverClaims(ctx, pool, logger) },
	}
}

// recoverClaims takes back the claims of every registered worker whose
// liveness lock is free, and forgets those workers.
func recoverClaims(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	rows, _ := conn.Query(ctx, `SELECT claimer FROM mail_workers`)
	claimers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("mail: registered workers: %w", err)
	}
	for _, c := range claimers {
		if err := recoverClaimer(ctx, conn.Conn(), c, logger); err != nil {
			return err
		}
	}
	return nil
}

// recoverClaimer takes c's claims back if c's lock is free. Holding the
// lock meanwhile keeps a worker of the same name (there is none: names
// carry a nonce) from registering in between.
func recoverClaimer(ctx context.Context, conn *pgx.Conn, c string, logger *slog.Logger) error {
	var free bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, claimerLockSpace, c).Scan(&free); err != nil {
		return err
	}
	if !free {
		return nil
	}
	defer func() {
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(unlockCtx, `SELECT pg_advisory_unlock($1, hashtext($2))`, claimerLockSpace, c); err != nil {
			_ = conn.Close(unlockCtx) // a lock left on a pooled connection would mark c alive forever
		}
	}()
	var taken int64
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE mail_outbox SET status = 'queued', claimed_at = NULL, claimed_by = NULL
			WHERE status = 'sending' AND claimed_by = $1`, c)
		if err != nil {
			return err
		}
		taken = tag.RowsAffected()
		_, err = tx.Exec(ctx, `DELETE FROM mail_workers WHERE claimer = $1`, c)
		return err
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("mail: recover the claims of %s: %w", c, err)
	}
	if taken > 0 {
		logger.Warn("mail claim recovery: took back the mails a dead worker left claimed", "mails", taken, "claimer", c)
	}
	return err
}
