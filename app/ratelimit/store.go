package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store keeps the counts of its limiters in PostgreSQL (the UNLOGGED
// tables rate_limit_events and rate_limit_backoff), so that every instance
// on one database counts together and a restart forgets nothing. When the
// database fails, a limiter counts in its own memory until it answers
// again: a request that gets this far would fail anyway if the database
// were gone for good, and a hiccup must not open the limits.
type Store struct {
	pool   *pgxpool.Pool
	scope  string
	logger *slog.Logger
}

// NewStore returns a store on pool. Limiters of stores with different
// scopes never share counts: production uses "", tests that share one
// database give each app its own scope unless they mean to count together.
func NewStore(pool *pgxpool.Pool, scope string, logger *slog.Logger) *Store {
	if logger == nil {
		logger = slog.Default()
	}
	return &Store{pool: pool, scope: scope, logger: logger}
}

// Limiter returns a Limiter counting in the database under name, which
// must be unique among the store's limiters. A nil store's limiters count
// in memory.
func (s *Store) Limiter(name string, n int, per time.Duration) *Limiter {
	l := New(n, per)
	if s == nil {
		return l
	}
	l.db = &dbCounts{store: s, name: s.scope + "/" + name}
	return l
}

// Backoff returns a Backoff counting in the database under name.
func (s *Store) Backoff(name string, free int, first, longest, forget time.Duration) *Backoff {
	b := NewBackoff(free, first, longest, forget)
	if s == nil {
		return b
	}
	b.db = &dbCounts{store: s, name: s.scope + "/" + name}
	return b
}

// Sweep removes the rows that no longer count, of every limiter; a
// periodic job runs it.
func (s *Store) Sweep(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM rate_limit_events WHERE expires_at < now()`); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM rate_limit_backoff WHERE expires_at < now()`)
	return err
}

// dbCounts is where a database-backed limiter keeps its counts.
type dbCounts struct {
	store *Store
	name  string
}

// dbTimeout bounds a limiter's queries: a stuck database must not hold a
// login for long before the limiter falls back to memory.
const dbTimeout = 5 * time.Second

// beginner is where a limiter's transaction begins: the store's pool, or
// the caller's transaction (a savepoint in it).
type beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// locked runs fn in a transaction holding a lock on the limiter's key, so
// that parallel events of one key (in any instance) are counted one after
// the other. in is the caller's transaction, or nil for one of the store's
// own.
func (d *dbCounts) locked(ctx context.Context, in pgx.Tx, key string, fn func(tx pgx.Tx) error) error {
	var b beginner = d.store.pool
	if in != nil {
		b = in
	} else {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
		defer cancel()
	}
	return pgx.BeginFunc(ctx, b, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))`, d.name, key); err != nil {
			return err
		}
		return fn(tx)
	})
}

// storable is the key as the database keeps it: its SHA-256. The keys are
// mail addresses, account names and client addresses; the counts must not
// keep an address its owner had erased, and any text (a NUL byte, invalid
// UTF-8 typed into a Basic header) becomes text PostgreSQL can hold.
func storable(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// failed logs a database error once per limiter call; the caller then
// counts in memory.
func (d *dbCounts) failed(ctx context.Context, op string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	d.store.logger.ErrorContext(ctx, "rate limit: database failed; counting in memory", "limiter", d.name, "op", op, "err", err)
}

// micro rounds t as PostgreSQL stores it, so that times read back compare
// equal to those written.
func micro(t time.Time) time.Time { return t.Round(time.Microsecond) }

// allowSQL counts an event, after the key's lock is granted (by the
// statement before it, so that this one's snapshot sees every event
// counted before): it drops the events that left the window, counts the
// rest and adds this one if there is room. The count leaves out the rows
// it deletes, which the statement's snapshot still holds.
const allowSQL = `
	WITH gone AS (DELETE FROM rate_limit_events WHERE limiter = $1 AND key = $2 AND at <= $3),
	live AS (SELECT count(*) AS n, min(at) AS first FROM rate_limit_events
	         WHERE limiter = $1 AND key = $2 AND at > $3),
	added AS (INSERT INTO rate_limit_events (limiter, key, at, expires_at) SELECT $1, $2, $4, $5 FROM live WHERE n < $6)
	SELECT n < $6, first FROM live`

// Verdict is a limiter's answer, known once the batch it was queued in
// has been sent.
type Verdict struct {
	OK         bool
	RetryAfter time.Duration
}

// Queue is AllowIn for a caller that sends a batch in its transaction: the
// event is counted by the statements queued in b, and the verdict is set
// once b is sent (a limiter in memory answers at once). A failed count
// fails the batch, and so the caller's transaction; send b before any
// write the verdict should prevent.
func (l *Limiter) Queue(b *pgx.Batch, key string) *Verdict {
	v := &Verdict{}
	if l.db == nil {
		v.OK, v.RetryAfter = l.AllowIn(context.Background(), nil, key)
		return v
	}
	l.queueAllow(b, storable(key), micro(l.clock()), v)
	return v
}

// queueAllow queues the key's lock and allowSQL in b: one round trip, in
// the caller's transaction or in the implicit one of the batch.
func (l *Limiter) queueAllow(b *pgx.Batch, key string, now time.Time, v *Verdict) {
	name := l.db.name
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))`, name, key)
	b.Queue(allowSQL, name, key, now.Add(-l.per), now, now.Add(l.per), l.n).QueryRow(func(row pgx.Row) error {
		var first *time.Time
		if err := row.Scan(&v.OK, &first); err != nil {
			return err
		}
		if !v.OK && first != nil {
			v.RetryAfter = first.Add(l.per).Sub(now)
		}
		return nil
	})
}

