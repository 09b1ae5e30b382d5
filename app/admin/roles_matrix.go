package admin

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

var rolesList = listSpec{
	sorts: map[string]string{
		"name":  "lower(r.name)",
		"users": "(SELECT count(*) FROM user_roles ur WHERE ur.role = r.name)",
	},
	defaultSort: "name",
	defaultDir:  "asc",
	filters:     []string{"level"},
}

// listRoles answers GET /admin/roles: the matrix of roles × access levels.
// Each checkbox grants or revokes in place; a role's users stand beside it.
func (h *Handler) listRoles(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.roles
	lq := parseList(r, &rolesList)
	wh := newWhere()
	if level := lq.Filters["level"]; level != "" {
		wh.add("EXISTS (SELECT 1 FROM role_access_levels ral WHERE ral.role = r.name AND ral.access_level = @level)", "level", level)
	}
	if lq.Q != "" {
		wh.match(`(r.name ILIKE @like OR EXISTS (SELECT 1 FROM user_roles ur JOIN users u ON u.id = ur.user_id
			WHERE ur.role = r.name AND u.username ILIKE @like))`, "like", likePattern(lq.Q))
	}
	total, _, err := countRows(ctx, h.pool, "roles r", wh, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lq.clampPage(total)
	rows, err := h.pool.Query(ctx, roleSelect+" "+wh.sql()+" ORDER BY "+lq.orderBy("r.name")+" "+wh.page(lq), wh.queryArgs()...)
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: list roles: %w", err))
		return
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[roleRow])
	if err != nil {
		h.fail(w, r, fmt.Errorf("admin: list roles: %w", err))
		return
	}
	levels, err := names(ctx, h.pool, `SELECT name FROM access_levels ORDER BY name`)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	levels = byArea(levels)
	cols := []column{{key: "name", label: "admin.roles.name", sort: "name"}, {key: "users", label: "admin.roles.users", sort: "users"}}
	v := h.listView(ctx, t, lq, total, cols)
	levelOpts := []adminui.Option{allOption(ctx)}
	v.StickyFirst = true
	area := ""
	for _, l := range levels {
		// Each area's first column names the area; every header says what
		// its level allows.
		c := adminui.Column{Key: "level-" + l, Label: l, Small: true, Title: levelText(ctx, l)}
		if a := areaLabel(ctx, l); a != area {
			c.Group, area = a, a
		}
		v.Columns = append(v.Columns, c)
		levelOpts = append(levelOpts, adminui.Option{Value: l, Label: l})
	}
	v.Filters = []adminui.Filter{{Name: "level", Label: tr(ctx, "admin.roles.level"), Value: lq.Filters["level"], Options: levelOpts}}
	for _, role := range list {
		v.Rows = append(v.Rows, roleTableRow(ctx, t, role, levels))
	}
	if lacks(ctx, levels) {
		v.Note = tr(ctx, "admin.choices.beyond")
	}
	h.renderList(w, r, v)
}

// toggleRoleLevel answers POST /admin/roles/{id}/levels/{level}:
// granted=true grants the level, its absence revokes it. Nobody revokes
// their own last role_admin.
func (h *Handler) toggleRoleLevel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	role, level := rowID(r), pathParam(r, "level")
	// The matrix's box sends granted=true, the role page's its level.
	if !h.site.ParseForm(w, r) {
		return
	}
	granted := r.PostFormValue("granted") == "true" || checked(r.PostForm["level"], level)
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM roles WHERE name = $1 FOR UPDATE`, role).Scan(&one); err != nil {
			return fmt.Errorf("admin: role %s: %w", role, db.Map(err))
		}
		if err := tx.QueryRow(ctx, `SELECT 1 FROM access_levels WHERE name = $1`, level).Scan(&one); err != nil {
			return fmt.Errorf("admin: access level %s: %w", level, db.Map(err))
		}
		if err := setRoleLevel(ctx, tx, role, level, granted); err != nil {
			return err
		}
		return keepsRoleAdmin(ctx, tx)
	})
	if isNotFound(err) {
		h.site.NotFound(w, r)
		return
	}
	done := tr(ctx, "admin.roles.revoked", level, role)
	if granted {
		done = tr(ctx, "admin.roles.granted", level, role)
	}
	h.grantAnswer(w, r, err, func() (adminui.Toggle, error) {
		levels, err := roleLevels(ctx, h.pool, role)
		held, above := checked(levels, level), lacks(ctx, levels)
		if r.PostFormValue("view") == "detail" {
			return roleLevelChoice(ctx, role, level, held, above), err
		}
		return roleLevelToggle(ctx, role, level, held, above), err
	}, done, h.roles.listURL())
}

// setRoleLevels answers POST /admin/roles/{id}/levels: the detail page's
// checkboxes, saved together.
func (h *Handler) setRoleLevels(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	role := rowID(r)
	if !h.site.ParseForm(w, r) {
		return
	}
	want := r.PostForm["level"]
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM roles WHERE name = $1 FOR UPDATE`, role).Scan(&one); err != nil {
			return fmt.Errorf("admin: role %s: %w", role, db.Map(err))
		}
		all, err := names(ctx, tx, `SELECT name FROM access_levels ORDER BY name`)
		if err != nil {
			return err
		}
		// A level beyond the editor shows as a box they cannot change,
		// which a form does not send: it keeps what it holds.
		for _, level := range slices.DeleteFunc(all, func(l string) bool { return lacks(ctx, []string{l}) }) {
			if err := setRoleLevel(ctx, tx, role, level, checked(want, level)); err != nil {
				return err
			}
		}
		return keepsRoleAdmin(ctx, tx)
	})
	var pe *problemError
	switch {
	case errors.As(err, &pe):
		h.renderDetail(w, r, h.roles, role, http.StatusUnprocessableEntity, formState{sections: map[string]string{"level": pe.Text}})
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.site.Flash(r, "success", tr(ctx, "admin.saved"))
	http.Redirect(w, r, h.roles.detailURL(role), http.StatusSeeOther)
}
