package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/pepalumni/memberdb/app/members"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// maxTypeName and maxTypeDescription are migration 0125's limits.
const (
	maxTypeName        = 200
	maxTypeDescription = 2000
)

// typeKeyPattern is a key's form: the fee schedule's category pattern, so
// every type is a category of the schedule.
var typeKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// The membership types are an editable list, like the university
// relations. A type in use is never deleted and keeps its key: it can be
// hidden instead (migration 0125's trigger holds this).
func (h *Handler) membershipTypesTable() *table {
	t := &table{
		name: "membership-types", sql: "membership_types", key: "id", intID: true, versioned: true, touched: true,
		unique:        map[string]string{"membership_types_key_key": "key"},
		keptWhileUsed: "key",
		summary:       "key",
		defaults:      map[string]string{"position": "100", "public": "true", "hidden": "false"},
		fields: []*field{
			{name: "key", column: "key", kind: "text", required: true, parse: typeKeyParser, help: "admin.membership-types.key.help"},
			{name: "name_de", column: "name_de", kind: "text", required: true, inline: true, parse: textParser(true, false, maxTypeName)},
			{name: "name_en", column: "name_en", kind: "text", required: true, inline: true, parse: textParser(true, false, maxTypeName)},
			{name: "description_de", column: "description_de", kind: "textarea", rows: 3, parse: textParser(false, false, maxTypeDescription)},
			{name: "description_en", column: "description_en", kind: "textarea", rows: 3, parse: textParser(false, false, maxTypeDescription)},
			{name: "position", column: "position", kind: "number", required: true, inline: true, parse: intParser(0, true)},
			{name: "public", column: "public", kind: "checkbox", inline: true, parse: boolParser, display: boolDisplay,
				help: "admin.membership-types.public.help"},
			{name: "hidden", column: "hidden", kind: "checkbox", inline: true, parse: boolParser, display: boolDisplay,
				help: "admin.membership-types.hidden.help"},
		},
	}
	t.rules = membershipTypeRules{h: h, t: t}
	return t
}

// typeKeyParser accepts a key as the fee schedule writes categories.
func typeKeyParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if !typeKeyPattern.MatchString(s) {
		return nil, tr(ctx, "admin.membership-types.key.invalid"), nil
	}
	return s, "", nil
}

type membershipTypeRules struct {
	noRules
	h *Handler
	t *table
}

