package sepa

import "testing"

func TestLatin(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Jürgen Meißner", 0, "Juergen Meissner"},
		{"ÄÖÜ äöü", 0, "AeOeUe aeoeue"},
		{"François Lefèvre-Ñúñez", 0, "Francois Lefevre-Nunez"},
		{"Beitrag 2027 – PeP et al. e.V.", 0, "Beitrag 2027 PeP et al. e.V."},
		{"Smith & Søn", 0, "Smith + Son"},
		{"a\x00b\tc", 0, "a b c"},
		{"Mitgliedsbeitrag", 5, "Mitgl"},
		{"Ab cd", 3, "Ab"},
		{"李", 0, ""},
	}
	for _, tt := range tests {
		got := Latin(tt.in, tt.max)
		if got != tt.want || !IsLatinText(got) {
			t.Errorf("Latin(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestTransliterable(t *testing.T) {
	for in, want := range map[string]bool{
		"Jürgen Meißner":         true,
		"François Lefèvre-Ñúñez": true,
		"Smith & Søn":            true,
		"O'Brien (jun.)":         true,
		"Лиза Meitner":           false,
		"李":                      false,
		"Marie Skłodowska":       true,
	} {
		if got := Transliterable(in); got != want {
			t.Errorf("Transliterable(%q) = %v, want %v", in, got, want)
		}
	}
}
