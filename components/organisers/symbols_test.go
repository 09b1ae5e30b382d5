package organisers

import (
	"testing"
	"unicode/utf8"
)

// The hourglass the waiting list once had is an emoji and showed as an
// empty box on machines without an emoji font. The symbols come from
// blocks that ordinary text fonts (DejaVu, Segoe UI Symbol, Noto Sans
// Symbols) carry.
func TestStatusSymbolsAreTextCharacters(t *testing.T) {
	blocks := []struct {
		name     string
		from, to rune
	}{
		{"Geometric Shapes", 0x25A0, 0x25FF},
		{"Dingbats", 0x2700, 0x27BF},
	}
	for _, st := range Statuses {
		sym := statusSymbol(st)
		r, size := utf8.DecodeRuneInString(sym)
		if size != len(sym) {
			t.Errorf("%s: symbol %q is more than one character", st, sym)
			continue
		}
		ok := false
		for _, b := range blocks {
			ok = ok || (r >= b.from && r <= b.to)
		}
		if !ok {
			t.Errorf("%s: symbol %q (U+%04X) is outside the Geometric Shapes and Dingbats blocks", st, sym, r)
		}
	}
}
