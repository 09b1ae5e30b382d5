package server_test

import (
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The test login helper makes a real session that LoadUser accepts.
func TestLoginAsShowsTheUserInTheNavigation(t *testing.T) {
	app := apptest.Start(t)
	c, u := app.ClientWith(t, "get_persons")
	page := app.Get(t, c, "/")
	if !strings.Contains(page.Body, `data-testid="nav-user"`) || !strings.Contains(page.Body, "Test "+u.Username) {
		t.Fatal("a logged-in user does not see their name in the navigation")
	}
	anon := app.Get(t, app.Client(), "/")
	if strings.Contains(anon.Body, `data-testid="nav-user"`) {
		t.Fatal("an anonymous visitor sees a user name")
	}
	// Bumping the epoch (a password change) ends the session.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if page := app.Get(t, c, "/"); strings.Contains(page.Body, `data-testid="nav-user"`) {
		t.Fatal("a session from before the password change still works")
	}
}
