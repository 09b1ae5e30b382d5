package admin

import "testing"

func TestBrokenMath(t *testing.T) {
	for s, want := range map[string]bool{
		"Bruch $\\frac{1}{$ kaputt":     true,
		"Bruch $\\frac{1}{2}$ heil":     false,
		"Energie $E=mc^2":               true,
		"$$\\sum_{i=1}^n i$$":           false,
		"Preis 5 \\$ pro Person":        false,
		"$a}{b$":                        true,
		"$\\{a\\}$ Menge":               false,
		"kein Formelzeichen":            false,
		"zwei $a$ und $b$":              false,
		"$\\text{a\\}b}$ escaped brace": false,
	} {
		if got := brokenMath(s); got != want {
			t.Errorf("brokenMath(%q) = %v, want %v", s, got, want)
		}
	}
}
