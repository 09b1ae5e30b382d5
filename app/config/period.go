package config

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Period is a retention period in calendar terms: "12mo" is twelve
// months whatever their lengths, as a person reading it expects.
type Period struct {
	Months, Days int
}

var periodRE = regexp.MustCompile(`^([0-9]{1,4})(d|w|mo|y)$`)

// ParsePeriod reads a period such as 90d, 6w, 12mo or 3y.
func ParsePeriod(s string) (Period, error) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("%q is not a period such as 90d, 6w, 12mo or 3y", s)
	}
	n, _ := strconv.Atoi(m[1])
	var p Period
	switch m[2] {
	case "d":
		p.Days = n
	case "w":
		p.Days = 7 * n
	case "mo":
		p.Months = n
	case "y":
		p.Months = 12 * n
	}
	if p.Months == 0 && p.Days == 0 {
		return Period{}, fmt.Errorf("%q is no time at all", s)
	}
	if p.Months > 1200 || p.Days > 36500 {
		return Period{}, fmt.Errorf("%q is longer than a hundred years", s)
	}
	return p, nil
}

// Unit is p as a number of its largest whole unit: y, mo, w or d; unit
// is empty for a period of months and days, which ParsePeriod never makes.
func (p Period) Unit() (n int, unit string) {
	switch {
	case p.Days == 0 && p.Months%12 == 0:
		return p.Months / 12, "y"
	case p.Days == 0:
		return p.Months, "mo"
	case p.Months == 0 && p.Days%7 == 0:
		return p.Days / 7, "w"
	case p.Months == 0:
		return p.Days, "d"
	}
	return 0, ""
}

// String writes p as ParsePeriod reads it.
func (p Period) String() string {
	if n, unit := p.Unit(); unit != "" {
		return strconv.Itoa(n) + unit
	}
	return fmt.Sprintf("%dmo%dd", p.Months, p.Days)
}

// Before returns t moved back by p.
func (p Period) Before(t time.Time) time.Time { return t.AddDate(0, -p.Months, -p.Days) }

// After returns t moved on by p.
func (p Period) After(t time.Time) time.Time { return t.AddDate(0, p.Months, p.Days) }

// Interval is p as a PostgreSQL interval.
func (p Period) Interval() pgtype.Interval {
	return pgtype.Interval{Months: int32(p.Months), Days: int32(p.Days), Valid: true}
}

// PeriodOf reads a PostgreSQL interval back; ok is false for none or for
// one with a time part, which memberdb never writes.
func PeriodOf(iv pgtype.Interval) (Period, bool) {
	if !iv.Valid || iv.Microseconds != 0 {
		return Period{}, false
	}
	return Period{Months: int(iv.Months), Days: int(iv.Days)}, true
}

// Retention says how long each kind of personal data is kept
// (RETAIN_* variables; see the README's "Privacy and retention").
type Retention struct {
	Mail          Period
	Registrations Period
	Applications  Period
	Audit         Period
}

func readRetention(get func(key, def string) string, problems *[]string) Retention {
	read := func(key, def string) Period {
		p, err := ParsePeriod(get(key, def))
		if err != nil {
			*problems = append(*problems, key+": "+err.Error())
		}
		return p
	}
	return Retention{
		Mail:          read("RETAIN_MAIL", "90d"),
		Registrations: read("RETAIN_REGISTRATIONS", "12mo"),
		Applications:  read("RETAIN_APPLICATIONS", "6mo"),
		Audit:         read("RETAIN_AUDIT", "3y"),
	}
}
