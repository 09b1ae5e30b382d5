package sepa

import "time"

// IsTarget2Day reports whether day is a TARGET2 business day, on which
// SEPA debits are settled: not a weekend, New Year's Day, Good Friday,
// Easter Monday, 1 May, 25 or 26 December.
func IsTarget2Day(day time.Time) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	y, m, d := day.Date()
	switch {
	case m == time.January && d == 1, m == time.May && d == 1, m == time.December && (d == 25 || d == 26):
		return false
	}
	easter := Easter(y)
	for _, off := range []int{-2, 1} {
		h := easter.AddDate(0, 0, off)
		if h.Month() == m && h.Day() == d {
			return false
		}
	}
	return true
}

// Easter is Easter Sunday of year in the Gregorian calendar (the
// anonymous Gregorian algorithm).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
