package admin

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

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

// personMatch is a page row together with the number of matches and the
// ids they span, in the order of its columns.
type personMatch struct {
	personRow
	Total int
	// Span is one more than the difference of the highest and the lowest
	// id among the matches collected: how far a walk through the persons
	// may have to go for a page of them (walkFor).
	Span int64
}

// findPersons reads the page lq asks for. A search first collects up to
// searchCountCap+1 matching persons and pages through those; only a term
// found in more pages through the table (commonTermPage), and a single
// word known to be that common from the words of persons (commonWord)
// goes there without collecting. When nothing matches as typed, similar
// names are suggested. lq's page is clamped to the last.
func (h *Handler) findPersons(ctx context.Context, lq *listQuery) (personsFound, error) {
	var found personsFound
	if lq.Q == "" {
		wh := personFilters(*lq)
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
	if err := searchPage(ctx, h.pool, lq, &found); err != nil {
		return found, err
	}
	if found.total > 0 || len([]rune(lq.Q)) < 3 {
		return found, nil
	}
	found.fuzzy = true
	lq.Page = 1
	var err error
	found.rows, err = similarNames(ctx, h.pool, *lq)
	if err == nil && len(found.rows) == 0 {
		found.rows, err = swappedNames(ctx, h.pool, *lq)
	}
	found.total = len(found.rows)
	return found, err
}

// searchSettings are what a search statement is planned and run with.
type searchSettings struct {
	// cost is cpu_operator_cost, "" for the server's own: matching priced
	// high (searchOperatorCost) sends rare names to the trigram index.
	cost string
	// rowCost is cpu_tuple_cost, "" for the server's own (searchRowCost).
	rowCost string
	// threshold is pg_trgm's word similarity threshold, "" for its own.
	threshold string
	// once plans the statement once per connection instead of for each
	// search's words. Planning similar names took 1.8 ms, as its estimate
	// compares the word with a hundred sampled names; running them, often
	// less. Only for a statement whose plan is right for any word, which
	// indexOnly and sortedMatches see to.
	once bool
	// indexOnly reads persons through an index, never the whole table:
	// the planner priced word similarity too low and, for a typo of a
	// common name, compared it with every name in turn (15 ms at 50,000
	// persons instead of 2 through the trigram index).
	indexOnly bool
	// sortedMatches fetches every match through the trigram index and
	// sorts them, instead of walking the id index, which a page of a term
	// not found in walkBudget persons in a row would walk for long.
	sortedMatches bool
	// inOrder reads an index in its order, never through a bitmap, which
	// would read every key of a range before a limit could stop it.
	inOrder bool
}

// sql sets s for the rest of the transaction. A parallel scan starts
// workers that, on a small machine answering several searches at once,
// cost more than they save. A plan that must do without a kind of scan
// it was told to avoid is priced so high that PostgreSQL would compile
// it (JIT) for 100 ms; a search is over in milliseconds, so it never is.
// A statement planned for its words is never
// given a generic plan: that guessed a pattern matches a dozen rows, and
// for a common name fetched and sorted every match (90 ms instead of 2
// among 500,000 persons).
func (s searchSettings) sql() (string, []any) {
	mode := "force_custom_plan"
	if s.once {
		mode = "force_generic_plan"
	}
	var sets []string
	var args []any
	set := func(name, value string) {
		args = append(args, value)
		sets = append(sets, "set_config('"+name+"', $"+strconv.Itoa(len(args))+", true)")
	}
	set("max_parallel_workers_per_gather", "0")
	set("jit", "off")
	set("plan_cache_mode", mode)
	if s.cost != "" {
		set("cpu_operator_cost", s.cost)
	}
	if s.rowCost != "" {
		set("cpu_tuple_cost", s.rowCost)
	}
	if s.threshold != "" {
		set("pg_trgm.word_similarity_threshold", s.threshold)
	}
	if s.indexOnly {
		set("enable_seqscan", "off")
	}
	if s.sortedMatches {
		set("enable_indexscan", "off")
	}
	if s.inOrder {
		set("enable_bitmapscan", "off")
	}
	return "SELECT " + strings.Join(sets, ", "), args
}

// searchQuery runs sql with settings in one round trip: a pgx batch is
// one implicit transaction, so the settings end with it, and its
// statements are prepared once per connection (and kept in pgx's cache of
// statements).
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

// searchPage fills found with the page of exact matches of lq.
func searchPage(ctx context.Context, pool *pgxpool.Pool, lq *listQuery, found *personsFound) error {
	wh := personFilters(*lq)
	// Without a filter, the statement that pages through a common term is
	// planned once per connection; a filter's values change what is
	// cheapest.
	filtered := len(wh.conds) > 0
	if common, err := commonWord(ctx, pool, lq.Q, filtered); err != nil {
		return err
	} else if common {
		found.total, found.capped = searchCountCap, true
		lq.clampPage(found.total)
		found.rows, err = commonTermPage(ctx, pool, *lq, filtered, walkBudget)
		return err
	}
	searchWords(wh, lq.Q, unaccented)
	// The matches keep every column the page shows, so paging through
	// them never goes back to the table. This statement is planned for its
	// words: a term in nearly every row (a mail domain) is collected
	// fastest from the table, any other through the trigram index.
	limit := strconv.Itoa(searchCountCap + 1)
	q := `WITH p AS MATERIALIZED (SELECT ` + personMatchColumns + ` FROM persons p ` + wh.sql() + ` LIMIT ` + limit + `)
		SELECT ` + personColumns + `, (SELECT count(*) FROM p)::int AS total,
			(SELECT max(id) - min(id) + 1 FROM p) AS span
		FROM p LEFT JOIN tu_status t ON t.id = p.tu_status_id
		ORDER BY ` + lq.orderBy("p.id") + ` ` + wh.page(*lq)
	matching := searchSettings{cost: searchOperatorCost, rowCost: searchRowCost}
	matches, err := searchQuery(ctx, pool, matching, q, wh.args, pgx.RowToStructByPos[personMatch])
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
		return searchPage(ctx, pool, lq, found)
	}
	found.rows = found.rows[:0]
	var span int64
	for _, m := range matches {
		found.total, span = m.Total, m.Span
		found.rows = append(found.rows, m.personRow)
	}
	if found.total > searchCountCap {
		found.total, found.capped = searchCountCap, true
		// The 201st match made a page past the counted ones look full.
		lq.clampPage(found.total)
		found.rows, err = commonTermPage(ctx, pool, *lq, filtered, walkFor(span))
	}
	return err
}

