package apptest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/pepalumni/memberdb/app/auth"
)

// TestUser is a user made for one test.
type TestUser struct {
	ID       int64
	PersonID int64
	Username string
	Email    string
}

var userSeq atomic.Int64

// NewUser creates a user holding exactly the given access levels (through
// a role of its own). Its password is unusable; log it in with LoginAs.
func (a *App) NewUser(t testing.TB, levels ...string) TestUser {
	t.Helper()
	ctx := context.Background()
	n := userSeq.Add(1)
	u := TestUser{Username: fmt.Sprintf("user%d_%s", n, t.Name()), Email: fmt.Sprintf("user%d.%p@example.org", n, t)}
	role := "role_" + u.Username
	tx, err := a.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	err = tx.QueryRow(ctx, `INSERT INTO persons (name, email, email_valid) VALUES ($1, $2, true) RETURNING id`,
		"Test "+u.Username, u.Email).Scan(&u.PersonID)
	if err == nil {
		err = tx.QueryRow(ctx, `INSERT INTO users (username, password_hash, person_id) VALUES ($1, '!', $2) RETURNING id`,
			u.Username, u.PersonID).Scan(&u.ID)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO roles (name) VALUES ($1)`, role)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO access_levels (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, levels)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO role_access_levels (role, access_level) SELECT $1, unnest($2::text[])`, role, levels)
	}
	if err == nil {
		_, err = tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, u.ID, role)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// LoginAs returns a client whose session belongs to u, made the way a login
// makes it, without going through the login form.
func (a *App) LoginAs(t testing.TB, u TestUser) *http.Client {
	t.Helper()
	sm := a.Server.Sessions
	ctx, err := sm.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var epoch int
	if err := a.Pool.QueryRow(ctx, `SELECT session_epoch FROM users WHERE id = $1`, u.ID).Scan(&epoch); err != nil {
		t.Fatal(err)
	}
	users := &auth.Sessions{Pool: a.Pool, Sessions: sm}
	if err := users.LogIn(ctx, u.ID, epoch); err != nil {
		t.Fatal(err)
	}
	token, expiry, err := sm.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := a.Client()
	base, _ := url.Parse(a.URL)
	c.Jar.SetCookies(base, []*http.Cookie{{Name: sm.Cookie.Name, Value: token, Path: "/", Expires: expiry}})
	return c
}

// ClientWith is NewUser and LoginAs in one step.
func (a *App) ClientWith(t testing.TB, levels ...string) (*http.Client, TestUser) {
	t.Helper()
	u := a.NewUser(t, levels...)
	return a.LoginAs(t, u), u
}
