package texts

import "testing"

// Registrations change all the time and notify the same channel; only a
// change of the texts (or a notification that may have been missed) makes
// the instance read them again.
func TestOnlyChangesOfTheTextsForgetThem(t *testing.T) {
	for _, tt := range []struct {
		table      string
		wantForget bool
	}{{"registrations", false}, {"events", false}, {"mail_texts", true}, {"page_texts", true}, {"", true}} {
		s := &Store{}
		s.cached.Store(&snapshot{})
		s.Changed(tt.table)
		if forgot := s.cached.Load() == nil; forgot != tt.wantForget {
			t.Errorf("after a change of %q the texts were forgotten: %v, want %v", tt.table, forgot, tt.wantForget)
		}
	}
}
