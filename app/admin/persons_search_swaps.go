package admin

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/persons"
)

// Two neighbouring letters typed the wrong way round ("Fenyman") leave a
// word too few trigrams in common with the name meant to count as
// similar (a third, for Feynman). When no similar name is found, each
// word with a pair of letters put back the other way is looked up as the
// beginning of the persons' words instead: a few index ranges of
// person_search_words, whatever the table's size.
func swappedNames(ctx context.Context, pool *pgxpool.Pool, lq listQuery) ([]personRow, error) {
	words := searchTerms(lq.Q)
	var swaps []string
	for _, w := range words {
		swaps = append(swaps, swappedLetters(w)...)
	}
	if len(swaps) == 0 {
		return nil, nil
	}
	wh := personFilters(lq)
	// One plan fits every word, as for similar names, unless a filter's
	// values change what is cheapest.
	settings := searchSettings{once: len(wh.conds) == 0, indexOnly: true}
	wh.match(`p.id IN (SELECT k.person_id FROM unnest(@swaps::text[]) v(w) CROSS JOIN LATERAL (
		SELECT person_id FROM person_search_words
		WHERE word >= search_fold(v.w) COLLATE "C" AND word < (search_fold(v.w) || chr(1114111)) COLLATE "C"
		ORDER BY word, person_id LIMIT @swapKeys) k)`, "swaps", swaps, "swapKeys", similarCandidates)
	// Every word is there as typed or with a pair swapped back, as every
	// word is in any other search ("Maria Fenyman" is no Maira).
	for i, w := range words {
		arg := "sw" + strconv.Itoa(i)
		wh.match(`EXISTS (SELECT 1 FROM unnest(@`+arg+`::text[]) f WHERE p.search_text LIKE `+persons.SearchPattern("f")+`)`,
			arg, append([]string{w}, swappedLetters(w)...))
	}
	lq.Page = 1
	return searchRows(ctx, pool, settings, personSelect+" "+wh.sql()+" ORDER BY "+lq.orderBy("p.id")+" "+wh.page(lq), wh)
}

// swappedLetters is word with each pair of neighbouring letters swapped,
// for words of four letters or more (shorter ones begin too many words).
func swappedLetters(word string) []string {
	r := []rune(strings.ToLower(word))
	if len(r) < 4 || len(r) > maxSwapWord {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(r); i++ {
		if r[i] == r[i+1] {
			continue
		}
		s := slices.Clone(r)
		s[i], s[i+1] = s[i+1], s[i]
		out = append(out, string(s))
	}
	return out
}

// maxSwapWord bounds the lookups one search makes: a longer word is
// rarely a name.
const maxSwapWord = 24
