package server

import (
	"context"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// idleMemory hands memory back to the operating system once requests stop.
// Go keeps the heap a burst grew until a later collection, and an idle
// server collects rarely; on a small machine shared with PostgreSQL that
// memory is better given back within seconds of the rush ending.
type idleMemory struct {
	requests atomic.Int64
	release  func() // giveBack; tests count calls instead
}

func giveBack() {
	// The first collection only moves pooled buffers (the compressors'
	// among them) to the pools' victim caches.
	runtime.GC()
	debug.FreeOSMemory()
}

func (m *idleMemory) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		next.ServeHTTP(w, r)
	})
}

// run releases memory after quiet (no request started) following activity,
// once per quiet spell.
func (m *idleMemory) run(ctx context.Context, quiet time.Duration) {
	ticker := time.NewTicker(quiet)
	defer ticker.Stop()
	released := m.requests.Load()
	last := released
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		n := m.requests.Load()
		if n == last && n != released {
			m.release()
			released = n
		}
		last = n
	}
}
