package schema_test

import (
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
)

func TestLabelTexts(t *testing.T) {
	tests := []struct{ label, wantShort, wantPlain string }{
		{"Handynummer<br><small>Nur für Notfälle</small>", "Handynummer", "Handynummer Nur für Notfälle"},
		{"C++ &amp; <i>C</i>", "C++ & C", "C++ & C"},
		{"<br/>Nur die zweite Zeile", "Nur die zweite Zeile", "Nur die zweite Zeile"},
		{"Zeile eins<BR >Zeile zwei", "Zeile eins", "Zeile eins Zeile zwei"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := schema.ShortText(tt.label); got != tt.wantShort {
			t.Errorf("ShortText(%q) = %q, want %q", tt.label, got, tt.wantShort)
		}
		if got := schema.PlainText(tt.label); got != tt.wantPlain {
			t.Errorf("PlainText(%q) = %q, want %q", tt.label, got, tt.wantPlain)
		}
	}
	f := &schema.Field{Name: "python", Label: "python"}
	if got := f.ShortLabel(); got != "python" {
		t.Errorf("ShortLabel = %q", got)
	}
	if got := (&schema.Field{Name: "empty", Label: "<b></b>"}).ShortLabel(); got != "empty" {
		t.Errorf("a label without text gives %q, want the field's name", got)
	}
}

// A label's first line names the field; the rest is help shown under it,
// after the required mark. A break inside an element does not split it.
func TestSplitLabel(t *testing.T) {
	tests := []struct{ label, wantName, wantHelp string }{
		{"Handynummer<br><small>Nur für Notfälle</small>", "Handynummer", "<small>Nur für Notfälle</small>"},
		{"Zeile eins<br/> Zeile zwei<br>drei", "Zeile eins", "Zeile zwei<br>drei"},
		{"<b>fett<br>noch fett</b> danach", "<b>fett<br>noch fett</b> danach", ""},
		{"<img src=\"x.png\" alt=\"Bild\"> Foto<br>Hinweis", "<img src=\"x.png\" alt=\"Bild\"> Foto", "Hinweis"},
		{"<br>Nur die zweite Zeile", "<br>Nur die zweite Zeile", ""},
		{"Eine Zeile", "Eine Zeile", ""},
		{"Formel $a&lt;b$<br>Hilfe", "Formel $a&lt;b$", "Hilfe"},
	}
	for _, tt := range tests {
		name, help := schema.SplitLabel(tt.label)
		if name != tt.wantName || help != tt.wantHelp {
			t.Errorf("SplitLabel(%q) = %q, %q; want %q, %q", tt.label, name, help, tt.wantName, tt.wantHelp)
		}
	}
}
