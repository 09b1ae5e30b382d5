package admin

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// A grant is a row of user_roles (a user's role) or role_access_levels (a
// role's access level). Both are set, never toggled blindly: the request
// says the state it wants, so a double click cannot undo itself.

// setUserRole gives or takes role from user and records it.
func setUserRole(ctx context.Context, tx pgx.Tx, userID int64, role string, granted bool) error {
	q := `INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	if !granted {
		q = `DELETE FROM user_roles WHERE user_id = $1 AND role = $2`
	}
	tag, err := tx.Exec(ctx, q, userID, role)
	if err != nil {
		return fmt.Errorf("admin: set user role: %w", db.Map(err))
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	levels, err := roleLevels(ctx, tx, role)
	if err != nil {
		return err
	}
	if err := beyondEditor(ctx, beyondGrant, levels); err != nil {
		return err
	}
	// Nor are an account's roles changed by someone it is above.
	if err := accountWithin(ctx, tx, strconv.FormatInt(userID, 10)); err != nil {
		return err
	}
	old, new := audit.Value(role), (*string)(nil)
	if granted {
		old, new = nil, audit.Value(role)
	}
	return audit.Record(ctx, tx, entry(ctx, "users", fmt.Sprint(userID), "roles", old, new))
}

// setRoleLevel grants or revokes level for role and records it.
func setRoleLevel(ctx context.Context, tx pgx.Tx, role, level string, granted bool) error {
	q := `INSERT INTO role_access_levels (role, access_level) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	if !granted {
		q = `DELETE FROM role_access_levels WHERE role = $1 AND access_level = $2`
	}
	tag, err := tx.Exec(ctx, q, role, level)
	if err != nil {
		return fmt.Errorf("admin: set role level: %w", db.Map(err))
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	if err := beyondEditor(ctx, beyondGrant, []string{level}); err != nil {
		return err
	}
	// Nor are the levels of a role above the editor changed by them.
	levels, err := roleLevels(ctx, tx, role)
	if err != nil {
		return err
	}
	if err := beyondEditor(ctx, beyondRole, levels); err != nil {
		return err
	}
	old, new := audit.Value(level), (*string)(nil)
	if granted {
		old, new = nil, audit.Value(level)
	}
	return audit.Record(ctx, tx, entry(ctx, "roles", role, "access_levels", old, new))
}

// names reads one text column.
func names(ctx context.Context, q querier, sql string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("admin: names: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("admin: names: %w", err)
	}
	return out, nil
}

// domKey makes any name usable in an element id.
func domKey(s string) string { return hex.EncodeToString([]byte(s)) }

// grantAnswer answers a toggle: the checkbox as stored, with a toast that
// says what happened or why it was refused (422).
func (h *Handler) grantAnswer(w http.ResponseWriter, r *http.Request, err error, toggle func() (adminui.Toggle, error), done string, back string) {
	var pe *problemError
	status := http.StatusOK
	switch {
	case errors.As(err, &pe):
		status = http.StatusUnprocessableEntity
		h.site.Flash(r, "danger", pe.Text)
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		h.site.Flash(r, "success", done)
	}
	if !web.IsFragment(r) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	t, terr := toggle()
	if terr != nil {
		h.fail(w, r, terr)
		return
	}
	h.site.RenderFragment(w, r, status, adminui.ToggleBox(t))
}

// checked reports whether the form's checkbox list holds v.
func checked(values []string, v string) bool { return slices.Contains(values, v) }