func (r membershipTypeRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	mt, err := queryOne[membershipTypeRow](ctx, q, "membership type row", membershipTypeSelect+" WHERE m.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	return membershipTypeTableRow(ctx, r.t, mt), nil
}

func (membershipTypeRules) title(ctx context.Context, _ string, st rowState) string {
	if i18n.LangOf(ctx) == i18n.EN {
		return st.text("name_en")
	}
	return st.text("name_de")
}

// consequences: a type anyone or anything still names cannot go; the
// page says who does and that hiding is the way.
func (r membershipTypeRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	u, err := typeUse(ctx, r.h.pool, "m.id = $1", intID(id))
	if err != nil {
		return nil, "", err
	}
	if u.total() == 0 {
		return nil, "", nil
	}
	var uses []string
	if u.Persons > 0 {
		uses = append(uses, i18n.N(ctx, "admin.membership-types.use.persons", u.Persons))
	}
	if u.Applications > 0 {
		uses = append(uses, i18n.N(ctx, "admin.membership-types.use.applications", u.Applications))
	}
	if u.Rates > 0 {
		uses = append(uses, i18n.N(ctx, "admin.membership-types.use.rates", u.Rates))
	}
	if u.Reduced > 0 {
		uses = append(uses, i18n.N(ctx, "admin.membership-types.use.reduced", u.Reduced))
	}
	return nil, tr(ctx, "admin.membership-types.in_use.delete", strings.Join(uses, ", ")), nil
}

// detail tells on the type's page where it is used, and shows the key of
// a type in use as what it is: fixed (saving a changed one is refused).
func (r membershipTypeRules) detail(ctx context.Context, id string, st rowState, _ formState, v *adminui.DetailView) error {
	_, blocked, err := r.consequences(ctx, id)
	if err != nil || blocked == "" {
		return err
	}
	v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.membership-types.use"), Value: blocked})
	if v.Form != nil {
		for i := range v.Form.Fields {
			if f := &v.Form.Fields[i]; f.Name == "key" {
				f.ReadOnly, f.Value, f.Help = true, st.text("key"), tr(ctx, "admin.membership-types.key.fixed")
			}
		}
	}
	return nil
}

// typeUses counts what names a membership type.
type typeUses struct {
	Persons, Applications, Rates, Reduced int
}

func (u typeUses) total() int { return u.Persons + u.Applications + u.Rates + u.Reduced }

// typeUse counts the uses of the type matching cond (on membership_types m).
func typeUse(ctx context.Context, q querier, cond string, arg any) (typeUses, error) {
	var u typeUses
	err := q.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM persons p WHERE p.membership_type = m.key),
		(SELECT count(*) FROM membership_applications a WHERE a.membership_type = m.key),
		(SELECT count(*) FROM fee_rates f WHERE f.category = m.key),
		(SELECT count(*) FROM fee_categories c WHERE c.category = m.key)
		FROM membership_types m WHERE `+cond, arg).Scan(&u.Persons, &u.Applications, &u.Rates, &u.Reduced)
	if err != nil {
		return u, fmt.Errorf("admin: membership type use: %w", err)
	}
	return u, nil
}

type membershipTypeRow struct {
	ID       int64
	Key      string
	NameDE   string
	NameEN   string
	Position int
	Public   bool
	Hidden   bool
	Persons  int
	Version  int
}

const membershipTypeSelect = `
	SELECT m.id, m.key, m.name_de, m.name_en, m.position, m.public, m.hidden,
	       (SELECT count(*) FROM persons p WHERE p.membership_type = m.key) AS persons, m.version
	FROM membership_types m`

var membershipTypeList = listSpec{
	sorts:       map[string]string{"id": "m.id", "key": "m.key", "position": "m.position"},
	defaultSort: "position",
	defaultDir:  "asc",
}

var membershipTypeColumns = []column{
	{key: "key", label: "admin.membership-types.key", sort: "key"},
	{key: "name_de", label: "admin.membership-types.name_de"},
	{key: "name_en", label: "admin.membership-types.name_en"},
	{key: "position", label: "admin.membership-types.position", sort: "position"},
	{key: "public", label: "admin.membership-types.public.column"},
	{key: "hidden", label: "admin.membership-types.hidden"},
	{key: "persons", label: "admin.membership-types.persons"},
}

func membershipTypeTableRow(ctx context.Context, t *table, m membershipTypeRow) adminui.Row {
	id := strconv.FormatInt(m.ID, 10)
	return adminui.Row{
		DomID: "membership-types-" + id, URL: t.detailURL(id), DeleteURL: t.detailURL(id) + "/delete", Muted: m.Hidden,
		Cells: []adminui.Cell{
			{Text: m.Key, Href: t.detailURL(id)},
			editCell(ctx, t, id, m.Version, t.field("name_de"), m.NameDE, nil),
			editCell(ctx, t, id, m.Version, t.field("name_en"), m.NameEN, nil),
			editCell(ctx, t, id, m.Version, t.field("position"), strconv.Itoa(m.Position), nil),
			editCell(ctx, t, id, m.Version, t.field("public"), strconv.FormatBool(m.Public), nil),
			editCell(ctx, t, id, m.Version, t.field("hidden"), strconv.FormatBool(m.Hidden), nil),
			{Text: strconv.Itoa(m.Persons), Href: "/admin/persons?type=" + url.QueryEscape(m.Key)},
		},
	}
}

// listMembershipTypes answers GET /admin/membership-types.
func (h *Handler) listMembershipTypes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.membershipTypes
	lq := parseList(r, &membershipTypeList)
	wh := newWhere()
	if lq.Q != "" {
		wh.match("(m.key ILIKE @like OR m.name_de ILIKE @like OR m.name_en ILIKE @like)", "like", likePattern(lq.Q))
	}
	var total int
	if err := h.pool.QueryRow(ctx, "SELECT count(*) FROM membership_types m "+wh.sql(), wh.queryArgs()...).Scan(&total); err != nil {
		h.fail(w, r, fmt.Errorf("admin: count membership types: %w", err))
		return
	}
	lq.clampPage(total)
	list, err := listRows[membershipTypeRow](ctx, h.pool, "membership types", membershipTypeSelect, wh, lq.orderBy("m.id"), lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.listView(ctx, t, lq, total, membershipTypeColumns)
	for _, m := range list {
		v.Rows = append(v.Rows, membershipTypeTableRow(ctx, t, m))
	}
	var offered bool
	if err := h.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM membership_types WHERE public AND NOT hidden)`).Scan(&offered); err != nil {
		h.fail(w, r, fmt.Errorf("admin: membership types offered: %w", err))
		return
	}
	if !offered {
		v.Warning = tr(ctx, "admin.membership-types.none_public")
	}
	h.renderList(w, r, v)
}

// typeOptions offers the membership types in the reader's language, hidden
// ones marked: a person who has one keeps it in the form.
func typeOptions(ctx context.Context, q querier) ([]adminui.Option, error) {
	ts, err := members.LoadTypes(ctx, q)
	if err != nil {
		return nil, err
	}
	out := []adminui.Option{{Value: "", Label: "–"}}
	for _, mt := range ts {
		label := mt.Name(i18n.LangOf(ctx))
		if mt.Hidden {
			label = tr(ctx, "admin.membership-types.hidden_option", label)
		}
		out = append(out, adminui.Option{Value: mt.Key, Label: label, Retired: mt.Hidden})
	}
	return out, nil
}

// typeParser accepts the key of a membership type or nothing; whether a
// hidden one may be chosen is personRules.changed's to say.
func typeParser(ctx context.Context, q querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, "", nil
	}
	ts, err := members.LoadTypes(ctx, q)
	if err != nil {
		return nil, "", err
	}
	if _, ok := ts.Find(s); !ok {
		return nil, tr(ctx, "admin.error.choice"), nil
	}
	return s, "", nil
}
