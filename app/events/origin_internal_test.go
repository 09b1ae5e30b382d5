package events

import "testing"

// A configured website is compared with the Origin a browser sends, which
// writes the host in ASCII and leaves out the scheme's default port.
func TestWebOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://pep-dortmund.org":           "https://pep-dortmund.org",
		" HTTPS://PEP-Dortmund.org/verein/ ": "https://pep-dortmund.org",
		"https://pep-dortmund.org:443":       "https://pep-dortmund.org",
		"http://pep-dortmund.org:80/":        "http://pep-dortmund.org",
		"https://pep-dortmund.org:8443":      "https://pep-dortmund.org:8443",
		"https://münchen.example/chor":       "https://xn--mnchen-3ya.example",
		"http://[::1]:8080":                  "http://[::1]:8080",
		"pep-dortmund.org":                   "",
		"":                                   "",
		"https://exa mple.org":               "",
	} {
		if got := webOrigin(in); got != want {
			t.Errorf("webOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
