package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// adminRoute is one route of the console: its pattern as registered, a
// path that names existing rows, and the level it needs.
type adminRoute struct {
	method, pattern, path, level string
	form                         url.Values
}

// adminRoutes lists every route of routes.go with concrete paths.
func adminRoutes(t *testing.T, app *apptest.App) []adminRoute {
	t.Helper()
	tag := unique("routes")
	person := newPerson(t, app, "Route Person", tag+"@example.org")
	event := newEvent(t, app, "Route Event "+tag, nil)
	reg := newRegistration(t, app, event, newPerson(t, app, "Route Reg", "reg."+tag+"@example.org"), "pending")
	user := app.NewUser(t)
	role := "role_" + user.Username
	tu := scalar[int64](t, app, `INSERT INTO tu_status (name) VALUES ($1) RETURNING id`, "Route "+tag)
	mtype := scalar[int64](t, app, `INSERT INTO membership_types (key, name_de, name_en) VALUES ($1, 'Route', 'Route') RETURNING id`,
		strings.ReplaceAll(tag, "-", "_"))
	level := unique("route_level_")
	exec(t, app, `INSERT INTO access_levels (name) VALUES ($1)`, level)

	var out []adminRoute
	add := func(method, pattern, level string, ids map[string]string, form url.Values) {
		path := pattern
		for k, v := range ids {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		out = append(out, adminRoute{method: method, pattern: pattern, path: path, level: level, form: form})
	}
	table := func(name, level string, id string, field string, extra func(ids map[string]string)) {
		ids := map[string]string{"id": id, "field": field}
		base := "/admin/" + name
		add("GET", base, level, ids, nil)
		add("GET", base+"/new", level, ids, nil)
		add("POST", base+"/new", level, ids, url.Values{})
		add("GET", base+"/{id}", level, ids, nil)
		add("GET", base+"/{id}/row", level, ids, nil)
		add("GET", base+"/{id}/delete", level, ids, nil)
		add("POST", base+"/{id}/delete", level, ids, nil)
		if field != "" {
			add("POST", base+"/{id}", level, ids, url.Values{"version": {"1"}})
			add("GET", base+"/{id}/fields/{field}", level, ids, nil)
			add("POST", base+"/{id}/fields/{field}", level, ids, url.Values{"value": {"x"}, "version": {"1"}})
		}
		if extra != nil {
			extra(ids)
		}
	}
	table("persons", "person_admin", fmt.Sprint(person), "name", func(ids map[string]string) {
		add("GET", "/admin/persons/{id}/anonymise", "person_admin", ids, nil)
		add("POST", "/admin/persons/{id}/anonymise", "person_admin", ids, nil)
	})
	table("tu_status", "person_admin", fmt.Sprint(tu), "name", nil)
	table("membership-types", "person_admin", fmt.Sprint(mtype), "name_de", nil)
	table("events", "event_admin", fmt.Sprint(event), "name", func(ids map[string]string) {
		add("POST", "/admin/events/{id}/duplicate", "event_admin", ids, nil)
		add("POST", "/admin/events/preview/{field}", "event_admin", map[string]string{"field": "description"}, url.Values{"description": {"x"}})
	})
	table("registrations", "event_registration_admin", fmt.Sprint(reg), "status", nil)
	table("users", "user_admin", fmt.Sprint(user.ID), "username", func(ids map[string]string) {
		ids["role"] = url.PathEscape(role)
		add("POST", "/admin/users/{id}/roles", "user_admin", ids, url.Values{})
		add("POST", "/admin/users/{id}/roles/{role}", "user_admin", ids, url.Values{})
		add("POST", "/admin/users/{id}/password", "user_admin", ids, url.Values{"password": {"a long new password"}})
		add("POST", "/admin/users/{id}/disable", "user_admin", ids, nil)
		add("POST", "/admin/users/{id}/enable", "user_admin", ids, nil)
	})
	table("roles", "role_admin", url.PathEscape(role), "", func(ids map[string]string) {
		ids["level"] = "event_admin"
		add("POST", "/admin/roles/{id}", "role_admin", ids, url.Values{"name": {role}})
		add("POST", "/admin/roles/{id}/levels", "role_admin", ids, url.Values{})
		add("POST", "/admin/roles/{id}/levels/{level}", "role_admin", ids, url.Values{"granted": {"true"}})
	})
	table("access_levels", "access_level_admin", level, "", nil)
	add("GET", "/admin/audit", "audit_admin", nil, nil)
	return out
}

func TestEveryAdminRouteNeedsItsLevel(t *testing.T) {
	app := apptest.Start(t)
	routes := adminRoutes(t, app)
	stranger, _ := app.ClientWith(t, "get_members")
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			level, ok := app.Server.Registry.RouteLevel(rt.method, rt.pattern)
			if !ok || level != rt.level {
				t.Fatalf("registered with level %q (%v), want %q", level, ok, rt.level)
			}
			send := func(c *http.Client) apptest.Response {
				if rt.method == "GET" {
					return app.Get(t, c, rt.path)
				}
				return post(t, app, c, rt.path, rt.form)
			}
			anon := send(app.Client())
			if rt.method == "GET" {
				if anon.StatusCode != http.StatusSeeOther || !strings.HasPrefix(anon.Header.Get("Location"), "/login/") {
					t.Errorf("anonymous GET = %d to %q, want 303 to the login", anon.StatusCode, anon.Header.Get("Location"))
				}
			} else if anon.StatusCode != http.StatusUnauthorized {
				t.Errorf("anonymous POST = %d, want 401", anon.StatusCode)
			}
			if wrong := send(stranger); wrong.StatusCode != http.StatusForbidden {
				t.Errorf("without %s = %d, want 403", rt.level, wrong.StatusCode)
			}
			right, _ := app.ClientWith(t, rt.level)
			if resp := send(right); resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden ||
				resp.StatusCode >= 500 {
				t.Errorf("with %s = %d", rt.level, resp.StatusCode)
			}
		})
	}
}

