package admin

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// usernamePattern keeps user names typeable: no spaces, no markup.
var usernamePattern = regexp.MustCompile(`^[\p{L}\p{N}._@+-]{2,64}$`)

func (h *Handler) usersTable() *table {
	t := &table{
		name: "users", sql: "users", key: "id", intID: true, versioned: true,
		unique:       map[string]string{"users_username_key": "username"},
		summary:      "username",
		guardsAccess: true,
		fields: []*field{
			{name: "username", column: "username", kind: "text", required: true, inline: true, parse: usernameParser},
			{name: "person", column: "person_id", read: "(SELECT email FROM persons WHERE id = person_id)", kind: "email",
				required: true, parse: personParser, help: "admin.users.person.help"},
			{name: "password", column: "password_hash", read: "''", kind: "password", required: true, createOnly: true,
				secret: true, parse: passwordParser},
		},
	}
	t.rules = userRules{h: h, t: t}
	return t
}

type userRules struct {
	noRules
	h *Handler
	t *table
}

func (r userRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	u, err := queryOne[userRow](ctx, q, "user row", userSelect+" WHERE u.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	roles, err := loadRoleChoices(ctx, q)
	if err != nil {
		return adminui.Row{}, err
	}
	return userTableRow(ctx, r.t, u, roles), nil
}

func (userRules) title(_ context.Context, _ string, st rowState) string { return st.text("username") }

// consequences: the person stays, the roles go; nobody deletes themselves,
// nor an account above them.
func (r userRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	if isSelf(ctx, id) {
		return nil, tr(ctx, "admin.users.error.self"), nil
	}
	if above, err := accountAbove(ctx, r.h.pool, intID(id)); err != nil || above != "" {
		return nil, above, err
	}
	return []string{tr(ctx, "admin.users.delete.person"), tr(ctx, "admin.users.delete.roles")}, "", nil
}

// lock refuses every change of an account above the editor.
func (userRules) lock(ctx context.Context, tx pgx.Tx, id string) error {
	return accountWithin(ctx, tx, id)
}

// deleting refuses to delete the editor's own user.
func (userRules) deleting(ctx context.Context, _ pgx.Tx, id string) error {
	if isSelf(ctx, id) {
		return &problemError{Text: tr(ctx, "admin.users.error.self")}
	}
	return nil
}

// isSelf reports whether id is the logged-in user's.
func isSelf(ctx context.Context, id string) bool {
	u := auth.CurrentUser(ctx)
	return u != nil && strconv.FormatInt(u.ID, 10) == id
}

func usernameParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return nil, tr(ctx, "admin.error.required"), nil
	case !usernamePattern.MatchString(s):
		return nil, tr(ctx, "admin.users.error.username"), nil
	}
	return s, "", nil
}

// passwordParser refuses passwords shorter than the accounts' minimum and
// stores only the hash.
func passwordParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	if err := auth.CheckNewPassword(raw); err != nil {
		if errors.Is(err, auth.ErrPasswordTooShort) {
			return nil, tr(ctx, "admin.users.error.password", auth.MinPasswordLength), nil
		}
		return nil, "", err
	}
	hash, err := auth.HashPassword(raw)
	if err != nil {
		return nil, "", err
	}
	return hash, "", nil
}

// userRow is one user as the list shows it.
type userRow struct {
	ID         int64
	Username   string
	PersonID   int64
	PersonName string
	Email      string
	DisabledAt *time.Time
	Roles      []string
	Version    int
}

const userSelect = `
	SELECT u.id, u.username, u.person_id, p.name AS person_name, p.email, u.disabled_at, u.version,
	       coalesce((SELECT array_agg(ur.role ORDER BY ur.role) FROM user_roles ur WHERE ur.user_id = u.id), '{}') AS roles
	FROM users u JOIN persons p ON p.id = u.person_id`

func userTableRow(ctx context.Context, t *table, u userRow, roles roleChoices) adminui.Row {
	id := strconv.FormatInt(u.ID, 10)
	state := adminui.Cell{Text: tr(ctx, "admin.users.active"), Badge: "success"}
	if u.DisabledAt != nil {
		state = adminui.Cell{Text: tr(ctx, "admin.users.disabled"), Badge: "secondary"}
	}
	// An account above the editor (a role of it gives levels they lack)
	// is shown, not offered for change.
	above := roles.above(u.Roles)
	name := editCell(ctx, t, id, u.Version, t.field("username"), u.Username, nil)
	row := adminui.Row{
		DomID: "users-" + id, URL: t.detailURL(id), DeleteURL: t.detailURL(id) + "/delete", Muted: u.DisabledAt != nil,
	}
	if above {
		name, row.DeleteURL = adminui.Cell{Text: u.Username}, ""
	}
	row.Cells = []adminui.Cell{
		{Text: id, Href: t.detailURL(id)},
		name,
		{Text: u.PersonName, Href: "/admin/persons/" + strconv.FormatInt(u.PersonID, 10)},
		{Text: u.Email, Small: true},
		{Toggles: userRoleToggles(u.ID, u.Roles, roles, above)},
		state,
	}
	// The list stacks on a phone (StackOnPhone): each cell is headed by
	// its column's name.
	for i := range row.Cells {
		row.Cells[i].Label = tr(ctx, usersColumns[i].label)
	}
	return row
}

