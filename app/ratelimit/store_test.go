package ratelimit

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// bothStores runs test with limiters in memory (s is nil) and in the
// database (a store of a scope of its own): both must answer alike.
func bothStores(t *testing.T, test func(t *testing.T, s *Store)) {
	t.Run("memory", func(t *testing.T) { test(t, nil) })
	t.Run("database", func(t *testing.T) { test(t, NewStore(dbtest.Pool(t), rand.Text(), nil)) })
}

// Two processes' limiters of one store share their counts: that is what
// makes N instances count like one.
func TestStoreSharesCountsBetweenLimiters(t *testing.T) {
	ctx := t.Context()
	scope := rand.Text()
	a := NewStore(dbtest.Pool(t), scope, nil).Limiter("login", 3, time.Minute)
	b := NewStore(dbtest.Pool(t), scope, nil).Limiter("login", 3, time.Minute)
	other := NewStore(dbtest.Pool(t), rand.Text(), nil).Limiter("login", 3, time.Minute)
	for i, l := range []*Limiter{a, b, a} {
		if ok, _ := l.Allow(ctx, "k"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	if ok, _ := b.Allow(ctx, "k"); ok {
		t.Error("the fourth event, in the second limiter, was allowed")
	}
	if ok, _ := other.Allow(ctx, "k"); !ok {
		t.Error("a limiter of another scope counted the others' events")
	}

	ba := NewStore(dbtest.Pool(t), scope, nil).Backoff("account", 2, time.Minute, time.Hour, time.Hour)
	bb := NewStore(dbtest.Pool(t), scope, nil).Backoff("account", 2, time.Minute, time.Hour, time.Hour)
	ba.Allow(ctx, "k")
	bb.Allow(ctx, "k")
	if ok, retry := ba.Allow(ctx, "k"); ok || retry <= 0 {
		t.Errorf("third failure over two backoffs = %v, %v; want a wait", ok, retry)
	}
}

// A store whose database is gone still limits, in memory.
func TestStoreFallsBackToMemory(t *testing.T) {
	ctx := t.Context()
	pool := dbtest.Pool(t)
	pool.Close()
	var logged logCounter
	l := NewStore(pool, rand.Text(), logged.logger()).Limiter("x", 1, time.Minute)
	if ok, _ := l.Allow(ctx, "k"); !ok {
		t.Fatal("first event refused")
	}
	if ok, _ := l.Allow(ctx, "k"); ok {
		t.Error("second event allowed without the database")
	}
	if logged.n.Load() == 0 {
		t.Error("the database's failure was not logged")
	}
}

// The sweep removes only what no longer counts.
func TestSweepKeepsLiveCounts(t *testing.T) {
	ctx := t.Context()
	pool := dbtest.Pool(t)
	s := NewStore(pool, rand.Text(), nil)
	old, _ := newTestLimiter(s, 1, time.Minute) // its clock says 2025: long expired
	old.Allow(ctx, "k")
	live := s.Limiter("live", 1, time.Hour)
	live.Allow(ctx, "k")
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM rate_limit_events WHERE starts_with(limiter, $1)`, s.scope).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d rows after the sweep, want the live one", n)
	}
	if ok, _ := live.Allow(ctx, "k"); ok {
		t.Error("the sweep forgot a live count")
	}
}

// logCounter counts the error lines of a logger.
type logCounter struct{ n atomic.Int64 }

func (c *logCounter) logger() *slog.Logger { return slog.New(c) }

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		c.n.Add(1)
	}
	return nil
}
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }

// Keys PostgreSQL cannot store as text (a NUL byte, invalid UTF-8) are
// counted all the same, each by itself.
func TestStoreCountsUnstorableKeys(t *testing.T) {
	ctx := t.Context()
	var logged logCounter
	l := NewStore(dbtest.Pool(t), rand.Text(), logged.logger()).Limiter("x", 1, time.Minute)
	for _, key := range []string{"a\x00b", "a\xffb", "a"} {
		if ok, _ := l.Allow(ctx, key); !ok {
			t.Errorf("first event of %q refused", key)
		}
		if ok, _ := l.Allow(ctx, key); ok {
			t.Errorf("second event of %q allowed", key)
		}
	}
	if logged.n.Load() != 0 {
		t.Error("the database refused a key")
	}
}

// Inside a transaction a limiter counts in it: it needs no second
// connection (a pool of one would wait for ever), and a rolled back
// transaction takes its count along.
func TestAllowInCountsInTheCallersTransaction(t *testing.T) {
	ctx := t.Context()
	cfg, err := pgxpool.ParseConfig(dbtest.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var logged logCounter
	l := NewStore(pool, rand.Text(), logged.logger()).Limiter("x", 1, time.Minute)
	rollback := errors.New("roll back")
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if ok, _ := l.AllowIn(ctx, tx, "k"); !ok {
			t.Error("first event refused")
		}
		if ok, _ := l.AllowIn(ctx, tx, "k"); ok {
			t.Error("second event in the same transaction allowed")
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if ok, _ := l.Allow(ctx, "k"); !ok {
		t.Error("the rolled back event still counts")
	}
	if logged.n.Load() != 0 {
		t.Error("the limiter fell back to memory")
	}
}

// Events of one key arriving at once, from separate connections, are
// counted one after the other: exactly the limit is allowed, and the
// refused ones are told when to come back.
func TestStoreCountsConcurrentEventsExactly(t *testing.T) {
	ctx := t.Context()
	const limit, tries = 5, 24
	scope := rand.Text()
	var allowed atomic.Int64
	var badRetry atomic.Int64
	done := make(chan struct{})
	limiters := make([]*Limiter, tries)
	for i := range limiters {
		limiters[i] = NewStore(dbtest.Pool(t), scope, nil).Limiter("burst", limit, time.Minute)
	}
	for _, l := range limiters {
		go func() {
			defer func() { done <- struct{}{} }()
			ok, retry := l.Allow(ctx, "k")
			// Each event reads its clock before it waits for the lock,
			// so the first counted may be a moment younger than it.
			if ok {
				allowed.Add(1)
			} else if retry <= 0 || retry > time.Minute+time.Second {
				badRetry.Add(1)
			}
		}()
	}
	for range tries {
		<-done
	}
	if n := allowed.Load(); n != limit {
		t.Errorf("%d of %d concurrent events allowed, want %d", n, tries, limit)
	}
	if n := badRetry.Load(); n > 0 {
		t.Errorf("%d refused events got no wait within the window", n)
	}
}
