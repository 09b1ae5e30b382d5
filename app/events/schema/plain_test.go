package schema_test

import (
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
)

// A description's plain text (calendar entries, the page's meta
// description) reads a dollar written \$ as the page shows it: a dollar;
// formulas, and a \$ inside one, stay as written.
func TestPlainTextReadsEscapedDollars(t *testing.T) {
	tests := []struct{ html, lines, summary string }{
		{`<p>Eintritt 5 \$ pro Person</p><p>Energie $x = \$3$ und $$\$$$</p>`,
			"Eintritt 5 $ pro Person\nEnergie $x = \\$3$ und $$\\$$$", "Eintritt 5 $ pro Person Energie $x = \\$3$ und $$\\$$$"},
		{`<p>Nur $\frac{1}{2}$</p>`, `Nur $\frac{1}{2}$`, `Nur $\frac{1}{2}$`},
		// Unpaired, as the page leaves it.
		{`<p>5 \$ und $x</p>`, `5 \$ und $x`, `5 \$ und $x`},
	}
	for _, tt := range tests {
		if got := schema.Lines(tt.html); got != tt.lines {
			t.Errorf("Lines(%q) = %q, want %q", tt.html, got, tt.lines)
		}
		if got := schema.Summary(tt.html); got != tt.summary {
			t.Errorf("Summary(%q) = %q, want %q", tt.html, got, tt.summary)
		}
	}
}
