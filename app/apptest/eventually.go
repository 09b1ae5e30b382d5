package apptest

import (
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest/wait"
)

// Eventually polls cond until it holds, and fails t naming what it waited
// for when it still does not after timeout. Tests wait through it instead
// of sleeping for a guessed time.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	wait.Until(t, timeout, what, cond)
}

// EventuallyValue polls get until it reports ok and returns its value then;
// after timeout it fails t naming what it waited for and the last value
// seen (a count, a status, a row), so the failure shows how far it got.
func EventuallyValue[T any](t testing.TB, timeout time.Duration, what string, get func() (T, bool)) T {
	t.Helper()
	return wait.For(t, timeout, what, get)
}
