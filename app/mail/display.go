package mail

import (
	"mime"
	netmail "net/mail"
	"strings"
)

// DisplayAddresses shows addresses as a person reads them: names that the
// outbox keeps MIME-encoded (=?utf-8?q?J=C3=BCrgen?=) decoded, so the
// board sees "Jürgen Müller <j@example.org>".
func DisplayAddresses(addrs []string) string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, DisplayAddress(a))
		}
	}
	return strings.Join(out, ", ")
}

// DisplayAddress is one address as DisplayAddresses shows it.
func DisplayAddress(a string) string {
	if parsed, err := netmail.ParseAddress(a); err == nil {
		if parsed.Name == "" {
			return parsed.Address
		}
		return parsed.Name + " <" + parsed.Address + ">"
	}
	if decoded, err := new(mime.WordDecoder).DecodeHeader(a); err == nil {
		return decoded
	}
	return a
}
