package members

import (
	"testing"
	"time"
)

// "Today" is the association's date in Dortmund: a member accepted at
// half past midnight there joins that day, though UTC still has the day
// before.
func TestDayAtIsTheDateInBerlin(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC), "2026-01-02"},
		{time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC), "2026-07-02"},
		{time.Date(2026, 7, 1, 21, 30, 0, 0, time.UTC), "2026-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.at.Format(time.RFC3339), func(t *testing.T) {
			if got := dayAt(tt.at); got != tt.want {
				t.Errorf("dayAt(%v) = %s, want %s", tt.at, got, tt.want)
			}
		})
	}
}
