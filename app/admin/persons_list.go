package admin

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

var personsList = listSpec{
	sorts: map[string]string{
		"id": "p.id", "name": "lower(p.name) COLLATE alphabetical", "email": "lower(p.email)", "status": "p.membership_status",
		"type": "p.membership_type", "tu_status": "t.position", "joining_date": "p.joining_date",
	},
	defaultSort: "id",
	defaultDir:  "desc",
	filters:     []string{"status", "type", "tu_status"},
}

var personsColumns = []column{
	{key: "id", label: "admin.id", sort: "id"},
	{key: "name", label: "admin.persons.name", sort: "name"},
	{key: "email", label: "admin.persons.email", sort: "email"},
	{key: "status", label: "admin.persons.membership_status", sort: "status"},
	{key: "type", label: "admin.persons.membership_type", sort: "type"},
	{key: "tu_status", label: "admin.persons.tu_status", sort: "tu_status"},
	{key: "joining_date", label: "admin.persons.joining_date", sort: "joining_date"},
}

// Search tuning. A search counts at most searchCountCap matches, so a
// term found in every address ("example.org") answers as fast as a name:
// the count is what a board member needs to see that a search should be
// narrower, and each match counted is a row read, so the cap is what a
// common first name costs (about 5 ms at 500,000 persons for 200, 23 ms
// for 1,000). It is the largest page size, so every page size shows full
// pages. A term with no match as typed is looked up among names by
// trigram word similarity ("Schmitd" finds Schmidt); those suggestions
// fill one page.
const (
	searchCountCap = 200
	maxSearchWords = 6
	// similarCandidates bounds the similar names ranked per threshold.
	similarCandidates = 200
	// searchOperatorCost tells the planner what matching costs: ILIKE and
	// word similarity over a name and an address take about twenty times
	// the default cpu_operator_cost (0.0025). With the default, it scans the
	// whole table for a rare name instead of using the trigram index.
	searchOperatorCost = "0.05"
	// searchRowCost is cpu_tuple_cost for collecting matches: reading a
	// row and matching it takes about four times as long as a match from
	// the trigram index, where the default (0.01) makes the two about even,
	// and the planner read ten thousand rows of the table for a name in
	// one of fifty (4 ms instead of 1 at 500,000 persons).
	searchRowCost = "0.1"
	// walkBudget is how many persons a common term's page may walk for
	// each row up to its end (commonTermPage): a term in one person of 400
	// fills it from them. 10,000 persons for the first page take about
	// three milliseconds.
	walkBudget = 400
	// commonWordKeys bounds the words a search reads to know that a word
	// begins those of more than searchCountCap persons (commonWord). A
	// person's words are distinct, so the keys of one word are as many
	// persons; the keys of several words beginning alike (anna, annika)
	// may repeat a person, which twice the cap allows for. Reading 1,000
	// keys took 0.5 ms, 400 about a third of that.
	commonWordKeys = 2 * searchCountCap
	// sparseWalkBudget is walkBudget for matches that lie far apart
	// (walkFor): a page of a term in one of 50 persons, 1,250 persons for
	// the first page.
	sparseWalkBudget = 50
)

// similarityThresholds are the word similarities a suggested name must
// reach, strictest first; the last is the loosest suggestion shown.
var similarityThresholds = []string{"0.8", "0.65", "0.5"}

// unaccentedLike matches a person's name and address against the word
// in arg, accents and case ignored on both sides ("schrod" is
// Schrödinger). persons.search_text holds them so normalised (migration
// 0141), with the trigram index on it.
func unaccentedLike(arg string) string {
	return "p.search_text LIKE " + unaccented(arg)
}

// unaccented is the LIKE pattern of the word in the argument arg.
func unaccented(arg string) string { return persons.SearchPattern("@" + arg) }

// unaccentedOnce is unaccented for a plan made for every word
// (searchSettings.once): there the pattern is no constant, and would be
// made again for every row compared, so a subquery makes it once per
// execution.
func unaccentedOnce(arg string) string {
	return "(SELECT " + unaccented(arg) + ")"
}

