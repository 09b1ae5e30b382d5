package mail

import (
	"testing"
	"time"
)

// The default schedule keeps trying about a day and a half, as the old
// system did: 30 s, then doubling, twelve times after the first attempt.
func TestDefaultRetriesSpanADayAndAHalf(t *testing.T) {
	w := NewWorker(nil, WorkerConfig{})
	if got := w.backoff(1); got != 30*time.Second {
		t.Errorf("first wait = %v, want 30s", got)
	}
	var total time.Duration
	for attempt := 1; attempt < w.cfg.MaxAttempts; attempt++ {
		total += w.backoff(attempt)
	}
	if retries := w.cfg.MaxAttempts - 1; retries != 12 {
		t.Errorf("%d retries after the first attempt, want 12", retries)
	}
	if total < 30*time.Hour || total > 40*time.Hour {
		t.Errorf("a mail is retried for %v, want about a day and a half", total)
	}
}
