package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func granted(t *testing.T, app *apptest.App, role, level string) bool {
	t.Helper()
	return scalar[bool](t, app, `SELECT EXISTS (SELECT 1 FROM role_access_levels WHERE role = $1 AND access_level = $2)`, role, level)
}

func TestRoleMatrixTogglesGrants(t *testing.T) {
	app := apptest.Start(t)
	// Who gives a level holds it.
	c, _ := app.ClientWith(t, "role_admin", "event_admin", "get_members", "person_admin", "user_admin")
	role := unique("matrix_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	holder := app.NewUser(t)
	exec(t, app, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, holder.ID, role)

	t.Run("the matrix shows the role, its users and a checkbox per level", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/roles?q="+role, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, holder.Username, `hx-post="/admin/roles/`+role+`/levels/event_admin"`, `data-testid="sort-name"`)
		if n := len(rowOrder(resp.Body)); n != 1 {
			t.Fatalf("%d rows, want the one role", n)
		}
	})
	path := "/admin/roles/" + role + "/levels/event_admin"
	t.Run("ticking grants with a toast", func(t *testing.T) {
		resp := post(t, app, c, path, url.Values{"granted": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "checked")
		if !granted(t, app, role, "event_admin") {
			t.Fatal("not granted")
		}
		if !strings.Contains(resp.Header.Get("HX-Trigger"), "freigegeben") {
			t.Errorf("no toast: %q", resp.Header.Get("HX-Trigger"))
		}
		if r := app.Get(t, app.LoginAs(t, holder), "/admin/events"); r.StatusCode != http.StatusOK {
			t.Errorf("the role's user cannot use the granted level: %d", r.StatusCode)
		}
	})
	t.Run("unticking revokes", func(t *testing.T) {
		resp := post(t, app, c, path, url.Values{}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		notBody(t, resp, "checked")
		if granted(t, app, role, "event_admin") {
			t.Fatal("not revoked")
		}
		if n := auditEntries(t, app, "roles", role, "access_levels"); n != 2 {
			t.Errorf("%d entries, want 2", n)
		}
	})
	t.Run("filter roles by level", func(t *testing.T) {
		post(t, app, c, "/admin/roles/"+role+"/levels/get_members", url.Values{"granted": {"true"}}, htmx...)
		resp := app.Get(t, c, "/admin/roles?q="+role+"&level=get_members", htmx...)
		if n := len(rowOrder(resp.Body)); n != 1 {
			t.Fatalf("%d rows with the level", n)
		}
		resp = app.Get(t, c, "/admin/roles?q="+role+"&level=event_admin", htmx...)
		if n := len(rowOrder(resp.Body)); n != 0 {
			t.Fatalf("%d rows without the level", n)
		}
	})
	t.Run("the detail form sets all levels at once", func(t *testing.T) {
		resp := post(t, app, c, "/admin/roles/"+role+"/levels", url.Values{"level": {"person_admin", "user_admin"}})
		wantStatus(t, resp, http.StatusSeeOther)
		levels := scalar[[]string](t, app, `SELECT array_agg(access_level ORDER BY access_level) FROM role_access_levels WHERE role = $1`, role)
		if !slices.Equal(levels, []string{"person_admin", "user_admin"}) {
			t.Fatalf("levels %v", levels)
		}
	})
	t.Run("unknown role or level is 404", func(t *testing.T) {
		wantStatus(t, post(t, app, c, "/admin/roles/no_such_role/levels/event_admin", url.Values{"granted": {"true"}}, htmx...), http.StatusNotFound)
		wantStatus(t, post(t, app, c, path+"_nope", url.Values{"granted": {"true"}}, htmx...), http.StatusNotFound)
	})
}

func TestNobodyRemovesTheirOwnLastRoleAdmin(t *testing.T) {
	app := apptest.Start(t)
	c, me := app.ClientWith(t, "role_admin", "user_admin", "access_level_admin")
	mine := "role_" + me.Username
	refused := func(t *testing.T, resp apptest.Response) {
		t.Helper()
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if !granted(t, app, mine, "role_admin") || !scalar[bool](t, app,
			`SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)`, me.ID, mine) {
			t.Fatal("the change went through")
		}
	}

	t.Run("unticking role_admin in the matrix", func(t *testing.T) {
		resp := post(t, app, c, "/admin/roles/"+mine+"/levels/role_admin", url.Values{}, htmx...)
		refused(t, resp)
		wantBody(t, resp, "checked")
		if !strings.Contains(resp.Header.Get("HX-Trigger"), "role_admin") {
			t.Errorf("the toast does not explain: %q", resp.Header.Get("HX-Trigger"))
		}
	})
	t.Run("saving the role's levels without it", func(t *testing.T) {
		resp := post(t, app, c, "/admin/roles/"+mine+"/levels", url.Values{"level": {"user_admin"}})
		refused(t, resp)
		wantBody(t, resp, `data-testid="choices-error"`)
	})
	t.Run("taking the role from oneself", func(t *testing.T) {
		refused(t, post(t, app, c, fmt.Sprintf("/admin/users/%d/roles/%s", me.ID, mine), url.Values{}, htmx...))
	})
	t.Run("deleting the role", func(t *testing.T) {
		// The confirmation says so before anyone presses a button.
		ask := app.Get(t, c, "/admin/roles/"+mine+"/delete")
		wantBody(t, ask, `data-testid="blocked"`)
		if strings.Contains(ask.Body, `data-testid="confirm"`) {
			t.Error("the confirmation offers to delete the role the server refuses to delete")
		}
		resp := post(t, app, c, "/admin/roles/"+mine+"/delete", nil)
		refused(t, resp)
		wantBody(t, resp, `data-testid="blocked"`)
	})
	t.Run("deleting the access level", func(t *testing.T) {
		refused(t, post(t, app, c, "/admin/access_levels/role_admin/delete", nil))
	})
	t.Run("allowed while another role still grants role_admin", func(t *testing.T) {
		spare := unique("spare_")
		exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, spare)
		exec(t, app, `INSERT INTO role_access_levels (role, access_level) VALUES ($1, 'role_admin')`, spare)
		exec(t, app, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, me.ID, spare)
		if ask := app.Get(t, c, "/admin/roles/"+mine+"/delete"); !strings.Contains(ask.Body, `data-testid="confirm"`) {
			t.Error("with role_admin from another role, deleting this one is not offered")
		}
		resp := post(t, app, c, "/admin/roles/"+mine+"/levels/role_admin", url.Values{}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if granted(t, app, mine, "role_admin") {
			t.Fatal("not revoked")
		}
	})
	t.Run("another user's role_admin may be revoked", func(t *testing.T) {
		other := app.NewUser(t, "role_admin")
		resp := post(t, app, c, "/admin/roles/"+url.PathEscape("role_"+other.Username)+"/levels/role_admin", url.Values{}, htmx...)
		wantStatus(t, resp, http.StatusOK)
	})
}

func TestRoleCreateRenameDelete(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "role_admin")
	name := unique("Vorstand ")
	holder := app.NewUser(t)

	wantStatus(t, post(t, app, c, "/admin/roles/new", url.Values{"name": {"bad/name"}}), http.StatusUnprocessableEntity)
	resp := post(t, app, c, "/admin/roles/new", url.Values{"name": {name}})
	wantStatus(t, resp, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/roles/"+url.PathEscape(name) {
		t.Errorf("redirect to %q", loc)
	}
	wantStatus(t, post(t, app, c, "/admin/roles/new", url.Values{"name": {name}}), http.StatusUnprocessableEntity)
	exec(t, app, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, holder.ID, name)

	detail := app.Get(t, c, "/admin/roles/"+url.PathEscape(name))
	wantStatus(t, detail, http.StatusOK)
	wantBody(t, detail, holder.Username, `data-testid="choices-level"`)

	renamed := name + " neu"
	resp = post(t, app, c, "/admin/roles/"+url.PathEscape(name), url.Values{"name": {renamed}})
	wantStatus(t, resp, http.StatusSeeOther)
	if !scalar[bool](t, app, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)`, holder.ID, renamed) {
		t.Fatal("the user lost the renamed role")
	}

	confirm := app.Get(t, c, "/admin/roles/"+url.PathEscape(renamed)+"/delete")
	wantStatus(t, confirm, http.StatusOK)
	wantBody(t, confirm, "verlieren die Rolle", holder.Username)
	wantStatus(t, post(t, app, c, "/admin/roles/"+url.PathEscape(renamed)+"/delete", nil), http.StatusSeeOther)
	if scalar[int](t, app, `SELECT count(*) FROM roles WHERE name = $1`, renamed) != 0 {
		t.Fatal("role still there")
	}
}

func TestAccessLevels(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "access_level_admin")
	level := unique("old_level_")
	exec(t, app, `INSERT INTO access_levels (name, in_use) VALUES ($1, false)`, level)
	role := unique("lvlrole_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	exec(t, app, `INSERT INTO role_access_levels (role, access_level) VALUES ($1, $2)`, role, level)

	t.Run("list, search and filter", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/access_levels?q="+level+"&in_use=no", htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, role, "nicht mehr verwendet")
		if n := len(rowOrder(resp.Body)); n != 1 {
			t.Fatalf("%d rows", n)
		}
		resp = app.Get(t, c, "/admin/access_levels?q="+level+"&in_use=yes", htmx...)
		if n := len(rowOrder(resp.Body)); n != 0 {
			t.Fatalf("%d rows in use", n)
		}
		resp = app.Get(t, c, "/admin/access_levels?q=event_admin", htmx...)
		wantBody(t, resp, "event_admin")
	})
	t.Run("create", func(t *testing.T) {
		wantStatus(t, post(t, app, c, "/admin/access_levels/new", url.Values{"name": {"Not Valid"}}), http.StatusUnprocessableEntity)
		wantStatus(t, post(t, app, c, "/admin/access_levels/new", url.Values{"name": {level + "_x"}}), http.StatusSeeOther)
		if scalar[bool](t, app, `SELECT in_use FROM access_levels WHERE name = $1`, level+"_x") {
			t.Error("a level made by hand is marked in use, though no page checks it")
		}
	})
	t.Run("delete names the roles that lose it", func(t *testing.T) {
		confirm := app.Get(t, c, "/admin/access_levels/"+level+"/delete")
		wantStatus(t, confirm, http.StatusOK)
		wantBody(t, confirm, role)
		wantStatus(t, post(t, app, c, "/admin/access_levels/"+level+"/delete", nil), http.StatusSeeOther)
		if granted(t, app, role, level) {
			t.Fatal("the grant outlived its level")
		}
	})
}

func TestUniversityRelations(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("tu")
	id := scalar[int64](t, app, `INSERT INTO tu_status (name, position) VALUES ($1, 1000) RETURNING id`, "Gast "+tag)
	p := newPerson(t, app, "Guest", tag+"@example.org")
	exec(t, app, `UPDATE persons SET tu_status_id = $2 WHERE id = $1`, p, id)

	resp := app.Get(t, c, "/admin/tu_status?q="+tag, htmx...)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "Gast "+tag, fmt.Sprintf(`href="/admin/persons?tu_status=%d">1</a>`, id))

	field := fmt.Sprintf("/admin/tu_status/%d/fields/name", id)
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"Gast*in " + tag}, "version": {"1"}}, htmx...), http.StatusOK)
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"Lost " + tag}, "version": {"1"}}, htmx...), http.StatusConflict)
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"Sonstiges"}, "version": {"2"}}, htmx...), http.StatusUnprocessableEntity)
	if got := scalar[string](t, app, `SELECT name FROM tu_status WHERE id = $1`, id); got != "Gast*in "+tag {
		t.Fatalf("name %q", got)
	}

	wantStatus(t, post(t, app, c, "/admin/tu_status/new", url.Values{"name": {"Neu " + tag}, "position": {"x"}}), http.StatusUnprocessableEntity)
	wantStatus(t, post(t, app, c, "/admin/tu_status/new", url.Values{"name": {"Neu " + tag}, "position": {"5"}}), http.StatusSeeOther)

	confirm := app.Get(t, c, fmt.Sprintf("/admin/tu_status/%d/delete", id))
	wantBody(t, confirm, "1 Person verliert diese Angabe")
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/tu_status/%d/delete", id), nil), http.StatusSeeOther)
	if scalar[bool](t, app, `SELECT tu_status_id IS NOT NULL FROM persons WHERE id = $1`, p) {
		t.Fatal("the person still points at the deleted relation")
	}
}

func TestSmallTablesSort(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "role_admin", "access_level_admin", "person_admin")
	tag := unique("sort")
	for _, n := range []string{"a", "b"} {
		exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, tag+"_"+n)
		exec(t, app, `INSERT INTO access_levels (name, in_use) VALUES ($1, false)`, tag+"_"+n)
	}
	tuA := scalar[int64](t, app, `INSERT INTO tu_status (name, position) VALUES ($1, 2) RETURNING id`, tag+" a")
	tuB := scalar[int64](t, app, `INSERT INTO tu_status (name, position) VALUES ($1, 1) RETURNING id`, tag+" b")
	exec(t, app, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, app.NewUser(t).ID, tag+"_b")
	role := func(n string) string { return fmt.Sprintf("roles-%x", tag+"_"+n) }
	level := func(n string) string { return fmt.Sprintf("access_levels-%x", tag+"_"+n) }

	tests := []struct {
		name, path string
		want       []string
	}{
		{"roles by name", "/admin/roles?q=" + tag, []string{role("a"), role("b")}},
		{"roles by name, descending", "/admin/roles?q=" + tag + "&sort=name&dir=desc", []string{role("b"), role("a")}},
		{"roles by number of users", "/admin/roles?q=" + tag + "&sort=users&dir=desc", []string{role("b"), role("a")}},
		{"access levels by name, descending", "/admin/access_levels?q=" + tag + "&sort=name&dir=desc", []string{level("b"), level("a")}},
		{"university relations by their order", "/admin/tu_status?q=" + tag, []string{fmt.Sprintf("tu_status-%d", tuB), fmt.Sprintf("tu_status-%d", tuA)}},
		{"university relations by name", "/admin/tu_status?q=" + tag + "&sort=name&dir=asc", []string{fmt.Sprintf("tu_status-%d", tuA), fmt.Sprintf("tu_status-%d", tuB)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, tt.path, htmx...)
			wantStatus(t, resp, http.StatusOK)
			if got := rowOrder(resp.Body); !slices.Equal(got, tt.want) {
				t.Fatalf("rows %v, want %v", got, tt.want)
			}
		})
	}
}
