package admin

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// auditTables are the tables whose changes the log shows by name; their
// rows link to their detail pages.
var auditTables = []string{"persons", "events", "registrations", "users", "roles", "access_levels", "tu_status", "membership-types"}

// auditPages are the pages of logged rows outside the admin's tables, by
// table: the row's id follows.
var auditPages = map[string]string{"fee_runs": "/admin/fees/runs/"}

var auditList = listSpec{
	sorts:       map[string]string{"at": "a.at", "actor": "lower(a.actor)", "table": "a.table_name", "field": "a.field"},
	defaultSort: "at",
	defaultDir:  "desc",
	filters:     []string{"table", "user", "row"},
}

var auditColumns = []column{
	{key: "at", label: "admin.audit.at", sort: "at"},
	{key: "actor", label: "admin.audit.actor", sort: "actor"},
	{key: "table", label: "admin.audit.table", sort: "table"},
	{key: "row", label: "admin.audit.row"},
	{key: "field", label: "admin.audit.field", sort: "field"},
	{key: "old", label: "admin.audit.old"},
	{key: "new", label: "admin.audit.new"},
}

type auditRow struct {
	ID       int64
	At       time.Time
	Actor    string
	Table    string
	RowID    string
	Field    string
	OldValue *string
	NewValue *string
}

// auditLog answers GET /admin/audit: every change, newest first, filtered
// by table, user, row and a search over who and what.
func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lq := parseList(r, &auditList)
	wh := newWhere()
	if t := lq.Filters["table"]; t != "" {
		wh.add("a.table_name = @table", "table", t)
	}
	if u := lq.Filters["user"]; u != "" {
		wh.add("a.actor = @user", "user", u)
	}
	if row := lq.Filters["row"]; row != "" {
		wh.add("a.row_id = @row", "row", row)
	}
	// Every typed word matches somewhere in the entry, in any order
	// ("admin Paul": who renamed Paul); any word may be a row id or its
	// name, a day as the log writes it, and the words the log shows for
	// stored codes find them ("Warteliste" the status waitinglist, a
	// relation's name its id).
	names, err := audit.LoadNames(ctx, h.pool)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i, word := range auditWords(lq.Q) {
		c := audit.CodesFor(i18n.LangOf(ctx), word)
		c.FieldValues = append(c.FieldValues, names.Matching(word)...)
		n := strconv.Itoa(i)
		shown, shownArgs := shownMatch(word, n)
		maps.Copy(wh.args, shownArgs)
		wh.match(`(a.actor ILIKE @like`+n+` OR a.field ILIKE @like`+n+` OR a.row_id = @q`+n+shown+`
			OR a.old_value ILIKE @like`+n+` OR a.new_value ILIKE @like`+n+`
			OR a.field = ANY(@f`+n+`) OR a.table_name || '.' || a.field = ANY(@tf`+n+`)
			OR a.table_name = ANY(@t`+n+`) OR a.actor = ANY(@a`+n+`)
			OR a.old_value = ANY(@v`+n+`) OR a.new_value = ANY(@v`+n+`)
			OR a.field || '=' || a.old_value = ANY(@fv`+n+`) OR a.field || '=' || a.new_value = ANY(@fv`+n+`)
			OR coalesce(a.field, '') = '' AND (@created`+n+` AND a.old_value IS NULL AND a.new_value IS NOT NULL
				OR @deleted`+n+` AND a.new_value IS NULL OR @anonymised`+n+` AND a.new_value = 'anonymised'))`,
			"like"+n, likePattern(word), "q"+n, word, "f"+n, c.Fields, "tf"+n, c.TableFields, "t"+n, c.Tables,
			"a"+n, c.Actors, "v"+n, c.Values, "fv"+n, c.FieldValues,
			"created"+n, c.Created, "deleted"+n, c.Deleted, "anonymised"+n, c.Anonymised)
	}
	var total int
	if err := h.pool.QueryRow(ctx, "SELECT count(*) FROM audit_log a "+wh.sql(), wh.queryArgs()...).Scan(&total); err != nil {
		h.fail(w, r, fmt.Errorf("admin: count audit log: %w", err))
		return
	}
	lq.clampPage(total)
	q := `SELECT a.id, a.at, a.actor, a.table_name AS table, a.row_id, a.field, a.old_value, a.new_value
		FROM audit_log a ` + wh.sql() + " ORDER BY " + lq.orderBy("a.id") + " " + wh.page(lq)
	rows, err := h.pool.Query(ctx, q, wh.queryArgs()...)
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: audit log: %w", err))
		return
	}
	entries, err := pgx.CollectRows(rows, pgx.RowToStructByName[auditRow])
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: audit log: %w", err))
		return
	}
	tables, err := h.tableOptions(ctx, lq.Filters["table"])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := adminui.ListView{
		Name: "audit", Title: tr(ctx, "admin.audit.title"), Action: "/admin/audit", Query: lq.Q,
		SearchLabel: tr(ctx, "admin.audit.search"), Sort: lq.values().Get("sort"), Dir: lq.values().Get("dir"),
		Columns: lq.columns(ctx, "/admin/audit", auditColumns), Pager: lq.pager("/admin/audit", total),
		Empty:   tr(ctx, "admin.list.empty"),
		Filters: []adminui.Filter{{Name: "table", Label: tr(ctx, "admin.audit.table"), Value: lq.Filters["table"], Options: tables}},
	}
	// The user and row filters come from links (a user's page, a row's
	// history); they stay in the form while set.
	for _, name := range []string{"user", "row"} {
		if val := lq.Filters[name]; val != "" {
			v.Filters = append(v.Filters, adminui.Filter{Name: name, Label: tr(ctx, "admin.audit."+name), Value: val,
				Options: []adminui.Option{allOption(ctx), {Value: val, Label: val}}})
		}
	}
	named, err := rowNames(ctx, h.pool, entries)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, e := range entries {
		rowCell := adminui.Cell{Text: e.RowID}
		if name := named[e.Table][e.RowID]; name != "" {
			rowCell.Text = name + " (" + e.RowID + ")"
		}
		if e.Table == "purge" {
			// A purge's row is its day.
			rowCell.Text = i18n.Day(i18n.LangOf(ctx), e.RowID)
		}
		if slices.Contains(auditTables, e.Table) {
			rowCell.Href = "/admin/" + e.Table + "/" + escapePath(e.RowID)
		}
		if page, ok := auditPages[e.Table]; ok {
			rowCell.Href = page + escapePath(e.RowID)
		}
		he := historyEntry(ctx, names, e)
		v.Rows = append(v.Rows, adminui.Row{DomID: fmt.Sprintf("audit-%d", e.ID), Cells: []adminui.Cell{
			{Text: he.At, Small: true, NoWrap: true},
			{Text: he.Actor},
			{Text: he.Table},
			rowCell,
			{Text: he.Field},
			{Text: he.Old, Collapse: true},
			{Text: he.New, Collapse: true},
		}})
	}
	h.renderList(w, r, v)
}

