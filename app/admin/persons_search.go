package admin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// personsFound is one page of the persons list.
type personsFound struct {
	rows   []personRow
	total  int
	capped bool
	// fuzzy: nothing matched as typed; rows are similar names.
	fuzzy bool
}

// personMatchColumns are the persons' columns personColumns reads.
const personMatchColumns = `p.id, p.name, p.email, p.membership_status, p.membership_type, p.tu_status_id,
	p.joining_date, p.anonymised_at, p.version`

// personMatch is a page row together with the number of matches.
type personMatch struct {
	personRow
	Total int
}

// findPersons reads the page lq asks for. A search first collects up to
// searchCountCap+1 matching ids through the trigram index and pages
// through those, so a name search costs one index scan; only a term found
// in more rows than that pages through the table in the chosen order
// (which, by id, stops after one page). lq's page is clamped to the last.
func (h *Handler) findPersons(ctx context.Context, lq *listQuery) (personsFound, error) {
	var found personsFound
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		wh := personFilters(*lq)
		if lq.Q == "" {
			var err error
			if found.total, _, err = countRows(ctx, tx, "persons p", wh, false); err != nil {
				return err
			}
			lq.clampPage(found.total)
			found.rows, err = pagePersons(ctx, tx, wh, lq.orderBy("p.id"), *lq)
			return err
		}
		// A parallel scan starts workers that, on a small machine
		// answering several searches at once, cost more than they save.
		// (Each search is planned for its words: where.match.)
		const settings = `SELECT set_config('cpu_operator_cost', $1, true), set_config('max_parallel_workers_per_gather', '0', true)`
		if _, err := tx.Exec(ctx, settings, searchOperatorCost); err != nil {
			return fmt.Errorf("admin: search settings: %w", err)
		}
		searchWords(wh, lq.Q)
		if err := searchPage(ctx, tx, wh, lq, &found); err != nil {
			return err
		}
		if found.total > 0 || len([]rune(lq.Q)) < 3 {
			return nil
		}
		found.fuzzy = true
		lq.Page = 1
		var err error
		found.rows, err = similarNames(ctx, tx, *lq)
		found.total = len(found.rows)
		return err
	})
	return found, err
}

// similarNames fills one page with the persons whose names are most like
// lq.Q. Thresholds are tried strictest first, until one fills the page:
// a strict threshold lets the trigram index hand over few candidates, and
// at most similarCandidates of them are ranked (the LIMIT sits on the
// index scan), so a typo in a common name costs about the same among
// 500,000 persons as among 50,000.
func similarNames(ctx context.Context, tx pgx.Tx, lq listQuery) ([]personRow, error) {
	var found []personRow
	for _, threshold := range similarityThresholds {
		if _, err := tx.Exec(ctx, `SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, threshold); err != nil {
			return nil, fmt.Errorf("admin: similar names: %w", err)
		}
		wh := personFilters(lq)
		wh.match("@q <% p.name", "q", lq.Q)
		order := "word_similarity(@q, p.name) DESC, p.id DESC"
		if lq.chosen {
			order = lq.orderBy("p.id")
		}
		q := `WITH p AS MATERIALIZED (SELECT ` + personMatchColumns + ` FROM persons p ` + wh.sql() +
			` LIMIT ` + strconv.Itoa(similarCandidates) + `)
			SELECT ` + personColumns + ` FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
			ORDER BY ` + order + ` ` + wh.page(lq)
		rows, err := tx.Query(ctx, q, wh.queryArgs()...)
		if err != nil {
			return nil, fmt.Errorf("admin: similar names: %w", err)
		}
		if found, err = pgx.CollectRows(rows, pgx.RowToStructByName[personRow]); err != nil {
			return nil, fmt.Errorf("admin: similar names: %w", err)
		}
		if len(found) >= lq.Size {
			break
		}
	}
	return found, nil
}

// searchPage fills found with the page of exact matches.
func searchPage(ctx context.Context, tx pgx.Tx, wh *where, lq *listQuery, found *personsFound) error {
	// The matches keep every column the page shows, so paging through
	// them never goes back to the table.
	limit := strconv.Itoa(searchCountCap + 1)
	q := `WITH p AS MATERIALIZED (SELECT ` + personMatchColumns + ` FROM persons p ` + wh.sql() + ` LIMIT ` + limit + `)
		SELECT (SELECT count(*) FROM p)::int AS total, ` + personColumns + `
		FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
		ORDER BY ` + lq.orderBy("p.id") + ` ` + wh.page(*lq)
	rows, err := tx.Query(ctx, q, wh.queryArgs()...)
	if err != nil {
		return fmt.Errorf("admin: search persons: %w", err)
	}
	matches, err := pgx.CollectRows(rows, pgx.RowToStructByName[personMatch])
	if err != nil {
		return fmt.Errorf("admin: search persons: %w", err)
	}
	if len(matches) == 0 && lq.Page > 1 {
		// Past the last page: count, then show the last page.
		if found.total, found.capped, err = countRows(ctx, tx, "persons p", wh, true); err != nil || found.total == 0 {
			return err
		}
		lq.Page = (found.total + lq.Size - 1) / lq.Size
		return searchPage(ctx, tx, wh, lq, found)
	}
	found.rows = found.rows[:0]
	for _, m := range matches {
		found.total = m.Total
		found.rows = append(found.rows, m.personRow)
	}
	if found.total > searchCountCap {
		// Too many to page through the collected ids: page through the
		// table instead. The term is common, so walking the table in the
		// page's order finds a page of matches soon; with matching priced
		// high (searchOperatorCost) the planner would rather fetch every
		// match through the trigram index and sort them all.
		found.total, found.capped = searchCountCap, true
		if _, err := tx.Exec(ctx, `SET LOCAL cpu_operator_cost TO DEFAULT`); err != nil {
			return fmt.Errorf("admin: search settings: %w", err)
		}
		found.rows, err = pagePersons(ctx, tx, wh, lq.orderBy("p.id"), *lq)
	}
	return err
}

func pagePersons(ctx context.Context, tx pgx.Tx, wh *where, order string, lq listQuery) ([]personRow, error) {
	return listRows[personRow](ctx, tx, "persons", personSelect, wh, order, lq)
}
