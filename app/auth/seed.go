package auth

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Demo admin of `make run`: a fixed password, printed at start, so a
// developer can log in at once. Only ever written into an empty database.
const (
	DemoAdminUsername = "admin"
	DemoAdminPassword = "admin-demo-passwort"
	DemoAdminRole     = "admin"
)

// SeedAdmin writes the demo admin with a role holding every access level
// declared so far; levels are synced before seeding.
func SeedAdmin(ctx context.Context, tx pgx.Tx, out io.Writer) error {
	hash, err := HashPassword(DemoAdminPassword)
	if err != nil {
		return err
	}
	const q = `
		WITH person AS (
			INSERT INTO persons (name, email, email_valid) VALUES ('Demo Admin', 'admin@example.org', true) RETURNING id
		), usr AS (
			INSERT INTO users (username, password_hash, person_id) SELECT $1, $2, id FROM person RETURNING id
		), role AS (
			INSERT INTO roles (name) VALUES ($3) RETURNING name
		), levels AS (
			INSERT INTO role_access_levels (role, access_level)
			SELECT role.name, al.name FROM role, access_levels al WHERE al.in_use
		)
		INSERT INTO user_roles (user_id, role) SELECT usr.id, role.name FROM usr, role`
	if _, err := tx.Exec(ctx, q, DemoAdminUsername, hash, DemoAdminRole); err != nil {
		return fmt.Errorf("seed admin: %w", err)
	}
	fmt.Fprintf(out, "demo admin: %s / %s (role %s with every access level)\n", DemoAdminUsername, DemoAdminPassword, DemoAdminRole)
	return nil
}

// GrantDemoAdmin gives the demo admin's role the access levels declared
// since it was seeded, so that `make run` on its private database from an
// earlier version still logs in with every level, as it says. Only while
// the demo admin still has the demo password: a database where someone
// set a real one is no demo, and its levels are the board's.
func GrantDemoAdmin(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}) error {
	var hash string
	err := q.QueryRow(ctx, `SELECT password_hash FROM users WHERE username = $1`, DemoAdminUsername).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("grant demo admin: %w", err)
	}
	if ok, _, _ := VerifyPassword(hash, DemoAdminPassword); !ok {
		return nil
	}
	_, err = q.Exec(ctx, `
		INSERT INTO role_access_levels (role, access_level)
		SELECT ur.role, al.name FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = $2, access_levels al
		WHERE u.username = $1 AND al.in_use
		ON CONFLICT DO NOTHING`, DemoAdminUsername, DemoAdminRole)
	if err != nil {
		return fmt.Errorf("grant demo admin: %w", err)
	}
	return nil
}