// walkFor is how many persons a row commonTermPage walks for matches that
// were collected across span ids. A term in one of 1,200 among 500,000
// persons walked 10,000 persons for 8 of its matches, 4 ms, before
// fetching them all. The matches were collected in the table's order,
// which is about that of the ids in a table mostly added to, so a span
// beyond twice what a walk reads (ids are left unused, and rows move)
// says the matches lie far apart; but they were the oldest, and the walk
// starts at the newest, so it is shortened, not left out: a term common
// among the newest persons still fills its page from them, and one that
// does not is fetched and sorted after a tenth of a millisecond.
func walkFor(span int64) int {
	if span > 2*walkBudget*(searchCountCap+1) {
		return sparseWalkBudget
	}
	return walkBudget
}

// commonWord reports whether q, one word without a filter, begins a word
// of more than searchCountCap persons (person_search_words, migration
// 0148): then it occurs in their search_text and the search is capped,
// known from at most commonWordKeys ordered keys instead of every
// posting of its trigrams, which grow with the table. false says nothing;
// the matches are collected as for any term.
func commonWord(ctx context.Context, pool *pgxpool.Pool, q string, filtered bool) (bool, error) {
	words := searchTerms(q)
	if filtered || len(words) != 1 {
		return false, nil
	}
	args := pgx.NamedArgs{"word": words[0], "cap": searchCountCap, "keys": commonWordKeys}
	common, err := searchQuery(ctx, pool, searchSettings{once: true, indexOnly: true, inOrder: true}, commonWordSQL, args, pgx.RowTo[bool])
	if err != nil {
		return false, fmt.Errorf("admin: search persons: common word: %w", err)
	}
	return common[0], nil
}

