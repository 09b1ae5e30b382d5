package events

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"

	qr "github.com/piglig/go-qr"
)

// A ticket is a confirmed registration's check-in code (migration 0080
// gives it): ten characters of Crockford's base32, which leaves out I, L,
// O and U so that nobody has to tell 1 from I or 0 from O. People read it
// in two groups of five.

// codeAlphabet is Crockford's base32, the alphabet of check-in codes.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeLength is the number of characters of a code: 50 random bits.
const codeLength = 10

// FormatCode shows a stored code as people read and type it: ABCDE-FGHJK.
func FormatCode(code string) string {
	if len(code) != codeLength {
		return code
	}
	return code[:5] + "-" + code[5:]
}

// NormalizeCode reads a code typed at the door or scanned: any case,
// spaces and dashes anywhere (the en dash a phone's keyboard or a mail
// client makes of one too), I and L for 1 and O for 0, as Crockford's
// base32 reads them. ok is false when what remains cannot be a code.
func NormalizeCode(s string) (code string, ok bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212':
			continue
		case r == 'I' || r == 'L':
			r = '1'
		case r == 'O':
			r = '0'
		case r > 'Z' || !strings.ContainsRune(codeAlphabet, r):
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != codeLength {
		return "", false
	}
	return b.String(), true
}

// ticketQR encodes the code as people read it; the scanner normalises
// what it reads like a typed code.
func ticketQR(code string) (*qr.QrCode, error) {
	q, err := qr.EncodeText(FormatCode(code), qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("events: ticket QR: %w", err)
	}
	return q, nil
}

// quietZone is the white border a scanner needs around a QR code, in
// modules.
const quietZone = 4

// TicketSVG draws the code's QR code as an inline SVG, one path of unit
// squares in a viewBox of modules, so it scales to any size sharply.
// label is its text alternative.
func TicketSVG(code, label string) (string, error) {
	q, err := ticketQR(code)
	if err != nil {
		return "", err
	}
	n := q.Size() + 2*quietZone
	var b strings.Builder
	dim := strconv.Itoa(n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + dim + " " + dim +
		`" role="img" aria-label="` + html.EscapeString(label) + `" shape-rendering="crispEdges">`)
	b.WriteString(`<rect width="` + dim + `" height="` + dim + `" fill="#fff"/><path fill="#000" d="`)
	for y := range q.Size() {
		for x := range q.Size() {
			if q.Module(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quietZone, y+quietZone)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
