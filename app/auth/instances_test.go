package auth_test

import (
	"crypto/rand"
	"net/http"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Two instances of one deployment count failed logins together: spread
// over both, the account waits after the same eight failures as with one,
// and a restart (a new instance) forgets nothing.
func TestLoginFailuresCountAcrossInstances(t *testing.T) {
	scope := rand.Text()
	a := apptest.Start(t, apptest.SharedLimits(scope))
	b := apptest.Start(t, apptest.SharedLimits(scope))
	u := newUser(t, a, "richtig-geheim")
	for i := range 8 {
		app := []*apptest.App{a, b}[i%2]
		if resp := login(t, app, app.Client(), u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d = %d, want 422", i+1, resp.StatusCode)
		}
	}
	for name, app := range map[string]*apptest.App{"a": a, "b": b, "restarted": apptest.Start(t, apptest.SharedLimits(scope))} {
		if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("login through instance %s after 8 failures over two instances = %d, want 429", name, resp.StatusCode)
		}
	}
}
