// Package text says which text no person types, for the request checks
// and for what is saved from a typed schema alike.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bad reports invalid UTF-8, a control character other than tab, line
// feed and carriage return (browsers send line breaks as CR LF), or a
// bidirectional embedding, override or isolate: with those a name reads
// differently from what it is ("rechnung\u202efdp.exe" shows as
// "rechnungexe.pdf"), in the board's lists and in mails alike. Text in
// Arabic or Hebrew needs none of them.
func Bad(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' ||
			r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
	}) >= 0
}
