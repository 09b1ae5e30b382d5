package admin

import (
	"net/http"
	"strconv"
	"strings"

	adminui "github.com/pepalumni/memberdb/components/admin"
)

var usersList = listSpec{
	sorts: map[string]string{
		"id": "u.id", "username": "lower(u.username)", "person": "lower(p.name) COLLATE alphabetical", "email": "lower(p.email)",
		"state": "u.disabled_at IS NOT NULL",
	},
	defaultSort: "username",
	defaultDir:  "asc",
	filters:     []string{"state", "role"},
}

var usersColumns = []column{
	{key: "id", label: "admin.id", sort: "id"},
	{key: "username", label: "admin.users.username", sort: "username"},
	{key: "person", label: "admin.users.person_name", sort: "person"},
	{key: "email", label: "admin.persons.email", sort: "email"},
	{key: "roles", label: "admin.users.roles"},
	{key: "state", label: "admin.users.state", sort: "state"},
}

// listUsers answers GET /admin/users with each user's roles as checkboxes
// that save on click.
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.users
	lq := parseList(r, &usersList)
	wh := newWhere()
	switch lq.Filters["state"] {
	case "active":
		wh.add("u.disabled_at IS NULL")
	case "disabled":
		wh.add("u.disabled_at IS NOT NULL")
	}
	if role := lq.Filters["role"]; role != "" {
		wh.add("EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role = @role)", "role", role)
	}
	if lq.Q != "" {
		words := strings.Fields(lq.Q)
		for i, word := range words[:min(len(words), maxSearchWords)] {
			arg := "w" + strconv.Itoa(i)
			wh.match("(u.username ILIKE @"+arg+"like OR "+unaccentedLike(arg)+")", arg+"like", likePattern(word), arg, word)
		}
	}
	from := "users u JOIN persons p ON p.id = u.person_id"
	total, _, err := countRows(ctx, h.pool, from, wh, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lq.clampPage(total)
	list, err := listRows[userRow](ctx, h.pool, "users", userSelect, wh, lq.orderBy("u.id"), lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	roles, err := loadRoleChoices(ctx, h.pool)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	roleOpts := []adminui.Option{allOption(ctx)}
	for _, role := range roles.names {
		roleOpts = append(roleOpts, adminui.Option{Value: role, Label: role})
	}
	v := h.listView(ctx, t, lq, total, usersColumns)
	v.StackOnPhone = true
	v.Filters = []adminui.Filter{
		{Name: "state", Label: tr(ctx, "admin.users.state"), Value: lq.Filters["state"], Options: []adminui.Option{
			allOption(ctx), {Value: "active", Label: tr(ctx, "admin.users.active")}, {Value: "disabled", Label: tr(ctx, "admin.users.disabled")}}},
		{Name: "role", Label: tr(ctx, "admin.users.role"), Value: lq.Filters["role"], Options: roleOpts},
	}
	for _, u := range list {
		v.Rows = append(v.Rows, userTableRow(ctx, t, u, roles))
	}
	if len(roles.beyond) > 0 {
		v.Note = tr(ctx, "admin.choices.beyond")
	}
	h.renderList(w, r, v)
}
