// Package wait is the one loop tests wait with: it polls a condition until
// it holds and fails the test, saying what it waited for, after a deadline.
// It imports nothing of the application, so apptest (as Eventually) and
// mailtest (for its WaitTo and WaitCount) both build on it.
package wait

import (
	"testing"
	"time"
)

// maxPause is the longest pause between two looks. Looks start a
// millisecond apart, so a condition that holds soon is seen at once.
const maxPause = 20 * time.Millisecond

// Until polls cond until it holds, and fails t naming what it waited for
// when it still does not after timeout.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Poll(timeout, cond) {
		t.Fatalf("waited %v for %s", timeout, what)
	}
}

// For polls get until it reports ok and returns the value it had then.
// When it still does not after timeout it fails t naming what it waited
// for and the last value get returned, so the failure shows how far it got.
func For[T any](t testing.TB, timeout time.Duration, what string, get func() (T, bool)) T {
	t.Helper()
	var v T
	if !Poll(timeout, func() bool {
		var ok bool
		v, ok = get()
		return ok
	}) {
		t.Fatalf("waited %v for %s; the last look saw %+v", timeout, what, v)
	}
	return v
}

// Poll reports whether cond held before timeout, for helpers that describe
// a failure themselves (a browser's page, say). The last look comes after
// the deadline, so a condition met during the final pause counts.
func Poll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for pause := time.Millisecond; ; pause = min(2*pause, maxPause) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
	}
}
