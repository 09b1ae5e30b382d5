package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestIdleMemoryIsGivenBackOncePerQuietSpell(t *testing.T) {
	var released atomic.Int32
	m := &idleMemory{release: func() { released.Add(1) }}
	h := m.count(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.run(ctx, 20*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	waitFor := func(want int32) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for released.Load() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if got := released.Load(); got != want {
			t.Fatalf("released %d times, want %d", got, want)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if released.Load() != 0 {
		t.Fatal("released memory before any request")
	}
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	waitFor(1)
	time.Sleep(100 * time.Millisecond) // still quiet: nothing more to give back
	waitFor(1)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	waitFor(2)
}
