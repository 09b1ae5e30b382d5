package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A walker anonymised the demo admin's own person from its delete page:
// the account was disabled and the instance had no admin left. One's own
// person is refused, as /admin/users refuses one's own account, and the
// delete page offers no button to do it.
func TestOwnPersonIsNotAnonymised(t *testing.T) {
	app := apptest.Start(t)
	c, me := app.ClientWith(t, "person_admin")
	page := app.Get(t, c, fmt.Sprintf("/admin/persons/%d/anonymise", me.PersonID))
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Deine eigene Person kannst du hier nicht anonymisieren")
	if strings.Contains(page.Body, `data-testid="confirm"`) {
		t.Error("the page offers to anonymise one's own person")
	}
	if del := app.Get(t, c, fmt.Sprintf("/admin/persons/%d/delete", me.PersonID)); strings.Contains(del.Body, fmt.Sprintf(`href="/admin/persons/%d/anonymise"`, me.PersonID)) {
		t.Error("the delete page leads to anonymising one's own person")
	}

	post(t, app, c, fmt.Sprintf("/admin/persons/%d/anonymise", me.PersonID), nil)
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1 AND anonymised_at IS NULL`, me.PersonID); n != 1 {
		t.Fatal("the admin's own person was anonymised")
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM users WHERE id = $1 AND disabled_at IS NULL`, me.ID); n != 1 {
		t.Fatal("the admin's own account was disabled")
	}
	wantStatus(t, app.Get(t, c, "/admin/persons"), http.StatusOK)
}
