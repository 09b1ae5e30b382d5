package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func newTestBackoff(s *Store) (*Backoff, *clock) {
	c := &clock{t: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
	b := NewBackoff(3, time.Second, 10*time.Second, time.Hour)
	if s != nil {
		b = s.Backoff("test", 3, time.Second, 10*time.Second, time.Hour)
	}
	b.SetClock(c.now)
	return b, c
}

func TestBackoffDelayGrowsAndIsCapped(t *testing.T) {
	b, _ := newTestBackoff(nil)
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {2, 0}, {3, time.Second}, {4, 2 * time.Second}, {5, 4 * time.Second},
		{6, 8 * time.Second}, {7, 10 * time.Second}, {100, 10 * time.Second},
	}
	for _, tt := range tests {
		if got := b.Delay(tt.failures); got != tt.want {
			t.Errorf("Delay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestBackoffLetsTheFreeFailuresPassThenWaits(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		b, c := newTestBackoff(s)
		for i := range 3 {
			if ok, _ := b.Allow(ctx, "a"); !ok {
				t.Fatalf("failure %d refused, want allowed", i+1)
			}
		}
		ok, retry := b.Allow(ctx, "a")
		if ok || retry != time.Second {
			t.Fatalf("after the free failures Allow = %v, %v; want refused for 1s", ok, retry)
		}
		if ok, _ := b.Allow(ctx, "b"); !ok {
			t.Error("another key refused")
		}
		// Refused attempts do not lengthen the wait.
		for range 5 {
			b.Allow(ctx, "a")
		}
		c.advance(time.Second)
		if ok, _ := b.Allow(ctx, "a"); !ok {
			t.Fatal("refused after waiting the delay")
		}
		if ok, retry := b.Allow(ctx, "a"); ok || retry != 2*time.Second {
			t.Errorf("next attempt = %v, %v; want refused for 2s (the delay doubled)", ok, retry)
		}
		c.advance(2 * time.Second)
		if ok, _ := b.Allow(ctx, "a"); !ok {
			t.Fatal("refused after waiting the doubled delay")
		}
	})
}

func TestBackoffForgetsAfterAQuietSpell(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		b, c := newTestBackoff(s)
		for range 3 {
			b.Allow(ctx, "a")
		}
		c.advance(time.Hour)
		for i := range 3 {
			if ok, _ := b.Allow(ctx, "a"); !ok {
				t.Fatalf("failure %d after an hour without failures refused", i+1)
			}
		}
	})
}

func TestBackoffUndoGivesBackTheLatestFailure(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		b, c := newTestBackoff(s)
		b.Allow(ctx, "a")
		b.Allow(ctx, "a")
		c.advance(5 * time.Second)
		b.Allow(ctx, "a")
		b.Undo(ctx, "a")
		if ok, _ := b.Allow(ctx, "a"); !ok {
			t.Fatal("refused after the third failure was taken back")
		}
		// Undo of every failure, and more, leaves the key free again.
		for range 5 {
			b.Undo(ctx, "a")
		}
		for i := range 3 {
			if ok, _ := b.Allow(ctx, "a"); !ok {
				t.Fatalf("failure %d after undoing all refused", i+1)
			}
		}
	})
}

func TestBackoffHoldsForParallelAttempts(t *testing.T) {
	bothStores(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		b := NewBackoff(8, time.Second, time.Minute, time.Hour)
		if s != nil {
			b = s.Backoff("test", 8, time.Second, time.Minute, time.Hour)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 40 {
			wg.Go(func() {
				if ok, _ := b.Allow(ctx, "shared"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if allowed != 8 {
			t.Errorf("%d parallel attempts allowed, want exactly 8", allowed)
		}
	})
}

func TestBackoffMemoryIsBounded(t *testing.T) {
	ctx := t.Context()
	b, c := newTestBackoff(nil)
	for i := range maxKeys + 100 {
		b.Allow(ctx, fmt.Sprint("k", i))
	}
	if got := len(b.keys); got > maxKeys {
		t.Errorf("%d keys kept, want at most %d", got, maxKeys)
	}
	c.advance(2 * time.Hour)
	b.Allow(ctx, "fresh")
	if got := len(b.keys); got != 1 {
		t.Errorf("%d keys after every key was forgotten, want 1", got)
	}
}
