package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// pageSizes are the page sizes a list offers.
var pageSizes = []int{10, 25, 50, 100, 200}

const defaultPageSize = 25

// maxPage bounds the page number of a URL.
const maxPage = 1 << 20

// listSpec says how a table's list may be sorted and filtered. Sort keys
// map to SQL expressions, so nothing from the URL reaches the SQL.
type listSpec struct {
	sorts       map[string]string
	defaultSort string
	defaultDir  string
	filters     []string
	// rank orders search results by relevance when the user chose no
	// order; it may use @q.
	rank string
}

// listQuery is a list view as the URL describes it.
type listQuery struct {
	Q       string
	Sort    string
	Dir     string
	Page    int
	Size    int
	Filters map[string]string
	chosen  bool // the user picked the order
	spec    *listSpec
}

func parseList(r *http.Request, spec *listSpec) listQuery {
	v := r.URL.Query()
	lq := listQuery{
		Q:       strings.TrimSpace(v.Get("q")),
		Sort:    v.Get("sort"),
		Dir:     v.Get("dir"),
		Filters: map[string]string{},
		spec:    spec,
	}
	if len(lq.Q) > 200 {
		// Not inside a character: PostgreSQL refuses a broken one.
		lq.Q = strings.ToValidUTF8(lq.Q[:200], "")
	}
	if _, ok := spec.sorts[lq.Sort]; ok {
		lq.chosen = true
	} else {
		lq.Sort = spec.defaultSort
	}
	if lq.Dir != "asc" && lq.Dir != "desc" {
		lq.Dir = spec.defaultDir
		if lq.chosen {
			lq.Dir = "asc"
		}
	}
	lq.Page, _ = strconv.Atoi(v.Get("page"))
	// A page beyond maxPage would overflow the offset; lists clamp to
	// their last page anyway.
	lq.Page = min(max(lq.Page, 1), maxPage)
	lq.Size, _ = strconv.Atoi(v.Get("size"))
	if !slices.Contains(pageSizes, lq.Size) {
		lq.Size = defaultPageSize
	}
	for _, f := range spec.filters {
		if val := strings.TrimSpace(v.Get(f)); val != "" {
			lq.Filters[f] = val
		}
	}
	return lq
}

// values encodes the view, leaving out what is the default.
func (lq listQuery) values() url.Values {
	v := url.Values{}
	if lq.Q != "" {
		v.Set("q", lq.Q)
	}
	for _, f := range lq.spec.filters {
		if val := lq.Filters[f]; val != "" {
			v.Set(f, val)
		}
	}
	if lq.chosen {
		v.Set("sort", lq.Sort)
		v.Set("dir", lq.Dir)
	}
	if lq.Size != defaultPageSize {
		v.Set("size", strconv.Itoa(lq.Size))
	}
	if lq.Page > 1 {
		v.Set("page", strconv.Itoa(lq.Page))
	}
	return v
}

func (lq listQuery) url(base string) string {
	if enc := lq.values().Encode(); enc != "" {
		return base + "?" + enc
	}
	return base
}

// sortedBy returns the view sorted by key: a second click on the sorted
// column turns the direction around. Sorting starts again on page one.
func (lq listQuery) sortedBy(key string) listQuery {
	dir := "asc"
	if lq.sorted(key) == "asc" {
		dir = "desc"
	}
	lq.Sort, lq.Dir, lq.chosen, lq.Page = key, dir, true, 1
	return lq
}

func (lq listQuery) onPage(p int) listQuery {
	lq.Page = p
	return lq
}

func (lq listQuery) offset() int { return (lq.Page - 1) * lq.Size }

// clampPage turns a page past the end (a bookmark of a list that has
// shrunk) into the last page of total rows.
func (lq *listQuery) clampPage(total int) { lq.Page = min(lq.Page, max(1, (total+lq.Size-1)/lq.Size)) }

