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