// snapshot hashes every table the console writes, so a test can tell that
// a refused request changed nothing at all.
func snapshot(t *testing.T, app *apptest.App) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"persons", "events", "registrations", "users", "user_roles", "roles", "role_access_levels",
		"access_levels", "tu_status", "membership_types", "audit_log", "mail_outbox"} {
		parts = append(parts, scalar[string](t, app, fmt.Sprintf(`SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM %s t`, table)))
	}
	return strings.Join(parts, "|")
}

func TestCrossSitePostsAreRefusedAndChangeNothing(t *testing.T) {
	app := apptest.Start(t)
	routes := adminRoutes(t, app)
	c, _ := app.ClientWith(t, "person_admin", "event_admin", "event_registration_admin", "user_admin", "role_admin", "access_level_admin")
	for _, rt := range routes {
		if rt.method != "POST" {
			continue
		}
		t.Run(rt.pattern, func(t *testing.T) {
			before := snapshot(t, app)
			form := url.Values{}
			for k, v := range rt.form {
				form[k] = v
			}
			resp := post(t, app, c, rt.path, form, "Sec-Fetch-Site", "cross-site")
			wantStatus(t, resp, http.StatusForbidden)
			if after := snapshot(t, app); after != before {
				t.Fatal("a refused cross-site POST changed the database")
			}
		})
	}
}

func TestAdminIndexShowsOnlyTheUsersTables(t *testing.T) {
	app := apptest.Start(t)
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		resp := app.Get(t, app.Client(), "/admin/")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/") {
			t.Fatalf("GET /admin/ = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		// htmx is told where to go, as on every protected route.
		hx := app.Get(t, app.Client(), "/admin/", "HX-Request", "true")
		if hx.StatusCode != http.StatusUnauthorized || hx.Header.Get("HX-Redirect") != "/login/?next=%2Fadmin%2F" {
			t.Errorf("htmx GET /admin/ = %d with HX-Redirect %q, want 401 to the login", hx.StatusCode, hx.Header.Get("HX-Redirect"))
		}
	})
	t.Run("persons admins see their tables with counts", func(t *testing.T) {
		c, _ := app.ClientWith(t, "person_admin")
		resp := app.Get(t, c, "/admin/")
		wantStatus(t, resp, http.StatusOK)
		persons := scalar[int](t, app, `SELECT count(*) FROM persons`)
		wantBody(t, resp, `data-testid="table-persons"`, `data-testid="table-tu_status"`, `data-testid="table-deletion_requests"`,
			`href="/admin/deletion_requests"`, fmt.Sprintf(`data-testid="count">%d<`, persons))
		notBody(t, resp, `data-testid="table-events"`, `data-testid="table-users"`, `data-testid="table-mail"`, `data-testid="table-audit"`)
	})
	t.Run("mail admins see the outbox", func(t *testing.T) {
		c, _ := app.ClientWith(t, "mail_admin", "audit_admin")
		resp := app.Get(t, c, "/admin/")
		wantBody(t, resp, `href="/admin/mail"`, `data-testid="table-audit"`)
		notBody(t, resp, `data-testid="table-persons"`)
	})
	t.Run("the outbox's count is every mail, with those waiting and failed", func(t *testing.T) {
		if _, err := app.Pool.Exec(t.Context(), `INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status)
			VALUES ('test', ARRAY['a@example.org'], 'A', 'x', 'sent'), ('test', ARRAY['b@example.org'], 'B', 'x', 'failed')`); err != nil {
			t.Fatal(err)
		}
		total := scalar[int](t, app, `SELECT count(*) FROM mail_outbox`)
		waiting := scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE status IN ('queued', 'sending')`)
		failed := scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE status = 'failed'`)
		c, _ := app.ClientWith(t, "mail_admin")
		resp := app.Get(t, c, "/admin/")
		_, card, _ := strings.Cut(resp.Body, `data-testid="table-mail"`)
		card, _, _ = strings.Cut(card, "</a>")
		if !strings.Contains(card, fmt.Sprintf(`data-testid="count">%d<`, total)) || !strings.Contains(card, fmt.Sprintf("%d fehlgeschlagen", failed)) {
			t.Errorf("the outbox card does not count %d mails, %d failed:\n%s", total, failed, card)
		}
		if waiting > 0 && !strings.Contains(card, fmt.Sprintf("%d wartend", waiting)) {
			t.Errorf("the outbox card does not say %d wait:\n%s", waiting, card)
		}
	})
	t.Run("users without admin levels see none", func(t *testing.T) {
		c, _ := app.ClientWith(t, "get_members")
		resp := app.Get(t, c, "/admin/")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="no-tables"`)
		notBody(t, resp, `data-testid="events-hint"`)
	})
	t.Run("door staff are pointed to the events", func(t *testing.T) {
		c, _ := app.ClientWith(t, "event_checkin")
		resp := app.Get(t, c, "/admin/")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="no-tables"`, `data-testid="events-link"`, "Den Einlass")
		// Nothing they could act on: no participants, no legal pages.
		notBody(t, resp, "Teilnehmendenliste", `data-testid="legal-warning"`)
	})
}
