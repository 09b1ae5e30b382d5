package ratelimit

import (
	"context"
	"sync"
	"time"
)

// Backoff lets the first few failures of a key pass at once and then makes
// each further attempt wait: first after the last free failure, twice as
// long after each failure beyond it, never longer than max. A key is
// forgotten once forget has passed since its last failure. Unlike a Limiter
// it never shuts a key out for a whole window: whoever waits the (short)
// delay may try again, which is what an account's owner needs while someone
// else guesses its password. It is safe for concurrent use.
type Backoff struct {
	free   int
	first  time.Duration
	max    time.Duration
	forget time.Duration
	now    func() time.Time
	db     *dbCounts // nil: in memory

	mu        sync.Mutex
	keys      map[string]*backoffKey
	lastSweep time.Time
}

// backoffKey is the state of one key: its failures and the times of the
// last two, so that Undo can give back the latest one.
type backoffKey struct {
	failures   int
	last, prev time.Time
}

// NewBackoff returns a Backoff that lets free failures pass per key, then
// waits first, doubling up to longest, and forgets a key forget after its
// last failure.
func NewBackoff(free int, first, longest, forget time.Duration) *Backoff {
	if free < 0 {
		free = 0
	}
	return &Backoff{free: free, first: first, max: longest, forget: forget, now: time.Now, keys: make(map[string]*backoffKey)}
}

// SetClock replaces the clock, for tests that must not wait.
func (b *Backoff) SetClock(now func() time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = now
}

// Delay is the wait after failures failures: none while they are free.
func (b *Backoff) Delay(failures int) time.Duration {
	if failures < b.free {
		return 0
	}
	d := b.first
	for i := b.free; i < failures && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// Allow counts an attempt for key as a failure and reports whether it may be
// made now. Count it before judging it, so parallel attempts cannot all slip
// through, and Undo it when it succeeds. A refused attempt is not counted;
// retryAfter says when the next one may be made.
func (b *Backoff) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration) {
	if b.db != nil {
		ok, retryAfter, err := b.allowDB(ctx, key, b.clock())
		if err == nil {
			return ok, retryAfter
		}
		b.db.failed(ctx, "allow", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.sweep(now)

	k := b.keys[key]
	if k != nil && !now.Before(k.last.Add(b.forget)) {
		k = nil
	}
	if k != nil {
		if next := k.last.Add(b.Delay(k.failures)); now.Before(next) {
			return false, next.Sub(now)
		}
	} else {
		if len(b.keys) >= maxKeys {
			b.evictSome()
		}
		k = &backoffKey{}
		b.keys[key] = k
	}
	k.failures++
	k.prev, k.last = k.last, now
	return true, 0
}

// Undo takes back the latest failure of key: the attempt Allow counted
// succeeded after all.
func (b *Backoff) Undo(ctx context.Context, key string) {
	if b.db != nil {
		err := b.undoDB(ctx, key)
		if err == nil {
			return
		}
		b.db.failed(ctx, "undo", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := b.keys[key]
	if k == nil {
		return
	}
	k.failures--
	if k.failures <= 0 {
		delete(b.keys, key)
		return
	}
	if !k.prev.IsZero() {
		k.last, k.prev = k.prev, time.Time{}
	}
}

func (b *Backoff) clock() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now()
}

// sweep forgets the keys without a failure for forget, at most once a
// minute so the cost stays proportional to the traffic.
func (b *Backoff) sweep(now time.Time) {
	if now.Sub(b.lastSweep) < time.Minute {
		return
	}
	b.lastSweep = now
	for key, k := range b.keys {
		if !now.Before(k.last.Add(b.forget)) {
			delete(b.keys, key)
		}
	}
}

// evictSome drops a sixteenth of the keys, as Limiter.evictSome does.
func (b *Backoff) evictSome() { evictSixteenth(b.keys) }
