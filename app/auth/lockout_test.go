package auth_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// lockAccount fails eight logins on the account from fresh clients, which
// makes its next attempt wait.
func lockAccount(t *testing.T, app *apptest.App, userOrEmail string) {
	t.Helper()
	for i := range 8 {
		if resp := login(t, app, app.Client(), userOrEmail, "falsch-"+string(rune('a'+i))); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d = %d, want 422", i+1, resp.StatusCode)
		}
	}
	if resp := login(t, app, app.Client(), userOrEmail, "falsch-z"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("attempt after 8 failures = %d, want 429", resp.StatusCode)
	}
}

// knownDevice is a client that logged in as u once, so it holds u's device
// cookie.
func knownDevice(t *testing.T, app *apptest.App, u apptest.TestUser, password string, headers ...string) *http.Client {
	t.Helper()
	c := app.Client()
	if resp := login(t, app, c, u.Username, password, headers...); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first login of the device = %d, want 303", resp.StatusCode)
	}
	if deviceCookie(app, c) == "" {
		t.Fatal("a successful login set no device cookie")
	}
	return c
}

func deviceCookie(app *apptest.App, c *http.Client) string {
	u, _ := url.Parse(app.URL + "/login/")
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "memberdb_device" {
			return ck.Value
		}
	}
	return ""
}

// The user name and the mail address of one account share its count.
func TestLoginFailuresCountPerAccountWhateverNameWasTyped(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	names := []string{u.Username, u.Email, strings.ToUpper(u.Email), " " + strings.ToUpper(u.Username)}
	for i := range 8 {
		name := names[i%len(names)]
		if resp := login(t, app, app.Client(), name, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d (as %q) = %d, want 422", i+1, name, resp.StatusCode)
		}
	}
	for _, name := range []string{u.Username, u.Email} {
		if resp := login(t, app, app.Client(), name, "richtig-geheim"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("login as %q after 8 failures under either name = %d, want 429", name, resp.StatusCode)
		}
	}
}

// A locked account is no door shut for a quarter hour: its owner gets in
// after a wait of a second, which doubles with each further failure.
func TestLockedAccountWaitsAShortGrowingDelay(t *testing.T) {
	app := apptest.Start(t)
	clock := stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	lockAccount(t, app, u.Username)

	steps := []struct {
		wait      time.Duration
		wantRetry string
	}{{time.Second, "1"}, {2 * time.Second, "2"}, {4 * time.Second, "4"}}
	for _, st := range steps {
		resp := login(t, app, app.Client(), u.Username, "richtig-geheim")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != st.wantRetry {
			t.Fatalf("locked login = %d with Retry-After %q, want 429 with %s", resp.StatusCode, resp.Header.Get("Retry-After"), st.wantRetry)
		}
		clock.advance(st.wait)
		if resp := login(t, app, app.Client(), u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a guess after waiting %v = %d, want 422 (judged)", st.wait, resp.StatusCode)
		}
	}
	clock.advance(8 * time.Second)
	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right password after waiting the delay = %d, want 303", resp.StatusCode)
	}
	// The delay stops growing at five minutes.
	for range 10 {
		clock.advance(5 * time.Minute)
		login(t, app, app.Client(), u.Username, "falsch-geheim")
	}
	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.Header.Get("Retry-After") != "300" {
		t.Errorf("Retry-After after many failures = %q, want 300", resp.Header.Get("Retry-After"))
	}
	// An hour without failures forgets them.
	clock.advance(time.Hour)
	for i := range 8 {
		if resp := login(t, app, app.Client(), u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d after a quiet hour = %d, want 422", i+1, resp.StatusCode)
		}
	}
}

// A browser that logged in before gets into its account while someone
// else's guessing keeps it locked (OWASP's device cookies).
func TestKnownDeviceLogsInToALockedAccount(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	device := knownDevice(t, app, u, "richtig-geheim")
	lockAccount(t, app, u.Username)

	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password from an unknown client = %d, want 429", resp.StatusCode)
	}
	if resp := login(t, app, device, u.Email, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the right password from the known device = %d, want 303", resp.StatusCode)
	}
	if got := loggedInAs(t, app, device); got != "Test "+u.Username {
		t.Errorf("the known device is logged in as %q", got)
	}
	// A wrong password from the known device is judged, not refused.
	if resp := login(t, app, device, u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a wrong password from the known device = %d, want 422", resp.StatusCode)
	}
}

// A known device's failures count against that device only: the account
// stays open to everyone else, and the device, once it failed eight times,
// is counted like any client.
func TestKnownDeviceFailuresCountAgainstTheDeviceOnly(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	device := knownDevice(t, app, u, "richtig-geheim")
	for i := range 8 {
		if resp := login(t, app, device, u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("device failure %d = %d, want 422", i+1, resp.StatusCode)
		}
	}
	for i := range 7 {
		if resp := login(t, app, app.Client(), u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d of another client after the device's = %d, want 422 (the account was not counted)", i+1, resp.StatusCode)
		}
	}
	// The device's own allowance is used up, so its next failure is the
	// account's eighth, and then the account waits for it too.
	if resp := login(t, app, device, u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("ninth device failure = %d, want 422 (counted against the account)", resp.StatusCode)
	}
	if resp := login(t, app, device, u.Username, "richtig-geheim"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the device after it used up its allowance = %d, want 429 like any client", resp.StatusCode)
	}
}

