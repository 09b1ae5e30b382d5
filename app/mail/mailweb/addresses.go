package mailweb

import (
	"mime"
	"net/mail"
	"strings"
)

// displayAddresses shows addresses as a person reads them: names that the
// outbox keeps MIME-encoded (=?utf-8?q?J=C3=BCrgen?=) decoded, so the
// board sees "Jürgen Müller <j@example.org>".
func displayAddresses(addrs []string) string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, displayAddress(a))
		}
	}
	return strings.Join(out, ", ")
}

func displayAddress(a string) string {
	if parsed, err := mail.ParseAddress(a); err == nil {
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
