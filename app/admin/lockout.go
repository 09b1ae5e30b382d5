package admin

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
)

// keepsRoleAdmin refuses, inside the change's transaction, a change after
// which the editor no longer holds role_admin although they did before.
func keepsRoleAdmin(ctx context.Context, tx pgx.Tx) error {
	u := auth.CurrentUser(ctx)
	if !u.Has(levelRoleAdmin) {
		return nil
	}
	const q = `
		SELECT EXISTS (
			SELECT 1 FROM users u
			JOIN user_roles ur ON ur.user_id = u.id
			JOIN role_access_levels ral ON ral.role = ur.role
			WHERE u.id = $1 AND u.disabled_at IS NULL AND ral.access_level = $2)`
	var keeps bool
	if err := tx.QueryRow(ctx, q, u.ID, levelRoleAdmin).Scan(&keeps); err != nil {
		return fmt.Errorf("admin: check own access: %w", err)
	}
	if !keeps {
		return &problemError{Text: tr(ctx, "admin.error.lockout")}
	}
	return nil
}
