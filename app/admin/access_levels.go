package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/pepalumni/memberdb/app/db"

	"github.com/jackc/pgx/v5"

	adminui "github.com/pepalumni/memberdb/components/admin"
)

// levelNamePattern matches the names the code declares.
var levelNamePattern = regexp.MustCompile(`^[a-z0-9_]{2,64}$`)

// Access levels are declared by the code and written to the database at
// start-up; the table lists them with the roles holding them. A level the
// code no longer declares is kept (unused) so grants survive.
func (h *Handler) accessLevelsTable() *table {
	t := &table{
		name: "access_levels", sql: "access_levels", key: "name",
		unique:       map[string]string{"access_levels_pkey": "name"},
		summary:      "name",
		guardsAccess: true,
		fields: []*field{
			{name: "name", column: "name", kind: "text", required: true, createOnly: true, parse: levelNameParser},
		},
	}
	t.rules = accessLevelRules{h: h, t: t}
	return t
}

type accessLevelRules struct {
	noRules
	h *Handler
	t *table
}

func (r accessLevelRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	l, err := queryOne[accessLevelRow](ctx, q, "access level row", accessLevelSelect+" WHERE a.name = $1", id)
	if err != nil {
		return adminui.Row{}, err
	}
	return accessLevelTableRow(ctx, r.t, l), nil
}

func (accessLevelRules) title(_ context.Context, id string, _ rowState) string { return id }

// deleting refuses to take from every role a level the editor lacks.
func (accessLevelRules) deleting(ctx context.Context, _ pgx.Tx, id string) error {
	return beyondEditor(ctx, beyondGrant, []string{id})
}

// created: a level made by hand protects nothing until the code declares
// it; start-up marks it in use then.
func (accessLevelRules) created(ctx context.Context, tx pgx.Tx, id string, _ url.Values) error {
	if _, err := tx.Exec(ctx, `UPDATE access_levels SET in_use = false WHERE name = $1`, id); err != nil {
		return fmt.Errorf("admin: new access level: %w", err)
	}
	return nil
}

// consequences: the roles holding the level lose it; a level in use comes
// back at the next start.
func (r accessLevelRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	if blocked, err := refusal(beyondEditor(ctx, beyondGrant, []string{id})); blocked != "" || err != nil {
		return nil, blocked, err
	}
	l, err := queryOne[accessLevelRow](ctx, r.h.pool, "access level consequences", accessLevelSelect+" WHERE a.name = $1", id)
	if err != nil {
		return nil, "", err
	}
	var list []string
	if len(l.Roles) > 0 {
		list = append(list, tr(ctx, "admin.access_levels.delete.roles", strings.Join(l.Roles, ", ")))
	}
	if l.InUse {
		list = append(list, tr(ctx, "admin.access_levels.delete.in_use"))
	}
	return list, "", nil
}

func levelNameParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return nil, tr(ctx, "admin.error.required"), nil
	case !levelNamePattern.MatchString(s):
		return nil, tr(ctx, "admin.access_levels.error.name"), nil
	}
	return s, "", nil
}

type accessLevelRow struct {
	Name  string
	InUse bool
	Roles []string
}

const accessLevelSelect = `
	SELECT a.name, a.in_use,
	       coalesce((SELECT array_agg(ral.role ORDER BY ral.role) FROM role_access_levels ral WHERE ral.access_level = a.name), '{}') AS roles
	FROM access_levels a`

var accessLevelsList = listSpec{
	sorts:       map[string]string{"name": "a.name", "in_use": "a.in_use"},
	defaultSort: "name",
	defaultDir:  "asc",
	filters:     []string{"in_use"},
}

var accessLevelsColumns = []column{
	{key: "name", label: "admin.access_levels.name", sort: "name"},
	{key: "area", label: "admin.access_levels.area"},
	{key: "about", label: "admin.access_levels.about"},
	{key: "in_use", label: "admin.access_levels.in_use", sort: "in_use"},
	{key: "roles", label: "admin.roles.title"},
}