// listRows reads lq's page of the rows selectSQL finds with wh, in order.
// what names the list in errors.
func listRows[T any](ctx context.Context, q querier, what, selectSQL string, wh *where, order string, lq listQuery) ([]T, error) {
	rows, err := q.Query(ctx, selectSQL+" "+wh.sql()+" ORDER BY "+order+" "+wh.page(lq), wh.queryArgs()...)
	if err != nil {
		return nil, fmt.Errorf("admin: list %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[T])
	if err != nil {
		return nil, fmt.Errorf("admin: list %s: %w", what, err)
	}
	return list, nil
}

// orderBy is the ORDER BY clause: search relevance unless the user chose a
// column; tie is the table's unique key so pages never overlap.
func (lq listQuery) orderBy(tie string) string {
	if lq.Q != "" && lq.spec.rank != "" && !lq.chosen {
		return lq.spec.rank + " DESC, " + tie
	}
	// PostgreSQL's default NULLS placement keeps an index usable for the
	// order (backwards for DESC), so a page of many matches stops early.
	dir := " ASC"
	if lq.Dir == "desc" {
		dir = " DESC"
	}
	return lq.spec.sorts[lq.Sort] + dir + ", " + tie + dir
}

// sorted reports the direction of key when the list is sorted by it.
func (lq listQuery) sorted(key string) string {
	if lq.Q != "" && lq.spec.rank != "" && !lq.chosen {
		return ""
	}
	if lq.Sort == key {
		return lq.Dir
	}
	return ""
}

// column describes one list column: its catalog key and sort key ("" when
// it does not sort).
type column struct {
	key   string
	label string
	sort  string
}

func (lq listQuery) columns(ctx context.Context, base string, cols []column) []adminui.Column {
	out := make([]adminui.Column, len(cols))
	for i, c := range cols {
		out[i] = adminui.Column{Key: c.key, Label: i18n.T(ctx, c.label)}
		if c.sort != "" {
			out[i].SortURL = lq.sortedBy(c.sort).url(base)
			out[i].Sorted = lq.sorted(c.sort)
		}
	}
	return out
}

func (lq listQuery) pager(base string, total int) adminui.Pager {
	pages := max(1, (total+lq.Size-1)/lq.Size)
	p := adminui.Pager{Page: lq.Page, Pages: pages, Total: total, Size: lq.Size, Sizes: pageSizes}
	if lq.Page > 1 {
		p.PrevURL = lq.onPage(min(lq.Page-1, pages)).url(base)
	}
	if lq.Page < pages {
		p.NextURL = lq.onPage(lq.Page + 1).url(base)
	}
	return p
}

// where collects the conditions of a list query with named arguments.
type where struct {
	conds []string
	args  pgx.NamedArgs
	// matches: a condition matches typed words (match).
	matches bool
}

func newWhere() *where { return &where{args: pgx.NamedArgs{}} }

// match is add for a condition that matches what someone typed (LIKE,
// word similarity). Its statements are planned for the words each time
// (queryArgs): a plan made once for any words, PostgreSQL's generic plan
// of a prepared statement, which it switches to after five executions,
// guesses that a pattern matches a dozen rows, and for a common name
// fetched and sorted thousands (90 ms instead of 2 among 500,000 persons).
// The person search, which sends its settings and statement in one batch,
// gets the same from plan_cache_mode instead, and plans once only the
// statements whose plan it fixes for any words (searchSettings).
func (w *where) match(cond string, kv ...any) {
	w.add(cond, kv...)
	w.matches = true
}

// queryArgs are the arguments of a statement with w's conditions: the
// named arguments, planned for their values when w matches typed words
// (an unnamed statement, which PostgreSQL plans at each execution).
func (w *where) queryArgs() []any {
	if w.matches {
		return []any{pgx.QueryExecModeDescribeExec, w.args}
	}
	return []any{w.args}
}

// add appends cond; kv are pairs of argument name and value.
func (w *where) add(cond string, kv ...any) {
	w.conds = append(w.conds, cond)
	for i := 0; i+1 < len(kv); i += 2 {
		w.args[kv[i].(string)] = kv[i+1]
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

// page adds the paging arguments and returns the LIMIT clause.
func (w *where) page(lq listQuery) string {
	w.args["limit"] = lq.Size
	w.args["offset"] = lq.offset()
	return "LIMIT @limit OFFSET @offset"
}

// likePattern escapes s for ILIKE and wraps it in %…%.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// allOption is the "no filter" choice of a filter select.
func allOption(ctx context.Context) adminui.Option {
	return adminui.Option{Value: "", Label: i18n.T(ctx, "admin.list.all")}
}

// listView fills what every table's list shares.
func (h *Handler) listView(ctx context.Context, t *table, lq listQuery, total int, cols []column) adminui.ListView {
	base := t.listURL()
	vals := lq.values()
	return adminui.ListView{
		Name:        t.name,
		Title:       t.listTitle(ctx),
		Action:      base,
		Query:       lq.Q,
		SearchLabel: i18n.T(ctx, "admin."+t.name+".search"),
		Sort:        vals.Get("sort"),
		Dir:         vals.Get("dir"),
		Columns:     lq.columns(ctx, base, cols),
		Pager:       lq.pager(base, total),
		NewURL:      base + "/new",
		NewText:     i18n.T(ctx, "admin."+t.name+".new"),
		Empty:       i18n.T(ctx, "admin.list.empty"),
	}
}
