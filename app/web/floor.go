package web

import (
	"context"
	"time"
)

// AnswerFloor is the least time a form that mails a typed-in address (or
// looks up a typed-in account) takes to answer. A known address costs a
// token and a queued mail, an unknown one a single lookup; without the
// floor those milliseconds would tell who is known.
const AnswerFloor = 150 * time.Millisecond

// EvenOut waits until AnswerFloor has passed since start, or the client
// has gone.
func EvenOut(ctx context.Context, start time.Time) {
	timer := time.NewTimer(time.Until(start.Add(AnswerFloor)))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
