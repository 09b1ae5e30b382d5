package admin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	wh := personFilters(*lq)
	if lq.Q == "" {
		err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
			var err error
			if found.total, _, err = countRows(ctx, tx, "persons p", wh, false); err != nil {
				return err
			}
			lq.clampPage(found.total)
			found.rows, err = pagePersons(ctx, tx, wh, lq.orderBy("p.id"), *lq)
			return err
		})
		return found, err
	}
	searchWords(wh, lq.Q)
	if err := searchPage(ctx, h.pool, wh, lq, &found); err != nil {
		return found, err
	}
	if found.total > 0 || len([]rune(lq.Q)) < 3 {
		return found, nil
	}
	found.fuzzy = true
	lq.Page = 1
	var err error
	found.rows, err = similarNames(ctx, h.pool, *lq)
	found.total = len(found.rows)
	return found, err
}

// searchSettings are what a search statement is planned and run with.
type searchSettings struct {
	// cost is cpu_operator_cost, "" for the server's own: matching priced
	// high (searchOperatorCost) sends rare names to the trigram index.
	cost string
	// threshold is pg_trgm's word similarity threshold, "" for its own.
	threshold string
}

// sql sets s for the rest of the transaction. A parallel scan starts
// workers that, on a small machine answering several searches at once,
// cost more than they save. Each search is planned for its own words: a
// prepared statement's generic plan guesses a pattern matches a dozen
// rows, and for a common name fetched and sorted every match (90 ms
// instead of 2 among 500,000 persons).
func (s searchSettings) sql() (string, []any) {
	sql := `SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('plan_cache_mode', 'force_custom_plan', true)`
	var args []any
	if s.cost != "" {
		args = append(args, s.cost)
		sql += `, set_config('cpu_operator_cost', $1, true)`
	}
	if s.threshold != "" {
		args = append(args, s.threshold)
		sql += `, set_config('pg_trgm.word_similarity_threshold', $` + strconv.Itoa(len(args)) + `, true)`
	}
	return sql, args
}

// searchQuery runs sql with settings in one round trip: a pgx batch is
// one implicit transaction, so the settings end with it, and its
// statements are prepared once per connection.
func searchQuery[T any](ctx context.Context, pool *pgxpool.Pool, settings searchSettings, sql string, args pgx.NamedArgs, row pgx.RowToFunc[T]) ([]T, error) {
	var b pgx.Batch
	setSQL, setArgs := settings.sql()
	b.Queue(setSQL, setArgs...)
	var out []T
	b.Queue(sql, args).Query(func(rows pgx.Rows) error {
		var err error
		out, err = pgx.CollectRows(rows, row)
		return err
	})
	err := pool.SendBatch(ctx, &b).Close()
	return out, err
}

// similarNames fills one page with the persons whose names are most like
// lq.Q. Thresholds are tried strictest first, until one fills the page:
// a strict threshold lets the trigram index hand over few candidates, and
// at most similarCandidates of them are ranked (the LIMIT sits on the
// index scan), so a typo in a common name costs about the same among
// 500,000 persons as among 50,000.
func similarNames(ctx context.Context, pool *pgxpool.Pool, lq listQuery) ([]personRow, error) {
	var found []personRow
	for _, threshold := range similarityThresholds {
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
		var err error
		if found, err = searchQuery(ctx, pool, searchSettings{cost: searchOperatorCost, threshold: threshold}, q, wh.args, pgx.RowToStructByName[personRow]); err != nil {
			return nil, fmt.Errorf("admin: similar names: %w", err)
		}
		if len(found) >= lq.Size {
			break
		}
	}
	return found, nil
}

// searchPage fills found with the page of exact matches.
func searchPage(ctx context.Context, pool *pgxpool.Pool, wh *where, lq *listQuery, found *personsFound) error {
	// The matches keep every column the page shows, so paging through
	// them never goes back to the table.
	limit := strconv.Itoa(searchCountCap + 1)
	q := `WITH p AS MATERIALIZED (SELECT ` + personMatchColumns + ` FROM persons p ` + wh.sql() + ` LIMIT ` + limit + `)
		SELECT (SELECT count(*) FROM p)::int AS total, ` + personColumns + `
		FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
		ORDER BY ` + lq.orderBy("p.id") + ` ` + wh.page(*lq)
	matching := searchSettings{cost: searchOperatorCost}
	matches, err := searchQuery(ctx, pool, matching, q, wh.args, pgx.RowToStructByName[personMatch])
	if err != nil {
		return fmt.Errorf("admin: search persons: %w", err)
	}
	if len(matches) == 0 && lq.Page > 1 {
		// Past the last page: count, then show the last page.
		counts, err := searchQuery(ctx, pool, matching, countSQL("persons p", wh, true), wh.args, pgx.RowTo[int])
		if err != nil {
			return fmt.Errorf("admin: search persons: %w", err)
		}
		if found.total = min(counts[0], searchCountCap); found.total == 0 {
			return nil
		}
		lq.Page = (found.total + lq.Size - 1) / lq.Size
		return searchPage(ctx, pool, wh, lq, found)
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
		// match through the trigram index and sort them all, so this
		// statement keeps the server's price.
		found.total, found.capped = searchCountCap, true
		q := personSelect + " " + wh.sql() + " ORDER BY " + lq.orderBy("p.id") + " " + wh.page(*lq)
		if found.rows, err = searchQuery(ctx, pool, searchSettings{}, q, wh.args, pgx.RowToStructByName[personRow]); err != nil {
			return fmt.Errorf("admin: search persons: %w", err)
		}
	}
	return nil
}

func pagePersons(ctx context.Context, tx pgx.Tx, wh *where, order string, lq listQuery) ([]personRow, error) {
	return listRows[personRow](ctx, tx, "persons", personSelect, wh, order, lq)
}
