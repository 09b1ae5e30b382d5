package admin

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// similarNames fills one page with the persons whose names are most like
// lq.Q. Thresholds are tried strictest first, until one fills the page,
// and at most similarCandidates persons are ranked for each. A single
// word without a filter finds its candidates among the words of names
// (nameWordCandidates); any other search through the trigram index on
// the names, whose postings grow with the table.
func similarNames(ctx context.Context, pool *pgxpool.Pool, lq listQuery) ([]personRow, error) {
	var found []personRow
	for _, threshold := range similarityThresholds {
		wh := personFilters(lq)
		settings := searchSettings{cost: searchOperatorCost, threshold: threshold, once: len(wh.conds) == 0, indexOnly: true}
		var candidates string
		if len(wh.conds) == 0 && nameWord(lq.Q) {
			// The persons of the words are fetched by id: the trigram
			// index on the names, a bitmap scan, would read them all.
			settings.inOrder = true
			candidates = nameWordCandidates
			wh.args["q"], wh.args["words"] = lq.Q, similarWords
		} else {
			wh.match("@q <% p.name", "q", lq.Q)
			candidates = `SELECT ` + personMatchColumns + ` FROM persons p ` + wh.sql()
		}
		order := "word_similarity(@q, p.name) DESC, p.id DESC"
		if lq.chosen {
			order = lq.orderBy("p.id")
		}
		wh.args["candidates"] = similarCandidates
		q := `WITH p AS MATERIALIZED (` + candidates + ` LIMIT @candidates)
			SELECT ` + personColumns + ` FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
			ORDER BY ` + order + ` ` + wh.page(lq)
		var err error
		if found, err = searchQuery(ctx, pool, settings, q, wh.args, pgx.RowToStructByPos[personRow]); err != nil {
			return nil, fmt.Errorf("admin: similar names: %w", err)
		}
		if len(found) >= lq.Size {
			break
		}
	}
	return found, nil
}

// nameWordCandidates are the persons bearing the words of names most like
// @q (search_name_words, migration 0156) whose whole name is like @q, both
// compared as the search compares, accents and spelled umlauts folded
// ("schrodingr" is like Schrödinger; raw, a third of its trigrams differ).
// The words are a vocabulary, a few thousand for an association, so
// finding them costs the same among 500,000 persons as among 5,000; the
// persons of a word are a range of person_search_words. No ORDER BY: the
// nested loop hands over the persons of the words most alike first,
// newest first, and stops at the limit, where an order would have every
// person of every word fetched and compared first. Which candidates it
// stops at only decides who is ranked, as the trigram index's order did
// before. @q is folded once (q), not for every row compared.
const nameWordCandidates = `SELECT ` + personMatchColumns + `
	FROM (SELECT search_fold(@q) AS f) q
	CROSS JOIN LATERAL (SELECT word FROM search_name_words WHERE q.f <% word
	      ORDER BY q.f <<-> word, word LIMIT @words) w
	CROSS JOIN LATERAL (SELECT person_id FROM person_search_words s
	      WHERE s.word = w.word ORDER BY s.person_id DESC LIMIT @candidates) k
	JOIN persons p ON p.id = k.person_id
	WHERE q.f <% p.search_text`

// similarWords bounds the words of names a mistyped word is compared
// with the persons of: the closest of them are enough to fill a page.
const similarWords = 20

// nameWord reports whether q is one word as the names' words are split
// (search_words_of: at ASCII's punctuation, spaces and control
// characters), so that it can be like one of them.
func nameWord(q string) bool {
	if q == "" {
		return false
	}
	for _, r := range q {
		if r < utf8.RuneSelf && !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}
