package organisers

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/pepalumni/memberdb/app/persons"
)

// The participants search finds what the persons search and the door find
// (PostgreSQL's search_fold): "muller anna" and "mueller anna" find Anna
// Müller.

// letters unaccent spells out rather than strips.
var letters = strings.NewReplacer("ß", "ss", "ẞ", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "þ", "th", "ð", "d")

// fold is s without case and accents, ae, oe and ue folded to the bare
// vowel as ä, ö and ü are (persons.FoldSpelledUmlauts).
func fold(s string) string { return persons.FoldSpelledUmlauts(unaccent(s)) }

// unaccent is s without case and accents.
func unaccent(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	s = letters.Replace(strings.ToLower(s))
	s, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	return s
}

// searchWords are the folded words of a search; a word of accents alone,
// which folding would erase and so match everyone, is kept as typed.
func searchWords(q string) []string {
	// NUL separates a row's fields in matches: no word may hold it.
	words := strings.Fields(strings.ReplaceAll(q, "\x00", " "))
	for i, w := range words {
		if f := fold(w); f != "" {
			words[i] = f
		} else {
			words[i] = strings.ToLower(w)
		}
	}
	return words
}
