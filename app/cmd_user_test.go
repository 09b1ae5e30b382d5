package main

import (
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestRoleAndUserCommands(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := t.Context()
	// access-levels writes and lists what the code declares.
	code, out, errOut := runCLI(t, "", "access-levels")
	if code != 0 || !strings.HasPrefix(out, "ACCESS LEVEL") {
		t.Fatalf("access-levels = %d\n%s%s", code, out, errOut)
	}
	var declared []string
	if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM access_levels WHERE in_use`).Scan(&declared); err != nil {
		t.Fatal(err)
	}
	if len(declared) == 0 {
		t.Fatal("the code declares no access level to work with")
	}
	for _, l := range declared {
		if !strings.Contains(out, l) {
			t.Errorf("access-levels does not list %s", l)
		}
	}
	level := declared[0]

	steps := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantOut  string // in stdout (code 0) or stderr
	}{
		{"create empty role", "", []string{"role", "create", "cli_helpers"}, 0, "created role cli_helpers"},
		{"create role with all access", "", []string{"role", "create", "cli_admins", "--all-access"}, 0, "created role cli_admins"},
		{"create role twice", "", []string{"role", "create", "cli_helpers"}, 1, "exists already"},
		{"create role with unknown level", "", []string{"role", "create", "cli_bad", "no_such_level"}, 1, "unknown access level: no_such_level"},
		{"all access and levels", "", []string{"role", "create", "cli_bad", "--all-access", level}, 2, "not both"},
		{"grant", "", []string{"role", "grant", "cli_helpers", level}, 0, "granted cli_helpers: " + level},
		{"grant to unknown role", "", []string{"role", "grant", "cli_nobody", level}, 1, "unknown role: cli_nobody"},
		{"grant unknown level", "", []string{"role", "grant", "cli_helpers", "no_such_level"}, 1, "unknown access level: no_such_level"},
		{"grant without level", "", []string{"role", "grant", "cli_helpers"}, 2, "at least one access level"},
		{"create user", "ein-langes-passwort\n", []string{"user", "create", "--username", "cli_max", "--email", "cli.max@example.org",
			"--name", "Max Muster", "--role", "cli_helpers", "--role", "cli_admins", "--password-stdin"}, 0, "created user cli_max"},
		{"create user twice", "ein-langes-passwort\n", []string{"user", "create", "--username", "CLI_MAX", "--email", "cli.max@example.org",
			"--name", "Max Muster", "--password-stdin"}, 1, "exists already"},
		{"create user with unknown role", "ein-langes-passwort\n", []string{"user", "create", "--username", "cli_eva", "--email", "cli.eva@example.org",
			"--name", "Eva", "--role", "cli_nobody", "--password-stdin"}, 1, "unknown role: cli_nobody"},
		{"create user with short password", "kurz\n", []string{"user", "create", "--username", "cli_eva", "--email", "cli.eva@example.org",
			"--name", "Eva", "--password-stdin"}, 1, "at least 10 characters"},
		{"create user with bad email", "ein-langes-passwort\n", []string{"user", "create", "--username", "cli_eva", "--email", "eva",
			"--name", "Eva", "--password-stdin"}, 1, "not a mail address"},
		{"create user without name", "ein-langes-passwort\n", []string{"user", "create", "--username", "cli_eva", "--email", "cli.eva@example.org",
			"--password-stdin"}, 2, "needs --username, --email and --name"},
		{"create user without password", "", []string{"user", "create", "--username", "cli_eva", "--email", "cli.eva@example.org",
			"--name", "Eva", "--password-stdin"}, 2, "no password"},
		{"passwd", "noch:ein:passwort\n", []string{"user", "passwd", "cli_max"}, 0, "password of cli_max changed"},
		{"passwd of unknown user", "noch-ein-passwort\n", []string{"user", "passwd", "cli_nobody"}, 1, "unknown user: cli_nobody"},
		{"passwd without user", "noch-ein-passwort\n", []string{"user", "passwd"}, 2, "exactly one user name"},
		{"revoke", "", []string{"role", "revoke", "cli_admins", level}, 0, "revoked cli_admins: " + level},
		{"revoke from unknown role", "", []string{"role", "revoke", "cli_nobody", level}, 1, "unknown role"},
		{"unknown subcommand", "", []string{"user", "delete", "x"}, 2, "unknown user command"},
		{"role without arguments", "", []string{"role"}, 2, "role create"},
		{"flag in place of the role", "", []string{"role", "create", "--all-access"}, 2, "the role name comes first"},
		{"flag before the role", "", []string{"role", "create", "--all-access", "cli_flagged"}, 2, "the role name comes first"},
	}
	for _, st := range steps {
		code, out, errOut := runCLI(t, st.stdin, st.args...)
		got := out
		if st.wantCode != 0 {
			got = errOut
		}
		if code != st.wantCode || !strings.Contains(got, st.wantOut) {
			t.Errorf("%s: memberdb %v = %d\nstdout: %s\nstderr: %s\nwant %d and %q", st.name, st.args, code, out, errOut, st.wantCode, st.wantOut)
		}
	}

	var flagRoles int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM roles WHERE name LIKE '-%'`).Scan(&flagRoles); err != nil || flagRoles != 0 {
		t.Errorf("%d roles named like a flag (%v)", flagRoles, err)
	}

	// What the commands stored.
	var hash string
	var epoch int
	var roles []string
	err := pool.QueryRow(ctx, `SELECT u.password_hash, u.session_epoch, array_agg(ur.role ORDER BY ur.role)
		FROM users u JOIN user_roles ur ON ur.user_id = u.id WHERE u.username = 'cli_max' GROUP BY u.id`).Scan(&hash, &epoch, &roles)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := auth.VerifyPassword(hash, "noch:ein:passwort"); !ok || epoch != 1 {
		t.Errorf("after passwd: password matches %v, session epoch %d; want true, 1", ok, epoch)
	}
	if strings.Join(roles, ",") != "cli_admins,cli_helpers" {
		t.Errorf("roles of cli_max = %v", roles)
	}
	var adminLevels, helperLevels []string
	if err := pool.QueryRow(ctx, `SELECT coalesce(array_agg(access_level ORDER BY access_level) FILTER (WHERE role = 'cli_admins'), '{}'),
		coalesce(array_agg(access_level ORDER BY access_level) FILTER (WHERE role = 'cli_helpers'), '{}')
		FROM role_access_levels`).Scan(&adminLevels, &helperLevels); err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(declared[1:], ","); strings.Join(adminLevels, ",") != want {
		t.Errorf("cli_admins holds %v, want every declared level but the revoked %s", adminLevels, level)
	}
	if strings.Join(helperLevels, ",") != level {
		t.Errorf("cli_helpers holds %v, want [%s]", helperLevels, level)
	}
	var entries int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor = $1`, auth.ActorCommandLine).Scan(&entries); err != nil || entries == 0 {
		t.Errorf("no audit entries for the command line changes (%v)", err)
	}

	code, out, _ = runCLI(t, "", "user", "list")
	if code != 0 || !strings.Contains(out, "cli_max") || !strings.Contains(out, "Max Muster") ||
		!strings.Contains(out, "cli.max@example.org") || !strings.Contains(out, "cli_admins,cli_helpers") {
		t.Errorf("user list = %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "access-levels")
	if code != 0 || !strings.Contains(out, level) || !strings.Contains(out, "cli_helpers") {
		t.Errorf("access-levels after grants = %d:\n%s", code, out)
	}
}

// An existing person (say, a member) becomes a user without a second person.
func TestUserCreateReusesThePerson(t *testing.T) {
	pool := dbtest.Pool(t)
	var personID int64
	if err := pool.QueryRow(t.Context(), `INSERT INTO persons (name, email) VALUES ('Erika Mitglied', 'cli.erika@example.org') RETURNING id`).Scan(&personID); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "ein-langes-passwort\n", "user", "create", "--username", "cli_erika",
		"--email", "CLI.Erika@example.org", "--name", "Erika", "--password-stdin")
	if code != 0 {
		t.Fatalf("user create = %d\n%s%s", code, out, errOut)
	}
	var got int64
	if err := pool.QueryRow(t.Context(), `SELECT person_id FROM users WHERE username = 'cli_erika'`).Scan(&got); err != nil || got != personID {
		t.Fatalf("the user belongs to person %d (%v), want the existing %d", got, err, personID)
	}
}
