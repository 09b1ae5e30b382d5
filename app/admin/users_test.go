package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
)

func userRowID(id int64) string { return "users-" + strconv.FormatInt(id, 10) }

func TestUsersListAndInlineEdit(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "user_admin")
	tag := unique("ul")
	a := app.NewUser(t)
	b := app.NewUser(t)
	exec(t, app, `UPDATE users SET username = $2 WHERE id = $1`, a.ID, "alpha_"+tag)
	exec(t, app, `UPDATE users SET username = $2, disabled_at = now() WHERE id = $1`, b.ID, "beta_"+tag)

	tests := []struct {
		name, query string
		want        []int64
	}{
		{"search by user name, sorted by name", "q=" + tag, []int64{a.ID, b.ID}},
		{"descending", "q=" + tag + "&sort=username&dir=desc", []int64{b.ID, a.ID}},
		{"only active", "q=" + tag + "&state=active", []int64{a.ID}},
		{"only disabled", "q=" + tag + "&state=disabled", []int64{b.ID}},
		{"by role", "q=" + tag + "&role=role_" + b.Username, []int64{b.ID}},
		{"by the person's email", "q=" + url.QueryEscape(a.Email), []int64{a.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, "/admin/users?"+tt.query, htmx...)
			wantStatus(t, resp, http.StatusOK)
			var want []string
			for _, id := range tt.want {
				want = append(want, userRowID(id))
			}
			if got := rowOrder(resp.Body); !slices.Equal(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
		})
	}
	t.Run("the roles are checkboxes in the row", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/users?q=alpha_"+tag, htmx...)
		wantBody(t, resp, fmt.Sprintf(`hx-post="/admin/users/%d/roles/role_%s"`, a.ID, a.Username))
	})

	base := fmt.Sprintf("/admin/users/%d/fields/username", a.ID)
	edits := []struct {
		name, value   string
		version, code int
		stored        string
	}{
		{"renamed", "gamma_" + tag, 1, 200, "gamma_" + tag},
		{"spaces refused", "has space", 2, 422, "gamma_" + tag},
		{"a taken name is refused, whatever its case", strings.ToUpper("beta_" + tag), 2, 422, "gamma_" + tag},
		{"stale version refused", "delta_" + tag, 1, 409, "gamma_" + tag},
	}
	for _, tt := range edits {
		t.Run("username "+tt.name, func(t *testing.T) {
			resp := post(t, app, c, base, url.Values{"value": {tt.value}, "version": {strconv.Itoa(tt.version)}}, htmx...)
			wantStatus(t, resp, tt.code)
			if got := scalar[string](t, app, `SELECT username FROM users WHERE id = $1`, a.ID); got != tt.stored {
				t.Fatalf("username %q, want %q", got, tt.stored)
			}
		})
	}
}

