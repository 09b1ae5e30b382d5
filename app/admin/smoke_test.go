package admin_test

import (
	"net/http"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Every list, create form and the index render as full pages for a user
// holding all the console's levels.
func TestEveryAdminPageRenders(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin", "event_admin", "event_registration_admin", "user_admin", "role_admin", "access_level_admin", "audit_admin")
	for _, p := range []string{"/admin/", "/admin/persons", "/admin/persons/new", "/admin/events", "/admin/events/new", "/admin/registrations", "/admin/registrations/new",
		"/admin/users", "/admin/users/new", "/admin/roles", "/admin/roles/new", "/admin/access_levels", "/admin/tu_status", "/admin/audit"} {
		resp := app.Get(t, c, p)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d\n%s", p, resp.StatusCode, resp.Body[:min(len(resp.Body), 2000)])
		}
		// A list's search box once shrank to a few letters beside wide filters.
		if p == "/admin/persons" {
			wantBody(t, resp, `style="min-width: 16rem"`)
		}
	}
}
