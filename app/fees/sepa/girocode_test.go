package sepa

import "testing"

func TestGiroCode(t *testing.T) {
	got := GiroCode("PeP et al. e.V.", "DE89370400440532013000", "", 3000, "Mitgliedsbeitrag 2027 Jürgen")
	want := "BCD\n002\n1\nSCT\n\nPeP et al. e.V.\nDE89370400440532013000\nEUR30.00\n\n\nMitgliedsbeitrag 2027 Juergen"
	if got != want {
		t.Errorf("GiroCode =\n%q\nwant\n%q", got, want)
	}
	if len(got) > 331 {
		t.Errorf("payload of %d bytes; EPC069-12 allows 331", len(got))
	}
}
