package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The test runs on synctest's clock: each time.Sleep below moves that
// clock on by whole quiet periods once every goroutine of the test waits,
// so "nothing happened in 100 ms" is exact, not a guess about a scheduler.
func TestIdleMemoryIsGivenBackOncePerQuietSpell(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const quiet = 20 * time.Millisecond
		var released atomic.Int32
		m := &idleMemory{release: func() { released.Add(1) }}
		h := m.count(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); m.run(ctx, quiet) }()
		defer func() { cancel(); <-done }()

		// after lets d pass on the test's clock and checks the count then.
		after := func(d time.Duration, want int32, what string) {
			t.Helper()
			time.Sleep(d)
			synctest.Wait()
			if got := released.Load(); got != want {
				t.Fatalf("%s: released %d times, want %d", what, got, want)
			}
		}
		serve := func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) }

		after(5*quiet, 0, "before any request")
		for range 3 {
			serve()
		}
		// One tick sees the requests, the next the quiet after them.
		after(2*quiet+quiet/2, 1, "a quiet spell after three requests")
		after(5*quiet, 1, "the same quiet spell, longer")
		serve()
		after(2*quiet+quiet/2, 2, "a quiet spell after another request")
	})
}
