package server_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
)

// A staff member's pages no longer each write their session: the second
// page within a minute leaves the stored session as it was, and the
// session still works.
func TestPagesOfASessionWithinAMinuteWriteItOnce(t *testing.T) {
	app := apptest.Start(t)
	c, u := app.ClientWith(t, "get_persons")
	app.Get(t, c, "/admin/persons")
	u0, err := url.Parse(app.URL)
	if err != nil {
		t.Fatal(err)
	}
	var token string
	for _, ck := range c.Jar.Cookies(u0) {
		if ck.Name == "memberdb_session" {
			token = ck.Value
		}
	}
	stored := func() time.Time {
		t.Helper()
		var expiry time.Time
		if err := app.Pool.QueryRow(t.Context(), `SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&expiry); err != nil {
			t.Fatal(err)
		}
		return expiry
	}
	firstExpiry := stored()
	for range 3 {
		page := app.Get(t, c, "/admin/persons?q=test")
		if !strings.Contains(page.Body, "Test "+u.Username) {
			t.Fatal("the session stopped working")
		}
	}
	if got := stored(); !got.Equal(firstExpiry) {
		t.Fatalf("the session was written again: expiry %v, was %v", got, firstExpiry)
	}
}

// The store itself, against PostgreSQL: renewals within SessionRenewal
// wait, changed data and later renewals are written, and a deleted
// session is written again.
func TestSessionStoreWritesChangesAndLateRenewals(t *testing.T) {
	app := apptest.Start(t)
	codec := scs.GobCodec{}
	store := web.NewSessionStore(pgxstore.NewWithCleanupInterval(app.Pool, 0), codec)
	deadline := time.Now().Add(12 * time.Hour).UTC().Round(time.Second)
	encode := func(values map[string]any) []byte {
		b, err := codec.Encode(deadline, values)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	storedExpiry := func() time.Time {
		t.Helper()
		var e time.Time
		if err := app.Pool.QueryRow(t.Context(), `SELECT expiry FROM sessions WHERE token = 'tok'`).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	commit := func(values map[string]any, expiry time.Time) {
		t.Helper()
		if err := store.Commit("tok", encode(values), expiry); err != nil {
			t.Fatal(err)
		}
	}
	// Several keys, so the encodings differ in order from time to time.
	values := map[string]any{"user": int64(7), "epoch": int64(1), "lang": "de", "theme": "dark"}
	e0 := time.Now().Add(30 * time.Minute).UTC().Round(time.Millisecond)
	commit(values, e0)
	if !storedExpiry().Equal(e0) {
		t.Fatal("the first commit was not written")
	}
	for i := range 20 {
		commit(map[string]any{"lang": "de", "theme": "dark", "epoch": int64(1), "user": int64(7)}, e0.Add(time.Duration(i+1)*time.Second))
	}
	if got := storedExpiry(); !got.Equal(e0) {
		t.Fatalf("renewals within a minute were written: %v", got)
	}
	changed := map[string]any{"user": int64(7), "epoch": int64(1), "lang": "en", "theme": "dark"}
	e1 := e0.Add(30 * time.Second)
	commit(changed, e1)
	if got := storedExpiry(); !got.Equal(e1) {
		t.Fatalf("changed data was not written: %v", got)
	}
	e2 := e1.Add(web.SessionRenewal)
	commit(changed, e2)
	if got := storedExpiry(); !got.Equal(e2) {
		t.Fatalf("a renewal a minute later was not written: %v", got)
	}
	if err := store.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	commit(changed, e2)
	if got := storedExpiry(); !got.Equal(e2) {
		t.Fatalf("a session committed after its deletion was not written: %v", got)
	}

	// Another instance sets a flash; this one loads it, shows it and so
	// drops it again: back to the data it wrote itself, which must be
	// written all the same.
	other := pgxstore.NewWithCleanupInterval(app.Pool, 0)
	flash := map[string]any{"user": int64(7), "epoch": int64(1), "lang": "en", "theme": "dark", "flash": "saved"}
	if err := other.Commit("tok", encode(flash), e2); err != nil {
		t.Fatal(err)
	}
	if _, found, err := store.Find("tok"); err != nil || !found {
		t.Fatalf("find: %v %v", found, err)
	}
	e3 := e2.Add(time.Second)
	commit(changed, e3)
	if got := storedExpiry(); !got.Equal(e3) {
		t.Fatalf("dropping the flash another instance wrote was not written: %v", got)
	}
}
