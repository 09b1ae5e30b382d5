package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestProfilerServesOnItsOwnAddressUntilStopped(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); servePprof(ctx, addr, slog.New(slog.DiscardHandler)) }()

	body := apptest.EventuallyValue(t, 5*time.Second, "the profiler to answer", func() (string, bool) {
		resp, err := http.Get("http://" + addr + "/debug/pprof/")
		if err != nil {
			return err.Error(), false
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err == nil
	})
	if !strings.Contains(body, "goroutine") {
		t.Fatalf("profiler index: %.200q", body)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the profiler did not stop with its context")
	}
	if _, err := http.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Error("the profiler still answers after stopping")
	}
}
