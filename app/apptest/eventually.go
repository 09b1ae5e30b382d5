package apptest

import (
	"testing"
	"time"
)

// Eventually polls cond until it holds, and fails t naming what it waited
// for when it still does not after timeout. Tests wait through it instead
// of sleeping for a guessed time.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", timeout, what)
		}
		time.Sleep(pause)
	}
}
