package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Nobody gives, takes or takes over more access than they hold: a user
// holding user_admin alone cannot give themselves the admin's role nor
// set, disable or delete an account above theirs; a person_admin cannot
// change the address (and so the password reset) of a staff member above
// them; a role_admin cannot give a level they lack; an
// access_level_admin cannot delete one. Within their own levels they can.
func TestNobodyGivesMoreThanTheyHold(t *testing.T) {
	app := apptest.Start(t)
	top := app.NewUser(t, "audit_admin", "user_admin", "person_admin", "role_admin")
	topRole := "role_" + top.Username
	version := func(table string, id int64) string {
		return strconv.Itoa(scalar[int](t, app, `SELECT version FROM `+table+` WHERE id = $1`, id))
	}

	users, self := app.ClientWith(t, "user_admin")
	peer := app.NewUser(t, "user_admin")
	t.Run("user_admin", func(t *testing.T) {
		resp := post(t, app, users, fmt.Sprintf("/admin/users/%d/roles/%s", self.ID, topRole), url.Values{"granted": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		post(t, app, users, fmt.Sprintf("/admin/users/%d/roles", self.ID), url.Values{"role": {topRole, "role_" + self.Username}})
		if n := scalar[int](t, app, `SELECT count(*) FROM user_roles WHERE user_id = $1 AND role = $2`, self.ID, topRole); n != 0 {
			t.Error("a user_admin gave themselves a role with levels they lack")
		}
		hash := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, top.ID)
		wantStatus(t, post(t, app, users, fmt.Sprintf("/admin/users/%d/password", top.ID), url.Values{"password": {"taken-over-123456"}}),
			http.StatusUnprocessableEntity)
		if scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, top.ID) != hash {
			t.Error("a user_admin set the password of an account above theirs")
		}
		post(t, app, users, fmt.Sprintf("/admin/users/%d/disable", top.ID), nil)
		wantStatus(t, post(t, app, users, fmt.Sprintf("/admin/users/%d/delete", top.ID), nil), http.StatusUnprocessableEntity)
		wantStatus(t, post(t, app, users, fmt.Sprintf("/admin/users/%d/fields/username", top.ID),
			url.Values{"value": {"renamed"}, "version": {version("users", top.ID)}}, htmx...), http.StatusUnprocessableEntity)
		if n := scalar[int](t, app, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL AND username = $2`, top.ID, top.Username); n != 1 {
			t.Error("a user_admin disabled, renamed or deleted an account above theirs")
		}
		// Nor the roles of an account above, even roles within their own
		// levels.
		resp = post(t, app, users, fmt.Sprintf("/admin/users/%d/roles/%s", top.ID, "role_"+self.Username), url.Values{"granted": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		list := app.Get(t, users, "/admin/users?q="+top.Username, htmx...)
		notBody(t, list, fmt.Sprintf(`hx-get="/admin/users/%d/fields/username"`, top.ID), fmt.Sprintf(`href="/admin/users/%d/delete"`, top.ID))
		page := app.Get(t, users, fmt.Sprintf("/admin/users/%d", top.ID))
		wantBody(t, page, `data-testid="password-blocked"`, `data-testid="choices-note"`)
		notBody(t, page, `data-testid="set-password"`, `data-testid="disable"`)

		// Within their own levels they may.
		wantStatus(t, post(t, app, users, fmt.Sprintf("/admin/users/%d/password", peer.ID), url.Values{"password": {"a-good-new-password"}}),
			http.StatusSeeOther)
		wantStatus(t, post(t, app, users, fmt.Sprintf("/admin/users/%d/roles/%s", peer.ID, "role_"+self.Username),
			url.Values{"granted": {"true"}}, htmx...), http.StatusOK)
	})

	persons, _ := app.ClientWith(t, "person_admin")
	t.Run("person_admin", func(t *testing.T) {
		resp := post(t, app, persons, fmt.Sprintf("/admin/persons/%d/fields/email", top.PersonID),
			url.Values{"value": {"attacker@evil.example"}, "version": {version("persons", top.PersonID)}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "audit_admin, role_admin, user_admin")
		post(t, app, persons, fmt.Sprintf("/admin/persons/%d/anonymise", top.PersonID), nil)
		if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1 AND email = $2 AND anonymised_at IS NULL`, top.PersonID, top.Email); n != 1 {
			t.Error("a person_admin changed or erased the address of an account above theirs")
		}
		wantBody(t, app.Get(t, persons, fmt.Sprintf("/admin/persons/%d/anonymise", top.PersonID)), "audit_admin, role_admin, user_admin")
		detail := app.Get(t, persons, fmt.Sprintf("/admin/persons/%d", top.PersonID))
		notBody(t, detail, `data-testid="anonymise"`)
		wantBody(t, detail, "audit_admin, role_admin, user_admin")
		// A person whose account holds only person_admin is theirs to change.
		low := app.NewUser(t, "person_admin")
		wantStatus(t, post(t, app, persons, fmt.Sprintf("/admin/persons/%d/fields/email", low.PersonID),
			url.Values{"value": {"new." + low.Email}, "version": {version("persons", low.PersonID)}}, htmx...), http.StatusOK)
	})

	roles, _ := app.ClientWith(t, "role_admin")
	t.Run("role_admin", func(t *testing.T) {
		role := unique("beyond_")
		exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
		wantStatus(t, post(t, app, roles, "/admin/roles/"+role+"/levels/audit_admin", url.Values{"granted": {"true"}}, htmx...),
			http.StatusUnprocessableEntity)
		post(t, app, roles, "/admin/roles/"+role+"/levels", url.Values{"level": {"audit_admin", "role_admin"}})
		post(t, app, roles, "/admin/roles/"+topRole+"/delete", nil)
		renamed := post(t, app, roles, "/admin/roles/"+topRole, url.Values{"name": {"harmless"}})
		wantStatus(t, renamed, http.StatusUnprocessableEntity)
		wantBody(t, renamed, "Diese Rolle gibt Zugriffsrechte, die du nicht hast (audit_admin, person_admin, user_admin).")
		notBody(t, app.Get(t, roles, "/admin/roles/"+topRole), `name="name"`)
		// Nor does a level they hold leave a role above them.
		wantStatus(t, post(t, app, roles, "/admin/roles/"+topRole+"/levels/role_admin", nil, htmx...), http.StatusUnprocessableEntity)
		if !granted(t, app, topRole, "role_admin") {
			t.Error("a role_admin took role_admin from a role above them")
		}
		if n := scalar[int](t, app, `SELECT count(*) FROM roles WHERE name = $1`, topRole); n != 1 {
			t.Error("a role_admin renamed or deleted a role with levels they lack")
		}
		if !granted(t, app, role, "role_admin") || granted(t, app, role, "audit_admin") || !granted(t, app, topRole, "audit_admin") {
			t.Error("a role_admin gave or took a level they lack")
		}
		wantBody(t, app.Get(t, roles, "/admin/roles/"+role), `data-testid="choices-note"`)
	})

	levels, _ := app.ClientWith(t, "access_level_admin")
	t.Run("access_level_admin", func(t *testing.T) {
		post(t, app, levels, "/admin/access_levels/audit_admin/delete", nil)
		if n := scalar[int](t, app, `SELECT count(*) FROM role_access_levels WHERE access_level = 'audit_admin'`); n == 0 {
			t.Error("an access_level_admin deleted a level they lack")
		}
	})
}