// userRoleToggles are a user's role boxes; above, the account holds levels
// the editor lacks, and none can be changed.
func userRoleToggles(userID int64, held []string, roles roleChoices, above bool) []adminui.Toggle {
	out := make([]adminui.Toggle, len(roles.names))
	for i, role := range roles.names {
		out[i] = userRoleToggle(userID, role, checked(held, role), above || roles.beyond[role])
	}
	return out
}

// userRoleToggle is the box of role for a user; beyond, the editor lacks
// some of the role's levels and cannot change it.
func userRoleToggle(userID int64, role string, held, beyond bool) adminui.Toggle {
	id := strconv.FormatInt(userID, 10)
	return adminui.Toggle{
		DomID:    "ur-" + id + "-" + domKey(role),
		URL:      "/admin/users/" + id + "/roles/" + escapePath(role),
		Label:    role,
		Checked:  held,
		Disabled: beyond,
	}
}

// userRoleChoice is the box of role on the user's own page, sent as
// role=<role>, so the boxes are a plain form without JavaScript.
func userRoleChoice(userID int64, role string, held, beyond bool) adminui.Toggle {
	t := userRoleToggle(userID, role, held, beyond)
	t.Name, t.Value, t.Vals = "role", role, detailView
	return t
}

// detail adds the person, the roles, the password form and the disable or
// enable action.
func (r userRules) detail(ctx context.Context, id string, _ rowState, fs formState, v *adminui.DetailView) error {
	rows, err := r.h.pool.Query(ctx, userSelect+" WHERE u.id = $1", intID(id))
	if err != nil {
		return fmt.Errorf("admin: user facts: %w", err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[userRow])
	if err != nil {
		return fmt.Errorf("admin: user facts: %w", db.Map(err))
	}
	v.Facts = []adminui.Fact{
		{Label: "ID", Value: id},
		{Label: tr(ctx, "admin.users.person"), Value: u.PersonName + " <" + u.Email + ">", Href: "/admin/persons/" + strconv.FormatInt(u.PersonID, 10)},
		{Label: tr(ctx, "admin.audit.title"), Value: tr(ctx, "admin.users.changes_by"), Href: "/admin/audit?user=" + u.Username},
	}
	if u.DisabledAt != nil {
		v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.users.disabled_at"), Value: web.LocalTime(ctx, *u.DisabledAt)})
	}
	roles, err := loadRoleChoices(ctx, r.h.pool)
	if err != nil {
		return err
	}
	choices := adminui.ChoicesView{Name: "role", Title: tr(ctx, "admin.users.roles"), Action: r.h.users.detailURL(id) + "/roles",
		Submit: tr(ctx, "admin.form.save"), Error: fs.sections["role"]}
	// An account holding levels the editor lacks is theirs to look at,
	// not to change.
	above, err := accountAbove(ctx, r.h.pool, u.ID)
	if err != nil {
		return err
	}
	for _, role := range roles.names {
		choices.Toggles = append(choices.Toggles, userRoleChoice(u.ID, role, checked(u.Roles, role), above != "" || roles.beyond[role]))
	}
	if len(roles.beyond) > 0 || above != "" {
		choices.Note = tr(ctx, "admin.choices.beyond")
	}
	v.Sections = append(v.Sections, adminui.ChoicesForm(choices),
		adminui.PasswordForm(adminui.PasswordView{Action: r.h.users.detailURL(id) + "/password", Error: fs.sections["password"], Blocked: above}))
	if above != "" {
		v.Form, v.DeleteURL = nil, ""
		return nil
	}
	if u.DisabledAt == nil {
		v.Actions = append(v.Actions, adminui.Action{Label: tr(ctx, "admin.users.disable"), URL: r.h.users.detailURL(id) + "/disable",
			Style: "warning", TestID: "disable"})
	} else {
		v.Actions = append(v.Actions, adminui.Action{Label: tr(ctx, "admin.users.enable"), URL: r.h.users.detailURL(id) + "/enable",
			Style: "success", TestID: "enable"})
	}
	return nil
}
