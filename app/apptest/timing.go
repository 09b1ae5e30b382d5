package apptest

import (
	"slices"
	"testing"
	"time"
)

// AnswerAlike sends n requests about known addresses and n about unknown
// ones, taking turns, and fails t when any answer came before floor or when
// the median times of the two differ by more than slack: how long a form
// takes must not tell whom the association knows. known and unknown get
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
	mk, mu := median(tookKnown), median(tookUnknown)
	if diff := (mk - mu).Abs(); diff > slack {
		t.Errorf("known addresses take %v (median), unknown ones %v: %v apart, more than %v", mk, mu, diff, slack)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}