// The address limit (a shared NAT) does not shut out a known device.
func TestKnownDeviceGetsPastTheClientLimit(t *testing.T) {
	app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
	stopClocks(app)
	const nat = "203.0.113.9"
	u := newUser(t, app, "richtig-geheim")
	device := knownDevice(t, app, u, "richtig-geheim", "X-Forwarded-For", nat)
	for i := range 30 {
		login(t, app, app.Client(), "guess"+string(rune('a'+i)), "falsch-geheim", "X-Forwarded-For", nat)
	}
	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim", "X-Forwarded-For", nat); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("an unknown client behind the NAT = %d, want 429", resp.StatusCode)
	}
	if resp := login(t, app, device, u.Username, "richtig-geheim", "X-Forwarded-For", nat); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the known device behind the NAT = %d, want 303", resp.StatusCode)
	}
}

// The cookie lets in only the user it was made for, and only as it was
// signed.
func TestDeviceCookieIsBoundToItsUserAndSigned(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	anna := newUser(t, app, "annas-geheimnis")
	bert := newUser(t, app, "berts-geheimnis")
	annasDevice := knownDevice(t, app, anna, "annas-geheimnis")
	token := deviceCookie(app, annasDevice)
	lockAccount(t, app, bert.Username)
	if resp := login(t, app, annasDevice, bert.Username, "berts-geheimnis"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("Bert's locked account from Anna's device = %d, want 429", resp.StatusCode)
	}

	lockAccount(t, app, anna.Username)
	base, _ := url.Parse(app.URL + "/login/")
	parts := strings.Split(token, ".")
	forged := map[string]string{
		"Bert's id":         strings.Join(append([]string{strconv.FormatInt(bert.ID, 10)}, parts[1:]...), "."),
		"changed signature": strings.Join(parts[:3], ".") + "." + strings.Repeat("A", len(parts[3])),
		"no signature":      strings.Join(parts[:3], "."),
		"garbage":           "x",
	}
	for name, value := range forged {
		c := app.Client()
		c.Jar.SetCookies(base, []*http.Cookie{{Name: "memberdb_device", Value: value, Path: "/login/"}})
		if resp := login(t, app, c, anna.Username, "annas-geheimnis"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s: locked login with a forged cookie = %d, want 429", name, resp.StatusCode)
		}
	}
}

func TestDeviceCookieAttributes(t *testing.T) {
	for _, tt := range []struct {
		name       string
		baseURL    string
		wantSecure bool
	}{{"http", "", false}, {"https", "https://mitglieder.example.org", true}} {
		t.Run(tt.name, func(t *testing.T) {
			var opts []apptest.Option
			if tt.baseURL != "" {
				opts = append(opts, apptest.Env("BASE_URL", tt.baseURL))
			}
			app := apptest.Start(t, opts...)
			u := newUser(t, app, "richtig-geheim")
			resp := login(t, app, app.Client(), u.Username, "richtig-geheim")
			var ck *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == "memberdb_device" {
					ck = c
				}
			}
			if ck == nil {
				t.Fatalf("login set no device cookie (status %d)", resp.StatusCode)
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/login/" || ck.Secure != tt.wantSecure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v; want HttpOnly, Lax, /login/, Secure=%v",
					ck.HttpOnly, ck.SameSite, ck.Path, ck.Secure, tt.wantSecure)
			}
			if days := ck.MaxAge / 86400; days != 180 {
				t.Errorf("cookie lives %d days, want 180", days)
			}
			if strings.Contains(ck.Value, u.Username) || strings.Contains(ck.Value, u.Email) {
				t.Error("the cookie shows the user's name")
			}
		})
	}
}

// Text no one types in a login field is refused naming the field, and the
// attempt counts against the client all the same.
func TestUnreadableLoginCountsAgainstTheClient(t *testing.T) {
	app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
	stopClocks(app)
	const client = "203.0.113.10"
	bad := []struct {
		form  url.Values
		field string
	}{
		{url.Values{"user_or_email": {"anna\x00"}, "password": {"irgendwas-langes"}}, "user_or_email"},
		{url.Values{"user_or_email": {"anna\xff"}, "password": {"irgendwas-langes"}}, "user_or_email"},
		{url.Values{"user_or_email": {"anna"}, "password": {"geheim\x1b"}}, "password"},
	}
	for i := range 30 {
		b := bad[i%len(bad)]
		resp := app.PostForm(t, app.Client(), "/login/", b.form, "X-Forwarded-For", client)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "„"+b.field+"“") {
			t.Fatalf("unreadable login %d = %d, want 422 naming the field %s", i+1, resp.StatusCode, b.field)
		}
	}
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", client); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a login after 30 unreadable ones = %d, want 429", resp.StatusCode)
	}
	// Other clients are not counted for them.
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", "203.0.113.11"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another client = %d, want 422", resp.StatusCode)
	}
}
