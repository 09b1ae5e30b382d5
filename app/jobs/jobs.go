// Package jobs runs memberdb's periodic work (session cleanup, the purge,
// waiting-list offers, …) so that several instances on one database behave
// as one: each job runs in one instance at a time, under a PostgreSQL
// advisory lock, and at most once per its period across all of them.
//
// The lock is a session lock held on a connection of its own for the whole
// run. An instance that crashes mid-run loses its connection, PostgreSQL
// releases the lock, and because the run never wrote its finished_at the
// next instance to look finds the job due and runs it again. Jobs must
// therefore be safe to run twice.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lockSpace is the first key of every job's advisory lock (the second is
// the hash of its name), so the jobs' locks never meet other advisory
// locks of this database.
const lockSpace = 0x6d656d62 // "memb"

// Job is one piece of periodic work.
type Job struct {
	Name string
	// Every is the least time between the ends of two runs, across all
	// instances.
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Runner checks its jobs every Tick and runs those that are due.
type Runner struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// Tick is how often an instance looks for due jobs; a minute when zero.
	Tick time.Duration
}

// Start runs the jobs until ctx ends, looking first one Tick after the
// start (an instance starting is busy enough, and tests that start the
// server do not meet jobs they did not ask for); the returned function
// waits for a run in progress to finish after ctx has ended.
func (r *Runner) Start(ctx context.Context, jobs ...Job) (wait func()) {
	tick := r.Tick
	if tick <= 0 {
		tick = time.Minute
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for _, j := range jobs {
				if ctx.Err() != nil {
					return
				}
				if _, err := r.RunDue(ctx, j); err != nil && ctx.Err() == nil {
					r.Logger.Error("periodic job failed", "job", j.Name, "error", err)
				}
			}
		}
	}()
	return func() { <-done }
}

// ErrBusy means another instance holds the job's lock.
var ErrBusy = errors.New("jobs: running in another instance")

// RunDue runs j if no other instance is running it and its last run
// finished at least j.Every ago; it reports whether it ran.
func (r *Runner) RunDue(ctx context.Context, j Job) (bool, error) {
	err := r.locked(ctx, j.Name, func() error {
		var due bool
		err := r.Pool.QueryRow(ctx, `
			SELECT coalesce((SELECT finished_at FROM job_runs WHERE name = $1), '-infinity') <= now() - $2::interval`,
			j.Name, j.Every).Scan(&due)
		if err != nil {
			return err
		}
		if !due {
			return errNotDue
		}
		return r.run(ctx, j)
	})
	switch {
	case errors.Is(err, errNotDue), errors.Is(err, ErrBusy):
		return false, nil
	case err != nil:
		return true, err
	}
	return true, nil
}

// RunNow runs j at once, unless another instance is running it (ErrBusy);
// for commands such as `memberdb purge`.
func (r *Runner) RunNow(ctx context.Context, j Job) error {
	return r.locked(ctx, j.Name, func() error { return r.run(ctx, j) })
}

var errNotDue = errors.New("jobs: not due")

func (r *Runner) run(ctx context.Context, j Job) error {
	if _, err := r.Pool.Exec(ctx, `
		INSERT INTO job_runs (name, started_at) VALUES ($1, now())
		ON CONFLICT (name) DO UPDATE SET started_at = now()`, j.Name); err != nil {
		return err
	}
	if err := j.Run(ctx); err != nil {
		return fmt.Errorf("%s: %w", j.Name, err)
	}
	_, err := r.Pool.Exec(ctx, `UPDATE job_runs SET finished_at = now() WHERE name = $1`, j.Name)
	return err
}

// locked runs fn while holding the job's advisory lock on a connection
// taken from the pool for that time.
func (r *Runner) locked(ctx context.Context, name string, fn func() error) error {
	conn, err := r.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, lockSpace, name).Scan(&got); err != nil {
		return err
	}
	if !got {
		return ErrBusy
	}
	runErr := fn()
	// A lock left on a pooled connection would block the job forever, so
	// a connection that cannot be unlocked is closed instead of returned.
	unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(unlockCtx, `SELECT pg_advisory_unlock($1, hashtext($2))`, lockSpace, name); err != nil {
		_ = conn.Conn().Close(unlockCtx)
	}
	return runErr
}

// LastFinished reports when j last finished, in any instance; the zero
// time if never.
func LastFinished(ctx context.Context, pool *pgxpool.Pool, name string) (time.Time, error) {
	var t *time.Time
	err := pool.QueryRow(ctx, `SELECT finished_at FROM job_runs WHERE name = $1`, name).Scan(&t)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, err
	case t == nil:
		return time.Time{}, nil
	}
	return *t, nil
}
