package sepa

import "testing"

func TestTarget2Days(t *testing.T) {
	tests := []struct {
		day  string
		want bool
	}{
		{"2027-03-15", true},  // Monday
		{"2027-03-13", false}, // Saturday
		{"2027-03-14", false}, // Sunday
		{"2027-03-26", false}, // Good Friday 2027
		{"2027-03-29", false}, // Easter Monday 2027
		{"2027-03-30", true},
		{"2026-04-03", false}, // Good Friday 2026
		{"2026-04-06", false}, // Easter Monday 2026
		{"2027-01-01", false},
		{"2027-05-03", true},
		{"2026-05-01", false},
		{"2026-12-25", false},
		{"2028-12-26", false},
		{"2026-10-03", false}, // a Saturday; German holidays are not TARGET2 holidays:
		{"2025-10-03", true},
	}
	for _, tt := range tests {
		if got := IsTarget2Day(day(tt.day)); got != tt.want {
			t.Errorf("IsTarget2Day(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	for year, want := range map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := Easter(year).Format("2006-01-02"); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
}
