// Package ratelimit counts events per key (a client address, an account, a
// typed-in mail address) and refuses them beyond a limit. The limiters of
// a Store count in PostgreSQL, shared by every instance; those made by New
// and NewBackoff count in this process's memory.
package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// maxKeys bounds memory: a flood of distinct keys (spoofed addresses, made-up
// accounts) must not grow the map without end.
const maxKeys = 50_000

// Limiter allows n events per key within any window of length per (a sliding
// window: the times of the last n events are kept). It is safe for
// concurrent use.
type Limiter struct {
	n   int
	per time.Duration
	now func() time.Time
	db  *dbCounts // nil: in memory

	mu        sync.Mutex
	events    map[string][]time.Time
	lastSweep time.Time
}

// New returns a Limiter allowing n events per key within per.
func New(n int, per time.Duration) *Limiter {
	if n < 1 {
		n = 1
	}
	return &Limiter{n: n, per: per, now: time.Now, events: make(map[string][]time.Time)}
}

// SetClock replaces the clock, for tests that must not wait a real window.
func (l *Limiter) SetClock(now func() time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = now
}

// Allow records an event for key and reports whether it is within the limit.
// A refused event is not recorded; retryAfter says when the next one will be
// allowed.
func (l *Limiter) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration) {
	return l.AllowIn(ctx, nil, key)
}

// AllowIn is Allow for a caller inside a transaction: a database-backed
// limiter counts in tx (nil: in a transaction of its own), so that it
// needs no second connection while the caller holds one; the count goes
// with tx if tx rolls back.
func (l *Limiter) AllowIn(ctx context.Context, tx pgx.Tx, key string) (ok bool, retryAfter time.Duration) {
	if l.db != nil {
		ok, retryAfter, err := l.allowDB(ctx, tx, key, l.clock())
		if err == nil {
			return ok, retryAfter
		}
		l.db.failed(ctx, "allow", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)

	times := live(l.events[key], now.Add(-l.per))
	if len(times) >= l.n {
		l.events[key] = times
		return false, times[0].Add(l.per).Sub(now)
	}
	if _, known := l.events[key]; !known && len(l.events) >= maxKeys {
		l.evictSome()
	}
	l.events[key] = append(times, now)
	return true, 0
}

// Undo takes back the latest event of key: for callers that count an
// attempt before judging it, so parallel attempts cannot all pass a check
// made before any of them was counted, and then find it should not count
// (a successful login).
func (l *Limiter) Undo(ctx context.Context, key string) {
	if l.db != nil {
		err := l.undoDB(ctx, key)
		if err == nil {
			return
		}
		l.db.failed(ctx, "undo", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	times := l.events[key]
	switch len(times) {
	case 0:
	case 1:
		delete(l.events, key)
	default:
		l.events[key] = times[:len(times)-1]
	}
}

// Reset forgets key, for example after a successful login.
func (l *Limiter) Reset(ctx context.Context, key string) {
	if l.db != nil {
		err := l.resetDB(ctx, key)
		if err == nil {
			return
		}
		l.db.failed(ctx, "reset", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.events, key)
}

func (l *Limiter) clock() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now()
}

// live drops the events at or before cutoff; times is in order.
func live(times []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	if i == len(times) {
		return times[:0]
	}
	return times[i:]
}

// sweep forgets keys whose events have all left the window, at most once per
// window so the cost stays proportional to the traffic.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.per {
		return
	}
	l.lastSweep = now
	cutoff := now.Add(-l.per)
	for k, times := range l.events {
		if len(live(times, cutoff)) == 0 {
			delete(l.events, k)
		}
	}
}

// evictSome drops a sixteenth of the keys, in the map's random order. It
// runs only when the map is full of keys still inside their window (a flood),
// and dropping a batch keeps the cost per event constant.
func (l *Limiter) evictSome() { evictSixteenth(l.events) }

// evictSixteenth deletes a sixteenth of m's keys (at least one), in the
// map's random order.
func evictSixteenth[V any](m map[string]V) {
	drop := len(m)/16 + 1
	for k := range m {
		if drop == 0 {
			return
		}
		delete(m, k)
		drop--
	}
}