// allowDB counts in tx when there is one, else in a transaction of its
// own (the implicit one of a batch, holding the key's lock as locked
// does). In tx, a failure has failed tx as well: a caller that got this
// far would fail anyway if the database were gone.
func (l *Limiter) allowDB(ctx context.Context, in pgx.Tx, key string, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	now, key = micro(now), storable(key)
	var b pgx.Batch
	var v Verdict
	l.queueAllow(&b, key, now, &v)
	if in != nil {
		err = in.SendBatch(ctx, &b).Close()
	} else {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
		defer cancel()
		err = l.db.store.pool.SendBatch(ctx, &b).Close()
	}
	return v.OK, v.RetryAfter, err
}

func (l *Limiter) undoDB(ctx context.Context, key string) error {
	var in pgx.Tx
	key = storable(key)
	return l.db.locked(ctx, in, key, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			DELETE FROM rate_limit_events WHERE id = (
				SELECT id FROM rate_limit_events WHERE limiter = $1 AND key = $2 ORDER BY at DESC, id DESC LIMIT 1)`,
			l.db.name, key)
		return err
	})
}

func (l *Limiter) resetDB(ctx context.Context, key string) error {
	var in pgx.Tx
	key = storable(key)
	return l.db.locked(ctx, in, key, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM rate_limit_events WHERE limiter = $1 AND key = $2`, l.db.name, key)
		return err
	})
}

func (b *Backoff) allowDB(ctx context.Context, key string, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	now, key = micro(now), storable(key)
	err = b.db.locked(ctx, nil, key, func(tx pgx.Tx) error {
		var k backoffKey
		var prev *time.Time
		err := tx.QueryRow(ctx, `SELECT failures, last_at, prev_at FROM rate_limit_backoff WHERE limiter = $1 AND key = $2`,
			b.db.name, key).Scan(&k.failures, &k.last, &prev)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			k = backoffKey{}
		case err != nil:
			return err
		case !now.Before(k.last.Add(b.forget)):
			k = backoffKey{}
		default:
			if next := k.last.Add(b.Delay(k.failures)); now.Before(next) {
				ok, retryAfter = false, next.Sub(now)
				return nil
			}
		}
		ok = true
		k.failures++
		k.prev, k.last = k.last, now
		var prevAt *time.Time
		if !k.prev.IsZero() {
			prevAt = &k.prev
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO rate_limit_backoff (limiter, key, failures, last_at, prev_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (limiter, key) DO UPDATE
			SET failures = excluded.failures, last_at = excluded.last_at, prev_at = excluded.prev_at, expires_at = excluded.expires_at`,
			b.db.name, key, k.failures, k.last, prevAt, k.last.Add(b.forget))
		return err
	})
	return ok, retryAfter, err
}

func (b *Backoff) undoDB(ctx context.Context, key string) error {
	key = storable(key)
	return b.db.locked(ctx, nil, key, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			WITH gone AS (
				DELETE FROM rate_limit_backoff WHERE limiter = $1 AND key = $2 AND failures <= 1)
			UPDATE rate_limit_backoff
			SET failures = failures - 1,
			    last_at = coalesce(prev_at, last_at), prev_at = NULL,
			    expires_at = coalesce(prev_at, last_at) + $3::interval
			WHERE limiter = $1 AND key = $2 AND failures > 1`,
			b.db.name, key, b.forget)
		return err
	})
}
