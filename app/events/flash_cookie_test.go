package events_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
)

// A visitor without a session who confirms through the link sees the
// answer on the next page, carried in a signed cookie: no session row is
// written for it (a commit per confirmation), and a cookie not signed by
// memberdb shows nothing.
func TestConfirmFlashNeedsNoSession(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(5)})
	sessions := func() int {
		var n int
		if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	email := unique("flash") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, ev.regPath(), "Flash Person", email, nil)
	link := lastLink(t, app, email)
	before := sessions()
	resp := post(t, app, c, link, "action", "confirm")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm = %d, want 303", resp.StatusCode)
	}
	if n := sessions() - before; n != 0 {
		t.Errorf("confirming made %d sessions, want none", n)
	}
	page := app.Get(t, c, link)
	if !strings.Contains(page.Body, "Deine Anmeldung ist bestätigt.") {
		t.Errorf("the page after confirming does not say so:\n%s", visibleText(page.Body))
	}
	again := app.Get(t, c, link)
	if strings.Contains(again.Body, "Deine Anmeldung ist bestätigt.") {
		t.Error("the message shows twice")
	}

	t.Run("forged cookie", func(t *testing.T) {
		forger := app.Client()
		base, _ := url.Parse(app.URL)
		forger.Jar.SetCookies(base, []*http.Cookie{{Name: web.FlashCookie, Path: "/",
			Value: "W3siS2luZCI6ImRhbmdlciIsIlRleHQiOiJHZWbDpGxzY2h0In1d.AAAA"}})
		page := app.Get(t, forger, link)
		if page.StatusCode != http.StatusOK || strings.Contains(page.Body, "Gefälscht") {
			t.Errorf("a forged flash cookie: status %d, shown: %v", page.StatusCode, strings.Contains(page.Body, "Gefälscht"))
		}
	})
	t.Run("logged-in user keeps the session's flash", func(t *testing.T) {
		email := unique("flash2") + "@example.org"
		c, _ := app.ClientWith(t)
		registerVia(t, app, c, ev.regPath(), "Flash Zwei", email, nil)
		link := lastLink(t, app, email)
		post(t, app, c, link, "action", "confirm")
		base, _ := url.Parse(app.URL)
		for _, ck := range c.Jar.Cookies(base) {
			if ck.Name == web.FlashCookie {
				t.Error("a visitor with a session got a flash cookie")
			}
		}
		if page := app.Get(t, c, link); !strings.Contains(page.Body, "Deine Anmeldung ist bestätigt.") {
			t.Error("the page after confirming does not say so")
		}
	})
}
