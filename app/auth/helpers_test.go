package auth_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
)

// newUser creates a user with password and the given access levels.
func newUser(t *testing.T, app *apptest.App, password string, levels ...string) apptest.TestUser {
	t.Helper()
	u := app.NewUser(t, levels...)
	setHash(t, app, u, mustHash(t, password))
	return u
}

func mustHash(t *testing.T, password string) string {
	t.Helper()
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func setHash(t *testing.T, app *apptest.App, u apptest.TestUser, hash string) {
	t.Helper()
	if _, err := app.Pool.Exec(t.Context(), `UPDATE users SET password_hash = $2 WHERE id = $1`, u.ID, hash); err != nil {
		t.Fatal(err)
	}
}

func login(t *testing.T, app *apptest.App, c *http.Client, userOrEmail, password string, headers ...string) apptest.Response {
	t.Helper()
	return app.PostForm(t, c, "/login/", url.Values{"user_or_email": {userOrEmail}, "password": {password}}, headers...)
}

// loggedInAs reports the name the navigation shows, "" for anonymous.
func loggedInAs(t *testing.T, app *apptest.App, c *http.Client) string {
	t.Helper()
	page := app.Get(t, c, "/")
	_, rest, ok := strings.Cut(page.Body, `data-testid="nav-user">`)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "<")
	return name
}

func sessionCookie(app *apptest.App, c *http.Client) string {
	base, _ := url.Parse(app.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == app.Server.Sessions.Cookie.Name {
			return ck.Value
		}
	}
	return ""
}

// clientWithCookie is a fresh client holding only the session cookie value.
func clientWithCookie(app *apptest.App, value string) *http.Client {
	c := app.Client()
	base, _ := url.Parse(app.URL)
	c.Jar.SetCookies(base, []*http.Cookie{{Name: app.Server.Sessions.Cookie.Name, Value: value, Path: "/"}})
	return c
}

// fakeClock drives the rate limiters so tests need not wait a window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// stopClocks puts every limiter of app on one fake clock.
func stopClocks(app *apptest.App) *fakeClock {
	c := &fakeClock{t: time.Now()}
	l := app.Server.Users.Limits
	for _, lim := range []interface{ SetClock(func() time.Time) }{l.LoginByClient, l.LoginByAccount, l.LoginByDevice, l.ResetByClient, l.ResetByAccount} {
		lim.SetClock(c.now)
	}
	return c
}