func accessLevelTableRow(ctx context.Context, t *table, l accessLevelRow) adminui.Row {
	use := adminui.Cell{Text: tr(ctx, "admin.yes"), Badge: "success"}
	if !l.InUse {
		use = adminui.Cell{Text: tr(ctx, "admin.access_levels.unused"), Badge: "secondary"}
	}
	return adminui.Row{
		DomID: "access_levels-" + domKey(l.Name), URL: t.detailURL(l.Name), DeleteURL: t.detailURL(l.Name) + "/delete",
		Muted: !l.InUse,
		Cells: []adminui.Cell{
			{Text: l.Name, Href: t.detailURL(l.Name)},
			{Text: areaLabel(ctx, l.Name), Small: true},
			{Text: levelText(ctx, l.Name), Small: true},
			use,
			{Text: strings.Join(l.Roles, ", "), Small: true},
		},
	}
}

// listAccessLevels answers GET /admin/access_levels.
func (h *Handler) listAccessLevels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.accessLevels
	lq := parseList(r, &accessLevelsList)
	wh := newWhere()
	switch lq.Filters["in_use"] {
	case "yes":
		wh.add("a.in_use")
	case "no":
		wh.add("NOT a.in_use")
	}
	if lq.Q != "" {
		wh.match("a.name ILIKE @like", "like", likePattern(lq.Q))
	}
	total, _, err := countRows(ctx, h.pool, "access_levels a", wh, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lq.clampPage(total)
	rows, err := h.pool.Query(ctx, accessLevelSelect+" "+wh.sql()+" ORDER BY "+lq.orderBy("a.name")+" "+wh.page(lq), wh.queryArgs()...)
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: list access levels: %w", err))
		return
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[accessLevelRow])
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: list access levels: %w", err))
		return
	}
	v := h.listView(ctx, t, lq, total, accessLevelsColumns)
	v.Links = []adminui.Link{{Label: tr(ctx, "admin.roles.matrix"), URL: "/admin/roles"}}
	v.Filters = []adminui.Filter{{Name: "in_use", Label: tr(ctx, "admin.access_levels.in_use"), Value: lq.Filters["in_use"],
		Options: []adminui.Option{allOption(ctx), {Value: "yes", Label: tr(ctx, "admin.yes")}, {Value: "no", Label: tr(ctx, "admin.access_levels.unused")}}}}
	for _, l := range list {
		v.Rows = append(v.Rows, accessLevelTableRow(ctx, t, l))
	}
	h.renderList(w, r, v)
}

// detail lists the roles holding the level.
func (r accessLevelRules) detail(ctx context.Context, id string, _ rowState, _ formState, v *adminui.DetailView) error {
	var inUse bool
	if err := r.h.pool.QueryRow(ctx, `SELECT in_use FROM access_levels WHERE name = $1`, id).Scan(&inUse); err != nil {
		return fmt.Errorf("admin: access level: %w", db.Map(err))
	}
	use := tr(ctx, "admin.yes")
	if !inUse {
		use = tr(ctx, "admin.access_levels.unused")
	}
	v.Facts = []adminui.Fact{
		{Label: tr(ctx, "admin.access_levels.area"), Value: areaLabel(ctx, id)},
		{Label: tr(ctx, "admin.access_levels.about"), Value: levelText(ctx, id)},
		{Label: tr(ctx, "admin.access_levels.in_use"), Value: use},
	}
	holders, err := names(ctx, r.h.pool, `SELECT role FROM role_access_levels WHERE access_level = $1 ORDER BY role`, id)
	if err != nil {
		return err
	}
	roles := make([]adminui.Link, len(holders))
	for i, role := range holders {
		roles[i] = adminui.Link{Label: role, URL: r.h.roles.detailURL(role)}
	}
	v.Related = []adminui.Related{{Title: tr(ctx, "admin.roles.title"), Items: roles, Empty: tr(ctx, "admin.access_levels.no_roles")}}
	return nil
}