// listPersons answers GET /admin/persons: every word of the search must
// occur in the name or the address; when nothing matches, similar names
// are suggested.
func (h *Handler) listPersons(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.persons
	lq := parseList(r, &personsList)
	found, err := h.findPersons(ctx, &lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, total, capped, fuzzy := found.rows, found.total, found.capped, found.fuzzy
	// The list's cells need the relations only once an editor opens; the
	// filter needs them on the full page. A search's fragment only needs
	// to know whether there are any.
	var tuOpts []adminui.Option
	keeps := true
	if !web.IsFragment(r) {
		if tuOpts, err = tuStatusOptions(ctx, h.pool); err != nil {
			h.fail(w, r, err)
			return
		}
		keeps = h.relations.seen(tuOpts)
	} else if keeps, err = h.relations.kept(ctx, h.pool); err != nil {
		h.fail(w, r, err)
		return
	}
	columns := personsColumns
	if !keeps {
		columns = slices.DeleteFunc(slices.Clone(columns), func(c column) bool { return c.key == "tu_status" })
	}
	v := h.listView(ctx, t, lq, total, columns)
	v.Pager.Capped = capped
	if fuzzy && total > 0 {
		v.Note = i18n.N(ctx, "admin.persons.similar", total, lq.Q)
	}
	if fuzzy && !lq.chosen {
		for i := range v.Columns {
			v.Columns[i].Sorted = ""
		}
	}
	statuses, _ := enumOptions("admin.status.", members.Statuses, true)(ctx, nil)
	typeOpts, err := typeOptions(ctx, h.pool)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Filters = []adminui.Filter{
		{Name: "status", Label: tr(ctx, "admin.persons.membership_status"), Value: lq.Filters["status"],
			Options: append([]adminui.Option{allOption(ctx), {Value: "none", Label: tr(ctx, "admin.none")}}, statuses...)},
		{Name: "type", Label: tr(ctx, "admin.persons.membership_type"), Value: lq.Filters["type"],
			Options: append([]adminui.Option{allOption(ctx), {Value: "none", Label: tr(ctx, "admin.none")}}, tail(typeOpts)...)},
	}
	if keeps {
		v.Filters = append(v.Filters, adminui.Filter{Name: "tu_status", Label: tr(ctx, "admin.persons.tu_status"),
			Value: lq.Filters["tu_status"], Options: append([]adminui.Option{allOption(ctx)}, tail(tuOpts)...)})
	}
	ids := make([]int64, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	above, err := personsAbove(ctx, h.pool, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(above) > 0 {
		v.Note = strings.TrimSpace(v.Note + " " + tr(ctx, "admin.persons.above"))
	}
	opts := personOptions{tu: tuOpts, types: typeOpts, noTU: !keeps, above: above}
	opts.status, _ = t.field("membership_status").options(ctx, nil)
	for _, p := range list {
		v.Rows = append(v.Rows, personTableRow(ctx, t, p, opts))
	}
	h.renderList(w, r, v)
}

// searchWords requires every word of q in a person's name or address,
// its pattern made by pattern (unaccented or unaccentedOnce).
func searchWords(wh *where, q string, pattern func(arg string) string) {
	for i, word := range searchTerms(q) {
		arg := "w" + strconv.Itoa(i)
		column := "p.search_text"
		if !indexable(word) {
			// No trigram to look up: the index would be read whole, which a
			// plan made for every word cannot know ("lena k" took 20 ms among
			// 500,000 persons). Compared as an expression the index does not
			// cover, the word is checked on the rows the others found.
			column = "(p.search_text || '')"
		}
		wh.match(column+" LIKE "+pattern(arg), arg, word)
	}
}

// searchTerms are the words of q a search requires.
func searchTerms(q string) []string {
	words := strings.Fields(q)
	return words[:min(len(words), maxSearchWords)]
}

// indexable reports whether the trigram index can narrow a search for
// word: pg_trgm takes its trigrams from runs of letters and digits, of the
// word as search_fold leaves it ("uel" is "ul").
func indexable(word string) bool {
	run := 0
	for _, r := range persons.FoldSpelledUmlauts(strings.ToLower(word)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if run++; run == 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func personFilters(lq listQuery) *where {
	wh := newWhere()
	for _, f := range []struct{ name, column string }{{"status", "p.membership_status"}, {"type", "p.membership_type"}} {
		switch v := lq.Filters[f.name]; v {
		case "":
		case "none":
			wh.add(f.column + " IS NULL")
		default:
			wh.add(f.column+" = @"+f.name, f.name, v)
		}
	}
	if v := lq.Filters["tu_status"]; v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		wh.add("p.tu_status_id = @tu", "tu", id)
	}
	return wh
}

// countSQL counts the rows of from matching wh, capped after
// searchCountCap+1 when capped is set.
func countSQL(from string, wh *where, capped bool) string {
	if capped {
		return "SELECT count(*) FROM (SELECT 1 FROM " + from + " " + wh.sql() + " LIMIT " + strconv.Itoa(searchCountCap+1) + ") s"
	}
	return "SELECT count(*) FROM " + from + " " + wh.sql()
}

// countRows counts the rows of from matching wh; a search stops counting
// after searchCountCap rows and says so.
func countRows(ctx context.Context, q querier, from string, wh *where, capped bool) (int, bool, error) {
	var n int
	if err := q.QueryRow(ctx, countSQL(from, wh, capped), wh.queryArgs()...).Scan(&n); err != nil {
		return 0, false, fmt.Errorf("admin: count %s: %w", from, err)
	}
	if capped && n > searchCountCap {
		return searchCountCap, true, nil
	}
	return n, false, nil
}
