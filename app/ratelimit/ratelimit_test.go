package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestLimiter(s *Store, n int, per time.Duration) (*Limiter, *clock) {
	c := &clock{t: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
	l := New(n, per)
	if s != nil {
		l = s.Limiter("test", n, per)
	}
	l.SetClock(c.now)
	return l, c
}

func TestAllowLimitsPerKeyAndRecovers(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		l, c := newTestLimiter(s, 3, time.Minute)
		for i := range 3 {
			if ok, _ := l.Allow(ctx, "a"); !ok {
				t.Fatalf("event %d refused, want allowed", i+1)
			}
			c.advance(10 * time.Second)
		}
		ok, retry := l.Allow(ctx, "a")
		if ok {
			t.Fatal("fourth event allowed, want refused")
		}
		// The first event was 30 s ago, so it leaves the window in 30 s.
		if retry != 30*time.Second {
			t.Errorf("retryAfter = %v, want 30s", retry)
		}
		if ok, _ := l.Allow(ctx, "b"); !ok {
			t.Error("other key refused, want allowed")
		}
		c.advance(retry)
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Error("refused after waiting retryAfter, want allowed")
		}
		if ok, _ := l.Allow(ctx, "a"); ok {
			t.Error("allowed again right away, want refused (two events still in window)")
		}
	})
}

func TestRefusedEventsDoNotExtendTheWait(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		l, c := newTestLimiter(s, 1, time.Minute)
		l.Allow(ctx, "a")
		for range 10 {
			c.advance(5 * time.Second)
			l.Allow(ctx, "a")
		}
		c.advance(10 * time.Second)
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Error("refused one window after the only allowed event")
		}
	})
}

func TestResetForgetsKey(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		l, _ := newTestLimiter(s, 1, time.Minute)
		l.Allow(ctx, "a")
		l.Reset(ctx, "a")
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Error("refused after Reset")
		}
	})
}

func TestMemoryIsBounded(t *testing.T) {
	ctx := t.Context()
	l, c := newTestLimiter(nil, 2, time.Hour)
	for i := range maxKeys + 100 {
		l.Allow(ctx, fmt.Sprint("k", i))
		if i%1000 == 0 {
			c.advance(time.Millisecond)
		}
	}
	if got := len(l.events); got > maxKeys {
		t.Errorf("%d keys kept, want at most %d", got, maxKeys)
	}
	// Once the window has passed, a sweep forgets everything.
	c.advance(2 * time.Hour)
	l.Allow(ctx, "fresh")
	if got := len(l.events); got != 1 {
		t.Errorf("%d keys after the window passed, want 1", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		l := New(100, time.Minute)
		if s != nil {
			l = s.Limiter("test", 100, time.Minute)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if ok, _ := l.Allow(ctx, "shared"); ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		if allowed != 100 {
			t.Errorf("%d events allowed, want exactly 100", allowed)
		}
	})
}

func TestUndoTakesBackTheLatestEvent(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		l, c := newTestLimiter(s, 2, time.Minute)
		l.Allow(ctx, "a")
		c.advance(10 * time.Second)
		l.Allow(ctx, "a")
		l.Undo(ctx, "a")
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Fatal("refused after one of two events was taken back")
		}
		if ok, retry := l.Allow(ctx, "a"); ok || retry != 50*time.Second {
			t.Errorf("Allow = %v, %v; want refused until the first event leaves the window (50s)", ok, retry)
		}
		l.Undo(ctx, "a")
		l.Undo(ctx, "a")
		l.Undo(ctx, "a") // more than were recorded
		if ok, _ := l.Allow(ctx, "a"); !ok {
			t.Error("refused after every event was taken back")
		}
	})
}

func TestClientKey(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "::ffff:203.0.113.7"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"not-an-address", "not-an-address"},
	}
	for _, tt := range tests {
		if got := ClientKey(tt.addr); got != tt.want {
			t.Errorf("ClientKey(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
