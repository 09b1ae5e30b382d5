package admin

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// roleNamePattern keeps role names readable in URLs and lists.
var roleNamePattern = regexp.MustCompile(`^[\p{L}\p{N}_ .-]{1,64}$`)

func (h *Handler) rolesTable() *table {
	t := &table{
		name: "roles", sql: "roles", key: "name",
		unique:       map[string]string{"roles_pkey": "name"},
		summary:      "name",
		guardsAccess: true,
		fields: []*field{
			{name: "name", column: "name", kind: "text", required: true, parse: roleNameParser},
		},
	}
	t.rules = roleRules{h: h, t: t}
	return t
}

type roleRules struct {
	noRules
	h *Handler
	t *table
}

func (r roleRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	role, err := queryOne[roleRow](ctx, q, "role row", roleSelect+" WHERE r.name = $1", id)
	if err != nil {
		return adminui.Row{}, err
	}
	levels, err := names(ctx, q, `SELECT name FROM access_levels ORDER BY name`)
	if err != nil {
		return adminui.Row{}, err
	}
	return roleTableRow(ctx, r.t, role, byArea(levels)), nil
}

func (roleRules) title(_ context.Context, id string, _ rowState) string { return id }

// lock refuses any change of a role holding levels the editor lacks:
// deleting it takes them from its users, and whoever gives it later reads
// what it is by its name.
func (roleRules) lock(ctx context.Context, tx pgx.Tx, id string) error {
	levels, err := roleLevels(ctx, tx, id)
	if err != nil {
		return err
	}
	return beyondEditor(ctx, beyondRole, levels)
}

