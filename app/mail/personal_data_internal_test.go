package mail

import (
	"strings"
	"testing"
)

// The data page shows mails without what still opens something: link
// keys and ticket codes, wherever they stand, and nothing else.
func TestWithoutLinkKeys(t *testing.T) {
	key := strings.Repeat("aB3_-", 8) + "xYz" // 43 letters, as app/tokens makes them
	for _, tt := range []struct{ in, want string }{
		{"https://m.example/edit/" + key, "https://m.example/edit/…"},
		{"https://m.example/view_data/" + key + "/\n", "https://m.example/view_data/…/\n"},
		{"<https://m.example/edit/" + key + ">", "<https://m.example/edit/…>"},
		{"/r/" + key + "/" + key + " und /x/" + key, "/r/…/… und /x/…"},
		{"Dein Code: K7QXB-M2PD4.", "Dein Code: …."},
		// Longer runs, shorter ones and ordinary words stay.
		{"/d/" + key + "Q", "/d/" + key + "Q"},
		{"/d/" + key[:42], "/d/" + key[:42]},
		{"ABCDE-FGHIJ (I is not Crockford's), Donaudampfschifffahrt", "ABCDE-FGHIJ (I is not Crockford's), Donaudampfschifffahrt"},
	} {
		if got := withoutLinkKeys(tt.in); got != tt.want {
			t.Errorf("withoutLinkKeys(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
