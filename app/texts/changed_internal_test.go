package texts

import "testing"

// Registrations change all the time and notify the same channel; only a
// change of the texts (or a notification that may have been missed) makes
// the instance read them again.
func TestOnlyChangesOfTheTextsForgetThem(t *testing.T) {
	for _, tt := range []struct {
		table    string
		wantRead bool
	}{{"registrations", false}, {"events", false}, {"mail_texts", true}, {"page_texts", true}, {"", true}} {
		if got := ofTexts(tt.table); got != tt.wantRead {
			t.Errorf("a change of %q reads the texts again: %v, want %v", tt.table, got, tt.wantRead)
		}
	}
}