// consequences: the role's users lose it. Deleting the role through
// which the editor alone holds role_admin is refused (keepsRoleAdmin), so
// the confirmation says so instead of offering the button.
func (r roleRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	levels, err := roleLevels(ctx, r.h.pool, id)
	if err != nil {
		return nil, "", err
	}
	if blocked, err := refusal(beyondEditor(ctx, beyondRole, levels)); blocked != "" || err != nil {
		return nil, blocked, err
	}
	if u := auth.CurrentUser(ctx); u.Has(levelRoleAdmin) {
		var elsewhere bool
		err := r.h.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_roles ur
			JOIN role_access_levels ral ON ral.role = ur.role
			WHERE ur.user_id = $1 AND ur.role <> $2 AND ral.access_level = $3)`, u.ID, id, levelRoleAdmin).Scan(&elsewhere)
		if err != nil {
			return nil, "", fmt.Errorf("admin: role consequences: %w", err)
		}
		if !elsewhere {
			return nil, tr(ctx, "admin.error.lockout"), nil
		}
	}
	users, err := names(ctx, r.h.pool, `SELECT u.username FROM user_roles ur JOIN users u ON u.id = ur.user_id
		WHERE ur.role = $1 ORDER BY lower(u.username)`, id)
	if err != nil {
		return nil, "", err
	}
	if len(users) == 0 {
		return nil, "", nil
	}
	return []string{tr(ctx, "admin.roles.delete.users", strings.Join(users, ", "))}, "", nil
}

func roleNameParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return nil, tr(ctx, "admin.error.required"), nil
	case !roleNamePattern.MatchString(s):
		return nil, tr(ctx, "admin.roles.error.name"), nil
	}
	return s, "", nil
}

// roleRow is one role of the matrix: its grants and its users.
type roleRow struct {
	Name   string
	Levels []string
	Users  []string
}

const roleSelect = `
	SELECT r.name,
	       coalesce((SELECT array_agg(ral.access_level ORDER BY ral.access_level) FROM role_access_levels ral WHERE ral.role = r.name), '{}') AS levels,
	       coalesce((SELECT array_agg(u.username ORDER BY lower(u.username)) FROM user_roles ur JOIN users u ON u.id = ur.user_id
	                 WHERE ur.role = r.name), '{}') AS users
	FROM roles r`

// roleTableRow is a row of the matrix: the role, its users beside it, and
// one checkbox per access level.
func roleTableRow(ctx context.Context, t *table, role roleRow, levels []string) adminui.Row {
	above := lacks(ctx, role.Levels)
	cells := []adminui.Cell{
		{Text: role.Name, Href: t.detailURL(role.Name)},
		{Text: strings.Join(role.Users, ", "), Small: true},
	}
	for _, level := range levels {
		cells = append(cells, adminui.Cell{Toggles: []adminui.Toggle{roleLevelToggle(ctx, role.Name, level, checked(role.Levels, level), above)}})
	}
	row := adminui.Row{DomID: "roles-" + domKey(role.Name), URL: t.detailURL(role.Name), DeleteURL: t.detailURL(role.Name) + "/delete", Cells: cells}
	if above {
		row.DeleteURL = ""
	}
	return row
}

// roleLevelToggle is the box of level for role; only who holds the level
// can change it, and nobody a role above them (one giving levels they
// lack).
func roleLevelToggle(ctx context.Context, role, level string, granted, above bool) adminui.Toggle {
	return adminui.Toggle{
		DomID:     "rl-" + domKey(role) + "-" + domKey(level),
		URL:       "/admin/roles/" + escapePath(role) + "/levels/" + escapePath(level),
		Label:     role + ": " + level,
		HideLabel: true,
		Checked:   granted,
		Disabled:  above || lacks(ctx, []string{level}),
	}
}

// detailView marks a toggle sent from a detail page, whose answer is the
// box as that page shows it.
const detailView = `{"view": "detail"}`

// roleLevelChoice is the box of level on the role's own page: named by
// the level and sent as level=<level>, so the boxes are a plain form
// without JavaScript.
func roleLevelChoice(ctx context.Context, role, level string, granted, above bool) adminui.Toggle {
	t := roleLevelToggle(ctx, role, level, granted, above)
	t.Label, t.HideLabel, t.Name, t.Value, t.Vals = level, false, "level", level, detailView
	t.Help = levelText(ctx, level)
	return t
}

// detail lists the role's users and its access levels as a form.
func (r roleRules) detail(ctx context.Context, id string, _ rowState, fs formState, v *adminui.DetailView) error {
	rows, err := r.h.pool.Query(ctx, roleSelect+" WHERE r.name = $1", id)
	if err != nil {
		return fmt.Errorf("admin: role detail: %w", err)
	}
	role, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[roleRow])
	if err != nil {
		return fmt.Errorf("admin: role detail: %w", db.Map(err))
	}
	levels, err := names(ctx, r.h.pool, `SELECT name FROM access_levels ORDER BY name`)
	if err != nil {
		return err
	}
	choices := adminui.ChoicesView{Name: "level", Title: tr(ctx, "admin.access_levels.title"), Action: r.h.roles.detailURL(id) + "/levels",
		Submit: tr(ctx, "admin.form.save"), Error: fs.sections["level"]}
	// A role giving levels the editor lacks is theirs to look at.
	above, err := refusal(beyondEditor(ctx, beyondRole, role.Levels))
	if err != nil {
		return err
	}
	choices.Groups = levelGroups(ctx, levels, func(l string) adminui.Toggle {
		return roleLevelChoice(ctx, id, l, checked(role.Levels, l), above != "")
	})
	if lacks(ctx, levels) {
		choices.Note = tr(ctx, "admin.choices.beyond")
	}
	if above != "" {
		v.Form, v.DeleteURL = nil, ""
		v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.roles.changes"), Value: above})
	}
	v.Sections = append(v.Sections, adminui.ChoicesForm(choices))
	users, err := r.h.links(ctx, `SELECT u.username, '/admin/users/' || u.id FROM user_roles ur JOIN users u ON u.id = ur.user_id
		WHERE ur.role = $1 ORDER BY lower(u.username)`, id)
	if err != nil {
		return err
	}
	v.Related = append(v.Related, adminui.Related{Title: tr(ctx, "admin.users.title"), Items: users, Empty: tr(ctx, "admin.roles.no_users")})
	v.Facts = append([]adminui.Fact{{Label: tr(ctx, "admin.roles.users"), Value: strconv.Itoa(len(role.Users))}}, v.Facts...)
	return nil
}