// The persons list offers no address editor and no delete for a person
// whose account holds levels the editor lacks (both would be refused): the
// address is shown muted with the reason, the editor's route finds nothing, and
// the row as it comes back after another cell's save stays so. Other
// persons' addresses stay editable.
func TestPersonsListShowsAddressesAboveTheEditorReadOnly(t *testing.T) {
	app := apptest.Start(t)
	top := app.NewUser(t, "audit_admin", "person_admin")
	low := app.NewUser(t, "person_admin")
	c, _ := app.ClientWith(t, "person_admin")
	email := func(id int64) string { return fmt.Sprintf(`hx-get="/admin/persons/%d/fields/email"`, id) }

	list := app.Get(t, c, "/admin/persons?q="+top.Email)
	wantStatus(t, list, http.StatusOK)
	notBody(t, list, email(top.PersonID), fmt.Sprintf(`href="/admin/persons/%d/delete"`, top.PersonID))
	wantBody(t, list, `data-testid="read-only"`, "(audit_admin)", fmt.Sprintf(`hx-get="/admin/persons/%d/fields/name"`, top.PersonID),
		"Grau gezeigte E-Mail-Adressen")
	wantStatus(t, app.Get(t, c, fmt.Sprintf("/admin/persons/%d/fields/email", top.PersonID), htmx...), http.StatusNotFound)

	name := openEditor(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/name", top.PersonID))
	name.Set("value", "Top Renamed")
	resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/name", top.PersonID), name, htmx...)
	wantStatus(t, resp, http.StatusOK)
	notBody(t, resp, email(top.PersonID))
	wantBody(t, resp, `data-testid="read-only"`)

	list = app.Get(t, c, "/admin/persons?q="+low.Email)
	wantBody(t, list, email(low.PersonID), fmt.Sprintf(`href="/admin/persons/%d/delete"`, low.PersonID))
	notBody(t, list, `data-testid="read-only"`, "Grau gezeigte E-Mail-Adressen")
}
