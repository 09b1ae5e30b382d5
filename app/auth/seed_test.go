package auth_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
)

// The demo admin holds every declared access level and logs in with the
// printed password. Seeding runs in a transaction that is rolled back here.
func TestSeedAdmin(t *testing.T) {
	app := apptest.Start(t) // syncs the declared levels, as make run does before seeding
	ctx := t.Context()
	tx, err := app.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var out bytes.Buffer
	if err := auth.SeedAdmin(ctx, tx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), auth.DemoAdminPassword) {
		t.Errorf("seeding does not print the password: %q", out.String())
	}
	var hash string
	var missing []string
	err = tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE username = $1`, auth.DemoAdminUsername).Scan(&hash)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := auth.VerifyPassword(hash, auth.DemoAdminPassword); !ok {
		t.Error("the demo admin's password does not match the printed one")
	}
	err = tx.QueryRow(ctx, `SELECT coalesce(array_agg(al.name), '{}') FROM access_levels al WHERE al.in_use AND NOT EXISTS (
		SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN role_access_levels ral ON ral.role = ur.role
		WHERE u.username = $1 AND ral.access_level = al.name)`, auth.DemoAdminUsername).Scan(&missing)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 || len(app.Server.Registry.Levels()) == 0 {
		t.Errorf("the demo admin lacks %v (declared: %v)", missing, app.Server.Registry.Levels())
	}

	// A level declared after seeding (here: one taken away) is granted
	// when `make run` starts again.
	if _, err := tx.Exec(ctx, `DELETE FROM role_access_levels WHERE role = $1 AND access_level = 'texts_admin'`, auth.DemoAdminRole); err != nil {
		t.Fatal(err)
	}
	if err := auth.GrantDemoAdmin(ctx, tx); err != nil {
		t.Fatal(err)
	}
	granted := func() bool {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_access_levels WHERE role = $1 AND access_level = 'texts_admin')`,
			auth.DemoAdminRole).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !granted() {
		t.Error("the demo admin did not get texts_admin back")
	}

	// With a real password it is no demo admin: its levels stay as set.
	if _, err := tx.Exec(ctx, `DELETE FROM role_access_levels WHERE role = $1 AND access_level = 'texts_admin'`, auth.DemoAdminRole); err != nil {
		t.Fatal(err)
	}
	real, err := auth.HashPassword("ein echtes Passwort")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE username = $1`, auth.DemoAdminUsername, real); err != nil {
		t.Fatal(err)
	}
	if err := auth.GrantDemoAdmin(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if granted() {
		t.Error("an admin with a real password got a level granted")
	}
}
