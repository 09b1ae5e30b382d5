package mail_test

import (
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/mail"
)

func TestValidAddress(t *testing.T) {
	for addr, want := range map[string]bool{
		"anna.mueller@tu-dortmund.de":            true,
		"jürgen@example.org":                     true,
		"a+tag@sub.example.org":                  true,
		"":                                       false,
		"anna":                                   false,
		"anna@localhost":                         false,
		"anna@example.":                          false,
		"anna@.example.org":                      false,
		"Anna <anna@example.org>":                false,
		" anna@example.org":                      false,
		"anna@example.org\r\nBcc: x@example.org": false,
		long(254):                                true,
		long(255):                                false,
	} {
		if got := mail.ValidAddress(addr); got != want {
			t.Errorf("ValidAddress(%q) = %v, want %v", addr, got, want)
		}
	}
}

// long is an address of n bytes: a 50-byte local part and a domain of
// labels filled up to n.
func long(n int) string {
	domain := strings.Repeat(strings.Repeat("d", 49)+".", 4)
	domain += strings.Repeat("o", n-51-len(domain))
	return strings.Repeat("a", 50) + "@" + domain
}
