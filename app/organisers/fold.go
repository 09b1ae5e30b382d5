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

// fold is a row's text for the search, as persons.search_text keeps a
// name (migration 0147): without case and accents, and where ae, oe or ue
// occur, also with them folded to the bare vowel, so both a fragment as
// written ("el" of Manuel) and a folded word ("mueller") find it.
func fold(s string) string {
	plain := unaccent(s)
	if folded := persons.FoldSpelledUmlauts(plain); folded != plain {
		return plain + " " + folded
	}
	return plain
}

// foldWord is a typed word as the search compares it with fold's text.
func foldWord(w string) string { return persons.FoldSpelledUmlauts(unaccent(w)) }

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
		if f := foldWord(w); f != "" {
			words[i] = f
		} else {
			words[i] = strings.ToLower(w)
		}
	}
	return words
}
