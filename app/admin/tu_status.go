package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/members"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// The university relations (tu_status) are an editable list persons
// choose from; deleting one leaves its persons without a relation.
func (h *Handler) tuStatusTable() *table {
	t := &table{
		name: "tu_status", sql: "tu_status", key: "id", intID: true, versioned: true,
		unique:   map[string]string{"tu_status_name_key": "name"},
		summary:  "name",
		defaults: map[string]string{"position": "100"},
		fields: []*field{
			{name: "name", column: "name", kind: "text", required: true, inline: true, parse: textParser(true, false, maxText)},
			{name: "name_en", column: "name_en", kind: "text", inline: true, parse: textParser(false, true, maxText)},
			{name: "position", column: "position", kind: "number", required: true, inline: true, parse: intParser(0, true)},
		},
	}
	t.rules = tuStatusRules{h: h, t: t}
	return t
}

type tuStatusRules struct {
	noRules
	h *Handler
	t *table
}

func (r tuStatusRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	s, err := queryOne[tuStatusRow](ctx, q, "tu_status row", tuStatusSelect+" WHERE s.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	return tuStatusTableRow(ctx, r.t, s), nil
}

func (tuStatusRules) title(_ context.Context, _ string, st rowState) string { return st.text("name") }

// created and deleting make the persons' search ask again whether there
// are relations, as the next full page would.
func (r tuStatusRules) created(context.Context, pgx.Tx, string, url.Values) error {
	r.h.relations.forget()
	return nil
}

func (r tuStatusRules) deleting(context.Context, pgx.Tx, string) error {
	r.h.relations.forget()
	return nil
}

// consequences: the relation's persons keep their rows, without it.
func (r tuStatusRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	var n int
	if err := r.h.pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE tu_status_id = $1`, intID(id)).Scan(&n); err != nil {
		return nil, "", fmt.Errorf("admin: tu_status consequences: %w", err)
	}
	if n == 0 {
		return nil, "", nil
	}
	return []string{i18n.N(ctx, "admin.tu_status.delete.persons", n)}, "", nil
}

type tuStatusRow struct {
	ID       int64
	Name     string
	NameEN   *string
	Position int
	Persons  int
	Version  int
}

const tuStatusSelect = `
	SELECT s.id, s.name, s.name_en, s.position, s.version,
	       (SELECT count(*) FROM persons p WHERE p.tu_status_id = s.id) AS persons
	FROM tu_status s`

var tuStatusList = listSpec{
	sorts:       map[string]string{"id": "s.id", "name": "lower(s.name)", "position": "s.position"},
	defaultSort: "position",
	defaultDir:  "asc",
}

var tuStatusColumns = []column{
	{key: "id", label: "admin.id", sort: "id"},
	{key: "name", label: "admin.tu_status.name", sort: "name"},
	{key: "name_en", label: "admin.tu_status.name_en"},
	{key: "position", label: "admin.tu_status.position", sort: "position"},
	{key: "persons", label: "admin.tu_status.persons"},
}

func tuStatusTableRow(ctx context.Context, t *table, s tuStatusRow) adminui.Row {
	id := strconv.FormatInt(s.ID, 10)
	return adminui.Row{
		DomID: "tu_status-" + id, URL: t.detailURL(id), DeleteURL: t.detailURL(id) + "/delete",
		Cells: []adminui.Cell{
			{Text: id, Href: t.detailURL(id)},
			editCell(ctx, t, id, s.Version, t.field("name"), s.Name, nil),
			editCell(ctx, t, id, s.Version, t.field("name_en"), deref(s.NameEN, ""), nil),
			editCell(ctx, t, id, s.Version, t.field("position"), strconv.Itoa(s.Position), nil),
			{Text: strconv.Itoa(s.Persons), Href: "/admin/persons?tu_status=" + id},
		},
	}
}

// listTUStatus answers GET /admin/tu_status.
func (h *Handler) listTUStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.tuStatus
	lq := parseList(r, &tuStatusList)
	wh := newWhere()
	if lq.Q != "" {
		wh.match("(s.name ILIKE @like OR s.name_en ILIKE @like)", "like", likePattern(lq.Q))
	}
	var total int
	if err := h.pool.QueryRow(ctx, "SELECT count(*) FROM tu_status s "+wh.sql(), wh.queryArgs()...).Scan(&total); err != nil {
		h.fail(w, r, fmt.Errorf("admin: count tu_status: %w", err))
		return
	}
	lq.clampPage(total)
	list, err := listRows[tuStatusRow](ctx, h.pool, "tu_status", tuStatusSelect, wh, lq.orderBy("s.id"), lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.listView(ctx, t, lq, total, tuStatusColumns)
	for _, s := range list {
		v.Rows = append(v.Rows, tuStatusTableRow(ctx, t, s))
	}
	h.renderList(w, r, v)
}

// tuStatusOptions offers the university relations, in their order.
func tuStatusOptions(ctx context.Context, q querier) ([]adminui.Option, error) {
	rows, err := q.Query(ctx, `SELECT id::text, name, name_en FROM tu_status ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("admin: tu_status options: %w", err)
	}
	lang := i18n.LangOf(ctx)
	out := []adminui.Option{{Value: "", Label: "–"}}
	for rows.Next() {
		var o adminui.Option
		var de string
		var en *string
		if err := rows.Scan(&o.Value, &de, &en); err != nil {
			rows.Close()
			return nil, fmt.Errorf("admin: tu_status options: %w", err)
		}
		o.Label = members.TUStatusName(lang, de, en)
		out = append(out, o)
	}
	return out, rows.Err()
}

// tuStatusParser accepts the id of a university relation or nothing.
func tuStatusParser(ctx context.Context, q querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, "", nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, tr(ctx, "admin.error.choice"), nil
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tu_status WHERE id = $1)`, id).Scan(&exists); err != nil {
		return nil, "", fmt.Errorf("admin: tu_status exists: %w", err)
	}
	if !exists {
		return nil, tr(ctx, "admin.error.choice"), nil
	}
	return id, "", nil
}

// keepsRelations tells from the options of tuStatusOptions whether the
// association keeps any university relations: the first is "none".
func keepsRelations(opts []adminui.Option) bool { return len(opts) > 1 }

// relationsSeen remembers whether the association keeps university
// relations, as the last full persons page or row found, so that a
// search's fragment need not ask each time. This instance forgets it when
// a relation is created or deleted, and every instance after
// relationsMemory (another may have changed them, or a search may have
// read between the forgetting and the commit). A fragment renders its
// own header, so one that reads a stale answer is still whole.
type relationsSeen struct {
	keeps atomic.Bool
	at    atomic.Int64 // when keeps was learnt, in Unix nanoseconds; 0 for never
}

const relationsMemory = 10 * time.Second

// seen records what opts say and returns it.
func (s *relationsSeen) seen(opts []adminui.Option) bool { return s.store(keepsRelations(opts)) }

func (s *relationsSeen) store(keeps bool) bool {
	s.keeps.Store(keeps)
	s.at.Store(time.Now().UnixNano())
	return keeps
}

func (s *relationsSeen) forget() { s.at.Store(0) }

// kept answers from memory while it is fresh, else asks the database.
func (s *relationsSeen) kept(ctx context.Context, q querier) (bool, error) {
	if at := s.at.Load(); at != 0 && time.Since(time.Unix(0, at)) < relationsMemory {
		return s.keeps.Load(), nil
	}
	var keeps bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tu_status)`).Scan(&keeps); err != nil {
		return false, fmt.Errorf("admin: any tu_status: %w", err)
	}
	return s.store(keeps), nil
}
