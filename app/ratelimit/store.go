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

func (l *Limiter) allowDB(ctx context.Context, in pgx.Tx, key string, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	now, key = micro(now), storable(key)
	if in == nil {
		return l.allowBatch(ctx, key, now)
	}
	err = l.db.locked(ctx, in, key, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM rate_limit_events WHERE limiter = $1 AND key = $2 AND at <= $3`,
			l.db.name, key, now.Add(-l.per)); err != nil {
			return err
		}
		var count int
		var first *time.Time
		if err := tx.QueryRow(ctx, `SELECT count(*), min(at) FROM rate_limit_events WHERE limiter = $1 AND key = $2`,
			l.db.name, key).Scan(&count, &first); err != nil {
			return err
		}
		if count >= l.n {
			ok, retryAfter = false, first.Add(l.per).Sub(now)
			return nil
		}
		ok = true
		_, err := tx.Exec(ctx, `INSERT INTO rate_limit_events (limiter, key, at, expires_at) VALUES ($1, $2, $3, $4)`,
			l.db.name, key, now, now.Add(l.per))
		return err
	})
	return ok, retryAfter, err
}

// allowBatch is allowDB in a transaction of its own, sent as one batch:
// the statements run one after the other in one implicit transaction
// holding the key's lock, as in locked, but cost one round trip instead
// of six (a registration passes a limiter on every POST).
func (l *Limiter) allowBatch(ctx context.Context, key string, now time.Time) (ok bool, retryAfter time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	name := l.db.name
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || $2, 0))`, name, key)
	b.Queue(`DELETE FROM rate_limit_events WHERE limiter = $1 AND key = $2 AND at <= $3`, name, key, now.Add(-l.per))
	// Each statement reads what the ones before it committed into the
	// transaction, so the count sees the deletion and every event counted
	// before the lock was granted.
	b.Queue(`
		INSERT INTO rate_limit_events (limiter, key, at, expires_at)
		SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM rate_limit_events WHERE limiter = $1 AND key = $2) < $5
		RETURNING true`, name, key, now, now.Add(l.per), l.n)
	b.Queue(`SELECT min(at) FROM rate_limit_events WHERE limiter = $1 AND key = $2`, name, key)
	br := l.db.store.pool.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return false, 0, err
		}
	}
	err = br.QueryRow().Scan(&ok)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, 0, err
	}
	var first *time.Time
	if err := br.QueryRow().Scan(&first); err != nil {
		return false, 0, err
	}
	if !ok && first != nil {
		retryAfter = first.Add(l.per).Sub(now)
	}
	return ok, retryAfter, nil
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