// commonWordSQL says whether word begins the words of more than cap
// persons among the first of such words' keys. In byte order (COLLATE
// "C") the words beginning with word are one stretch, up to word followed
// by the last character there is; asked in the index's order, PostgreSQL
// stops reading at the limit (searchSettings.inOrder). DISTINCT: words
// beginning alike (anna, annika) may be one person's.
const commonWordSQL = `SELECT count(*) > @cap FROM (SELECT DISTINCT person_id FROM (
	SELECT person_id FROM person_search_words
	WHERE word >= search_fold(@word) COLLATE "C" AND word < (search_fold(@word) || chr(1114111)) COLLATE "C"
	ORDER BY word, person_id LIMIT @keys) k) p`

// commonTermPage is the page lq asks for of a term too common to page
// through its collected matches. In the order by id, the persons next in
// that order are walked through the id index, at most walkBudget of them
// for each row up to the end of the page: a term in one person of 400
// fills its page from them, at a cost that does not grow with the table.
// A term with more than searchCountCap matches but fewer than one in
// walkBudget among the persons walked (a few hundred among 500,000) has
// its matches fetched through the trigram index and sorted; budget is
// walkBudget, or less for matches that lie far apart (walkFor). In
// another order, or when no word can use the trigram index, the planner
// chooses.
func commonTermPage(ctx context.Context, pool *pgxpool.Pool, lq listQuery, filtered bool, budget int) ([]personRow, error) {
	wh := personFilters(lq)
	order := lq.orderBy("p.id")
	if lq.spec.sorts[lq.Sort] != "p.id" || !slices.ContainsFunc(searchTerms(lq.Q), indexable) {
		searchWords(wh, lq.Q, unaccented)
		return searchRows(ctx, pool, searchSettings{}, personSelect+" "+wh.sql()+" ORDER BY "+order+" "+wh.page(lq), wh)
	}
	searchWords(wh, lq.Q, unaccentedOnce)
	wh.args["budget"] = budget * (lq.offset() + lq.Size)
	walk := `SELECT ` + personColumns + ` FROM (SELECT * FROM persons p ORDER BY ` + order + ` LIMIT @budget) p
		LEFT JOIN tu_status t ON t.id = p.tu_status_id ` + wh.sql() + ` ORDER BY ` + order + ` ` + wh.page(lq)
	rows, err := searchRows(ctx, pool, searchSettings{once: !filtered, indexOnly: true}, walk, wh)
	if err != nil || len(rows) == lq.Size {
		return rows, err
	}
	sorted := personSelect + " " + wh.sql() + " ORDER BY " + order + " " + wh.page(lq)
	return searchRows(ctx, pool, searchSettings{once: !filtered, indexOnly: true, sortedMatches: true}, sorted, wh)
}

// searchRows runs a search statement for person rows with wh's arguments.
func searchRows(ctx context.Context, pool *pgxpool.Pool, settings searchSettings, sql string, wh *where) ([]personRow, error) {
	rows, err := searchQuery(ctx, pool, settings, sql, wh.args, pgx.RowToStructByPos[personRow])
	if err != nil {
		return nil, fmt.Errorf("admin: search persons: %w", err)
	}
	return rows, nil
}

func pagePersons(ctx context.Context, tx pgx.Tx, wh *where, order string, lq listQuery) ([]personRow, error) {
	return listRows[personRow](ctx, tx, "persons", personSelect, wh, order, lq)
}
