package apptest

import (
	"slices"
	"testing"
	"time"
)

// AnswerAlike sends n requests about known addresses and n about unknown
// ones, taking turns, and fails t when any answer came before floor or when
// the fastest answers of the two differ by more than slack: how long a form
// takes must not tell whom the association knows. The fastest answer is
// the one least disturbed by the machine's load (a busy test run only
// adds time), so it shows the work a request does. known and unknown get
// the number of the request (0 to n-1), so each can use a fresh address.
func AnswerAlike(t *testing.T, floor, slack time.Duration, n int, known, unknown func(i int)) {
	t.Helper()
	var tookKnown, tookUnknown []time.Duration
	for i := range n {
		for _, side := range []struct {
			send func(int)
			took *[]time.Duration
		}{{known, &tookKnown}, {unknown, &tookUnknown}} {
			began := time.Now()
			side.send(i)
			took := time.Since(began)
			if took < floor {
				t.Errorf("an answer came after %v, before the floor of %v", took, floor)
			}
			*side.took = append(*side.took, took)
		}
	}
	fk, fu := slices.Min(tookKnown), slices.Min(tookUnknown)
	if diff := (fk - fu).Abs(); diff > slack {
		t.Errorf("known addresses take %v at the fastest, unknown ones %v: %v apart, more than %v (all: %v, %v)",
			fk, fu, diff, slack, tookKnown, tookUnknown)
	}
}
