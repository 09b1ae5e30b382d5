package sepa

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// germanLetters are spelled out as German writes them without umlauts;
// other accents are dropped.
var germanLetters = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "ẞ", "SS",
	"æ", "ae", "Æ", "AE", "ø", "o", "Ø", "O", "œ", "oe", "Œ", "OE", "ł", "l", "Ł", "L", "đ", "d", "Đ", "D", "&", "+")

// Latin converts s to the SEPA Latin character set (a-z A-Z 0-9 / - ? : (
// ) . , ' + and space), transliterating what it can and replacing the rest
// with a space, and cuts it to max characters (0: no limit).
func Latin(s string, max int) string {
	s = transliterate(s)
	var b strings.Builder
	for _, r := range s {
		if IsLatin(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if max > 0 && len(out) > max {
		out = strings.TrimSpace(out[:max])
	}
	return out
}

// Transliterable reports whether Latin keeps every letter of s: "Müller"
// becomes "Mueller", but "Лиза" would vanish from a bank file.
func Transliterable(s string) bool {
	for _, r := range transliterate(s) {
		if unicode.IsLetter(r) && !IsLatin(r) {
			return false
		}
	}
	return true
}

// transliterate spells the German letters out and drops other accents.
func transliterate(s string) string {
	s, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), germanLetters.Replace(s))
	return s
}

// IsLatin reports whether r is in the SEPA Latin character set.
func IsLatin(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/-?:().,'+ ", r)
}

// IsLatinText reports whether every character of s is in the set.
func IsLatinText(s string) bool {
	for _, r := range s {
		if !IsLatin(r) {
			return false
		}
	}
	return true
}