func TestUserRolesToggledInline(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "user_admin")
	target := app.NewUser(t)
	role := unique("board_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	path := fmt.Sprintf("/admin/users/%d/roles/%s", target.ID, role)
	held := func() bool {
		return scalar[bool](t, app, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)`, target.ID, role)
	}

	resp := post(t, app, c, path, url.Values{"granted": {"true"}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "checked", `data-testid="toggle"`)
	if !held() {
		t.Fatal("role not granted")
	}
	if !strings.Contains(resp.Header.Get("HX-Trigger"), "vergeben") {
		t.Errorf("no toast: %q", resp.Header.Get("HX-Trigger"))
	}
	again := post(t, app, c, path, url.Values{"granted": {"true"}}, htmx...)
	wantStatus(t, again, http.StatusOK)

	resp = post(t, app, c, path, url.Values{}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	if held() {
		t.Fatal("role not revoked")
	}
	notBody(t, resp, "checked")
	uid := strconv.FormatInt(target.ID, 10)
	if n := auditEntries(t, app, "users", uid, "roles"); n != 2 {
		t.Errorf("%d role entries, want 2 (granted once, revoked once)", n)
	}

	t.Run("the detail page's form sets all roles at once", func(t *testing.T) {
		resp := post(t, app, c, fmt.Sprintf("/admin/users/%d/roles", target.ID), url.Values{"role": {role}})
		wantStatus(t, resp, http.StatusSeeOther)
		if !held() {
			t.Fatal("role not granted")
		}
		if scalar[bool](t, app, `SELECT EXISTS (SELECT 1 FROM user_roles WHERE user_id = $1 AND role = $2)`, target.ID, "role_"+target.Username) {
			t.Fatal("an unticked role was kept")
		}
	})
	t.Run("an unknown role is 404", func(t *testing.T) {
		resp := post(t, app, c, fmt.Sprintf("/admin/users/%d/roles/no_such_role", target.ID), url.Values{"granted": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusNotFound)
	})
}

func TestSetPasswordAndDisable(t *testing.T) {
	app := apptest.Start(t)
	c, admin := app.ClientWith(t, "user_admin")
	target := app.NewUser(t, "user_admin")
	targetClient := app.LoginAs(t, target)
	if r := app.Get(t, targetClient, "/admin/users"); r.StatusCode != http.StatusOK {
		t.Fatalf("target cannot use its session: %d", r.StatusCode)
	}
	path := fmt.Sprintf("/admin/users/%d", target.ID)

	for _, pw := range []string{"", "short", "123456789"} {
		t.Run(fmt.Sprintf("%q is refused", pw), func(t *testing.T) {
			resp := post(t, app, c, path+"/password", url.Values{"password": {pw}})
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			wantBody(t, resp, `data-testid="error-password"`, "mindestens 10 Zeichen")
			if h := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, target.ID); h != "!" {
				t.Fatal("a refused password changed the hash")
			}
		})
	}
	t.Run("a new password is hashed and ends the user's sessions", func(t *testing.T) {
		resp := post(t, app, c, path+"/password", url.Values{"password": {"correct horse battery"}})
		wantStatus(t, resp, http.StatusSeeOther)
		hash := scalar[string](t, app, `SELECT password_hash FROM users WHERE id = $1`, target.ID)
		if ok, _, err := auth.VerifyPassword(hash, "correct horse battery"); !ok || err != nil {
			t.Fatalf("stored hash does not verify: %v", err)
		}
		if strings.Contains(hash, "correct horse") {
			t.Fatal("the password is stored in clear")
		}
		if r := app.Get(t, targetClient, "/admin/users"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the old session still works: %d", r.StatusCode)
		}
		var old, new *string
		if err := app.Pool.QueryRow(t.Context(), `SELECT old_value, new_value FROM audit_log WHERE table_name = 'users' AND row_id = $1 AND field = 'password'`,
			strconv.FormatInt(target.ID, 10)).Scan(&old, &new); err != nil || old != nil || new != nil {
			t.Fatalf("password audit entry %v %v %v; want one without values", old, new, err)
		}
	})
	t.Run("disabling ends the sessions and is recorded", func(t *testing.T) {
		again := app.LoginAs(t, target)
		resp := post(t, app, c, path+"/disable", nil)
		wantStatus(t, resp, http.StatusSeeOther)
		if !scalar[bool](t, app, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, target.ID) {
			t.Fatal("not disabled")
		}
		if r := app.Get(t, again, "/admin/users"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a disabled user's session still works: %d", r.StatusCode)
		}
		if auditEntries(t, app, "users", strconv.FormatInt(target.ID, 10), "disabled_at") != 1 {
			t.Error("not audited")
		}
		page := app.Get(t, c, path)
		wantBody(t, page, `data-testid="enable"`)
	})
	t.Run("enabling again", func(t *testing.T) {
		resp := post(t, app, c, path+"/enable", nil)
		wantStatus(t, resp, http.StatusSeeOther)
		if scalar[bool](t, app, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, target.ID) {
			t.Fatal("still disabled")
		}
	})
	t.Run("nobody disables or deletes themselves", func(t *testing.T) {
		post(t, app, c, fmt.Sprintf("/admin/users/%d/disable", admin.ID), nil)
		if scalar[bool](t, app, `SELECT disabled_at IS NOT NULL FROM users WHERE id = $1`, admin.ID) {
			t.Fatal("the admin disabled themselves")
		}
		resp := post(t, app, c, fmt.Sprintf("/admin/users/%d/delete", admin.ID), nil)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if n := scalar[int](t, app, `SELECT count(*) FROM users WHERE id = $1`, admin.ID); n != 1 {
			t.Fatal("the admin deleted themselves")
		}
	})
}

func TestUserCreateAndDelete(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "user_admin")
	tag := unique("uc")
	person := newPerson(t, app, "Future User", tag+"@example.org")

	bad := []struct {
		name string
		form url.Values
		want string
	}{
		{"short password", url.Values{"username": {"u_" + tag}, "person": {tag + "@example.org"}, "password": {"abc"}}, `data-testid="error-password"`},
		{"unknown person", url.Values{"username": {"u_" + tag}, "person": {"x" + tag + "@example.org"}, "password": {"long enough password"}}, `data-testid="error-person"`},
		{"no user name", url.Values{"username": {""}, "person": {tag + "@example.org"}, "password": {"long enough password"}}, `data-testid="error-username"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, app, c, "/admin/users/new", tt.form)
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			wantBody(t, resp, tt.want)
			notBody(t, resp, "long enough password")
		})
	}
	resp := post(t, app, c, "/admin/users/new", url.Values{"username": {"u_" + tag}, "person": {tag + "@example.org"}, "password": {"long enough password"}})
	wantStatus(t, resp, http.StatusSeeOther)
	id := scalar[int64](t, app, `SELECT id FROM users WHERE username = $1`, "u_"+tag)
	if p := scalar[int64](t, app, `SELECT person_id FROM users WHERE id = $1`, id); p != person {
		t.Fatalf("user belongs to person %d, want %d", p, person)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'users' AND row_id = $1 AND (old_value LIKE '%argon%' OR new_value LIKE '%argon%')`,
		strconv.FormatInt(id, 10)); n != 0 {
		t.Fatal("the password hash is in the audit log")
	}

	confirm := app.Get(t, c, fmt.Sprintf("/admin/users/%d/delete", id))
	wantStatus(t, confirm, http.StatusOK)
	wantBody(t, confirm, "Die Person bleibt erhalten.")
	del := post(t, app, c, fmt.Sprintf("/admin/users/%d/delete", id), nil)
	wantStatus(t, del, http.StatusSeeOther)
	if n := scalar[int](t, app, `SELECT count(*) FROM users WHERE id = $1`, id); n != 0 {
		t.Fatal("user still there")
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1`, person); n != 1 {
		t.Fatal("the person went with the user")
	}
}
