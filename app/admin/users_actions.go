package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// userExists locks the user row, so grants and actions on a deleted user
// answer 404.
func userExists(ctx context.Context, tx pgx.Tx, id int64) error {
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
		return fmt.Errorf("admin: user %d: %w", id, db.Map(err))
	}
	return nil
}

// toggleUserRole answers POST /admin/users/{id}/roles/{role}: granted=true
// gives the role, its absence takes it away.
func (h *Handler) toggleUserRole(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	userID, ok := h.users.keyArg(rowID(r))
	role := pathParam(r, "role")
	if !ok {
		h.site.NotFound(w, r)
		return
	}
	// The list's box sends granted=true, the user page's its role.
	if !h.site.ParseForm(w, r) {
		return
	}
	granted := r.PostFormValue("granted") == "true" || checked(r.PostForm["role"], role)
	id := userID.(int64)
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := userExists(ctx, tx, id); err != nil {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM roles WHERE name = $1`, role).Scan(&one); err != nil {
			return fmt.Errorf("admin: role %s: %w", role, db.Map(err))
		}
		if err := setUserRole(ctx, tx, id, role, granted); err != nil {
			return err
		}
		return keepsRoleAdmin(ctx, tx)
	})
	if isNotFound(err) {
		h.site.NotFound(w, r)
		return
	}
	done := tr(ctx, "admin.users.role_revoked", role)
	if granted {
		done = tr(ctx, "admin.users.role_granted", role)
	}
	h.grantAnswer(w, r, err, func() (adminui.Toggle, error) {
		held, err := names(ctx, h.pool, `SELECT role FROM user_roles WHERE user_id = $1 AND role = $2`, id, role)
		if err != nil {
			return adminui.Toggle{}, err
		}
		beyond, err := roleBeyond(ctx, h.pool, role)
		if err != nil {
			return adminui.Toggle{}, err
		}
		above, err := accountAbove(ctx, h.pool, id)
		beyond = beyond || above != ""
		if r.PostFormValue("view") == "detail" {
			return userRoleChoice(id, role, len(held) > 0, beyond), err
		}
		return userRoleToggle(id, role, len(held) > 0, beyond), err
	}, done, h.users.detailURL(rowID(r)))
}

// setUserRoles answers POST /admin/users/{id}/roles: the detail page's
// checkboxes, saved together.
func (h *Handler) setUserRoles(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	idText, id, ok := h.userPost(w, r)
	if !ok {
		return
	}
	want := r.PostForm["role"]
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := userExists(ctx, tx, id); err != nil {
			return err
		}
		all, err := names(ctx, tx, `SELECT name FROM roles ORDER BY name`)
		if err != nil {
			return err
		}
		for _, role := range all {
			// A role beyond the editor shows as a box they cannot change,
			// which a form does not send: it keeps what it holds.
			levels, err := roleLevels(ctx, tx, role)
			if err != nil {
				return err
			}
			if lacks(ctx, levels) {
				continue
			}
			if err := setUserRole(ctx, tx, id, role, checked(want, role)); err != nil {
				return err
			}
		}
		return keepsRoleAdmin(ctx, tx)
	})
	var pe *problemError
	switch {
	case errors.As(err, &pe):
		h.renderDetail(w, r, h.users, idText, http.StatusUnprocessableEntity, formState{sections: map[string]string{"role": pe.Text}})
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.site.Flash(r, "success", tr(ctx, "admin.saved"))
	http.Redirect(w, r, h.users.detailURL(idText), http.StatusSeeOther)
}

// setPassword answers POST /admin/users/{id}/password. The password is
// never blank and as long as the accounts require; the user's other
// sessions end.
func (h *Handler) setPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	idText, id, ok := h.userPost(w, r)
	if !ok {
		return
	}
	hash, problem, err := passwordParser(ctx, nil, r.PostFormValue("password"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if problem != "" {
		h.renderDetail(w, r, h.users, idText, http.StatusUnprocessableEntity, formState{sections: map[string]string{"password": problem}})
		return
	}
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := accountWithin(ctx, tx, idText); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, version = version + 1
			WHERE id = $1`, id, hash)
		if err != nil {
			return fmt.Errorf("admin: set password: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errNotFound(h.users, idText)
		}
		return audit.Record(ctx, tx, entry(ctx, "users", idText, "password", nil, nil))
	})
	var pe *problemError
	if errors.As(err, &pe) {
		h.renderDetail(w, r, h.users, idText, http.StatusUnprocessableEntity, formState{sections: map[string]string{"password": pe.Text}})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := tr(ctx, "admin.users.password.set")
	if u := auth.CurrentUser(ctx); u != nil && u.ID == id {
		msg = tr(ctx, "admin.users.password.set_own")
	}
	h.site.Flash(r, "success", msg)
	http.Redirect(w, r, h.users.detailURL(idText), http.StatusSeeOther)
}

// setDisabled answers POST /admin/users/{id}/disable and …/enable. A
// disabled user's sessions end at once (session epoch); nobody disables
// themselves.
func (h *Handler) setDisabled(disable bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		idText := rowID(r)
		key, ok := h.users.keyArg(idText)
		if !ok {
			h.site.NotFound(w, r)
			return
		}
		if u := auth.CurrentUser(ctx); disable && u != nil && u.ID == key.(int64) {
			h.site.Flash(r, "danger", tr(ctx, "admin.users.error.self"))
			http.Redirect(w, r, h.users.detailURL(idText), http.StatusSeeOther)
			return
		}
		err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
			if err := accountWithin(ctx, tx, idText); err != nil {
				return err
			}
			var old *string
			if err := tx.QueryRow(ctx, `SELECT to_char(disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM users WHERE id = $1 FOR UPDATE`, key).Scan(&old); err != nil {
				return fmt.Errorf("admin: user %s: %w", idText, db.Map(err))
			}
			if (old != nil) == disable {
				return nil
			}
			q := `UPDATE users SET disabled_at = NULL, version = version + 1 WHERE id = $1
				RETURNING to_char(disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
			if disable {
				q = `UPDATE users SET disabled_at = now(), session_epoch = session_epoch + 1, version = version + 1 WHERE id = $1
					RETURNING to_char(disabled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
			}
			var new *string
			if err := tx.QueryRow(ctx, q, key).Scan(&new); err != nil {
				return fmt.Errorf("admin: disable user: %w", err)
			}
			return audit.Record(ctx, tx, entry(ctx, "users", idText, "disabled_at", old, new))
		})
		var pe *problemError
		if errors.As(err, &pe) {
			h.site.Flash(r, "danger", pe.Text)
			http.Redirect(w, r, h.users.detailURL(idText), http.StatusSeeOther)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		msg := tr(ctx, "admin.users.enabled_msg")
		if disable {
			msg = tr(ctx, "admin.users.disabled_msg")
		}
		h.site.Flash(r, "success", msg)
		http.Redirect(w, r, h.users.detailURL(idText), http.StatusSeeOther)
	}
}

// userPost starts a POST to a user's detail page: the user's id from the
// URL (404 when it is none) and the posted form. ok false means answered.
func (h *Handler) userPost(w http.ResponseWriter, r *http.Request) (idText string, id int64, ok bool) {
	idText = rowID(r)
	key, ok := h.users.keyArg(idText)
	if !ok {
		h.site.NotFound(w, r)
		return "", 0, false
	}
	if !h.site.ParseForm(w, r) {
		return "", 0, false
	}
	return idText, key.(int64), true
}
