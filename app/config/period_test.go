package config

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionDefaultsAndPeriods(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "DEV": "true"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Retention{Mail: Period{Days: 90}, Registrations: Period{Months: 12}, Applications: Period{Months: 6}, Audit: Period{Months: 36}}
	if c.Retain != want {
		t.Errorf("retention defaults %+v, want %+v", c.Retain, want)
	}
	for in, out := range map[string]string{"90d": "90d", "14d": "2w", "12mo": "1y", "6mo": "6mo", "3y": "3y", "1w": "1w"} {
		p, err := ParsePeriod(in)
		if err != nil || p.String() != out {
			t.Errorf("ParsePeriod(%q) = %v (%v), written %q, want %q", in, p, err, p.String(), out)
		}
	}
	// Months are calendar months, whatever their lengths.
	leap := time.Date(2028, 3, 31, 12, 0, 0, 0, time.UTC)
	if got := (Period{Months: 12}).Before(leap); got.Format(time.DateOnly) != "2027-03-31" {
		t.Errorf("a year before %v = %v", leap, got)
	}
}

func TestBadRetentionIsNamed(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://x/y", "DEV": "true",
		"RETAIN_MAIL": "90", "RETAIN_REGISTRATIONS": "0mo", "RETAIN_APPLICATIONS": "-6mo", "RETAIN_AUDIT": "3 years"}))
	if err == nil {
		t.Fatal("bad periods accepted")
	}
	for _, key := range []string{"RETAIN_MAIL", "RETAIN_REGISTRATIONS", "RETAIN_APPLICATIONS", "RETAIN_AUDIT"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
}
