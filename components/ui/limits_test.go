package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestKeptCutsOnlyWhatIsTooLong(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		limit       int
		want        string
	}{
		{"within the limit", "Erika", 200, "Erika"},
		{"at the limit, in letters of two bytes", strings.Repeat("ä", 5), 5, strings.Repeat("ä", 5)},
		{"over it, cut between letters", strings.Repeat("ä", 6), 5, strings.Repeat("ä", 5)},
		{"a letter of four bytes at the cut", "ab😀c", 3, "ab😀"},
		{"a megabyte", strings.Repeat("x", 1<<20), 200, strings.Repeat("x", 200)},
		{"no limit", "Erika", 0, "Erika"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Kept(tt.value, tt.limit)
			if got != tt.want || !utf8.ValidString(got) {
				t.Errorf("Kept(%.20q…, %d) = %.20q… (%d bytes), want %.20q… (%d bytes)", tt.value, tt.limit, got, len(got), tt.want, len(tt.want))
			}
		})
	}
}