// auditWords are the words of a search of the log, at most eight.
func auditWords(q string) []string {
	words := strings.Fields(q)
	return words[:min(len(words), 8)]
}

// loggedTablesSQL lists the tables the log has entries of: one probe of
// the index per table (a skip scan), however long the log grows.
const loggedTablesSQL = `WITH RECURSIVE t(name) AS (
		(SELECT table_name FROM audit_log ORDER BY table_name LIMIT 1)
		UNION ALL
		SELECT (SELECT table_name FROM audit_log WHERE table_name > t.name ORDER BY table_name LIMIT 1)
		FROM t WHERE t.name IS NOT NULL)
	SELECT name FROM t WHERE name IS NOT NULL`

// tableOptions are the table filter's choices: every table the log has
// entries of (whatever part of the code wrote them), by name, and the
// chosen one.
func (h *Handler) tableOptions(ctx context.Context, chosen string) ([]adminui.Option, error) {
	rows, err := h.pool.Query(ctx, loggedTablesSQL)
	if err != nil {
		return nil, fmt.Errorf("admin: audit log tables: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("admin: audit log tables: %w", err)
	}
	if chosen != "" && !slices.Contains(names, chosen) {
		names = append(names, chosen)
	}
	opts := make([]adminui.Option, len(names))
	for i, n := range names {
		opts[i] = adminui.Option{Value: n, Label: audit.TableName(ctx, n)}
	}
	slices.SortFunc(opts, func(a, b adminui.Option) int {
		return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
	})
	return append([]adminui.Option{allOption(ctx)}, opts...), nil
}

// history is a row's audit entries, newest first.
func (h *Handler) history(ctx context.Context, table, id string) ([]adminui.HistoryEntry, error) {
	const q = `SELECT id, at, actor, table_name AS table, row_id, field, old_value, new_value
		FROM audit_log WHERE table_name = $1 AND row_id = $2 ORDER BY at DESC, id DESC LIMIT 100`
	rows, err := h.pool.Query(ctx, q, table, id)
	if err != nil {
		return nil, fmt.Errorf("admin: history: %w", err)
	}
	entries, err := pgx.CollectRows(rows, pgx.RowToStructByName[auditRow])
	if err != nil {
		return nil, fmt.Errorf("admin: history: %w", err)
	}
	names, err := audit.LoadNames(ctx, h.pool)
	if err != nil {
		return nil, err
	}
	out := make([]adminui.HistoryEntry, len(entries))
	for i, e := range entries {
		out[i] = historyEntry(ctx, names, e)
	}
	return out, nil
}

// historyEntry words an audit row: a whole-row entry is a creation when it
// has only a new value and a deletion when it has only an old one.
func historyEntry(ctx context.Context, names audit.Names, e auditRow) adminui.HistoryEntry {
	he := adminui.HistoryEntry{
		At:    audit.Time(i18n.LangOf(ctx), e.At),
		Actor: audit.ActorName(ctx, e.Actor),
		Table: audit.TableName(ctx, e.Table),
		RowID: e.RowID,
		Field: audit.FieldName(ctx, e.Table, e.Field),
		Old:   names.ValueName(ctx, e.Table, e.Field, e.OldValue),
		New:   names.ValueName(ctx, e.Table, e.Field, e.NewValue),
	}
	if e.Field == "" {
		he.Field = audit.RowEvent(ctx, e.OldValue, e.NewValue)
	}
	return he
}

func deref(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}
