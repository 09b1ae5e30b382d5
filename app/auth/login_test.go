package auth_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestLogin(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	disabled := newUser(t, app, "richtig-geheim")
	if _, err := app.Pool.Exec(t.Context(), `UPDATE users SET disabled_at = now() WHERE id = $1`, disabled.ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, userOrEmail, password string
		wantOK                      bool
	}{
		{"user name", u.Username, "richtig-geheim", true},
		{"user name in other case", strings.ToUpper(u.Username), "richtig-geheim", true},
		{"email", u.Email, "richtig-geheim", true},
		{"email with spaces and capitals", "  " + strings.ToUpper(u.Email) + " ", "richtig-geheim", true},
		{"wrong password", u.Username, "falsch-geheim", false},
		{"password in other case", u.Username, "RICHTIG-GEHEIM", false},
		{"unknown user", "nobody-" + u.Username, "richtig-geheim", false},
		{"disabled user", disabled.Username, "richtig-geheim", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := app.Client()
			resp := login(t, app, c, tt.userOrEmail, tt.password)
			if tt.wantOK {
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
					t.Fatalf("login = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
				}
				if got := loggedInAs(t, app, c); got != "Test "+u.Username {
					t.Errorf("after login the navigation shows %q, want %q", got, "Test "+u.Username)
				}
				return
			}
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="login-failed"`) {
				t.Fatalf("login = %d, want 422 with the failure message", resp.StatusCode)
			}
			if !strings.Contains(resp.Body, "Benutzername, E-Mail-Adresse oder Passwort stimmen nicht.") {
				t.Error("the failure is not explained in German")
			}
			if got := loggedInAs(t, app, c); got != "" {
				t.Errorf("a failed login left %q logged in", got)
			}
		})
	}
}

func TestLoginNeedsBothFields(t *testing.T) {
	app := apptest.Start(t)
	resp := login(t, app, app.Client(), "", "", "Accept-Language", "en")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty login = %d, want 422", resp.StatusCode)
	}
	for _, id := range []string{`data-testid="user_or_email-error"`, `data-testid="password-error"`} {
		if !strings.Contains(resp.Body, id) {
			t.Errorf("no message %s next to the field", id)
		}
	}
	if !strings.Contains(resp.Body, "Please fill this in.") {
		t.Error("the message is not in the requested English")
	}
}

func TestLoginFailsTheSameForUnknownAndKnownAccounts(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	known := login(t, app, app.Client(), u.Username, "falsch-geheim")
	unknown := login(t, app, app.Client(), u.Username+"x", "falsch-geheim")
	// The pages differ only in the echoed name.
	if known.StatusCode != unknown.StatusCode ||
		strings.ReplaceAll(known.Body, u.Username, "N") != strings.ReplaceAll(unknown.Body, u.Username+"x", "N") {
		t.Fatal("a wrong password and an unknown user get different answers")
	}
	// Both verify a hash, so they take about as long (generously bounded:
	// a missing dummy hash would make the unknown one ~100 times faster).
	timeOf := func(name string) time.Duration {
		start := time.Now()
		login(t, app, app.Client(), name, "falsch-geheim")
		return time.Since(start)
	}
	timeOf(u.Username + "y") // the dummy hash is made once, on first use
	k, n := timeOf(u.Username), timeOf(u.Username+"z")
	if n < k/4 {
		t.Errorf("an unknown user is answered in %v, a known one in %v: the timing tells them apart", n, k)
	}
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/events/3?tab=x", "/events/3?tab=x"},
		{"/admin/", "/admin/"},
		{"//evil.example/", "/"},
		{`/\evil.example/`, "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/ok\r\nSet-Cookie: x=y", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			form := url.Values{"user_or_email": {u.Username}, "password": {"richtig-geheim"}, "next": {tt.next}}
			resp := app.PostForm(t, app.Client(), "/login/", form)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tt.want {
				t.Errorf("login with next=%q = %d to %q, want 303 to %q", tt.next, resp.StatusCode, resp.Header.Get("Location"), tt.want)
			}
		})
	}
	// The form keeps a local next and drops a hostile one.
	if page := app.Get(t, app.Client(), "/login/?next="+url.QueryEscape("/admin/")); !strings.Contains(page.Body, `name="next" value="/admin/"`) {
		t.Error("the login form lost a local next")
	}
	if page := app.Get(t, app.Client(), "/login/?next="+url.QueryEscape("//evil.example")); strings.Contains(page.Body, `name="next"`) {
		t.Error("the login form carries a hostile next")
	}
}

func TestLoginRenewsTheSessionToken(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	// Someone else logs out on this browser: the logout message starts an
	// anonymous session.
	c, _ := app.ClientWith(t)
	app.PostForm(t, c, "/logout/", nil)
	before := sessionCookie(app, c)
	if before == "" {
		t.Fatal("no anonymous session to begin with")
	}
	if resp := login(t, app, c, u.Username, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}
	after := sessionCookie(app, c)
	if after == "" || after == before {
		t.Fatal("the session token did not change at login")
	}
	// Someone who knew the old token (fixation) is not logged in with it.
	if got := loggedInAs(t, app, clientWithCookie(app, before)); got != "" {
		t.Errorf("the token from before login is logged in as %q", got)
	}
	if got := loggedInAs(t, app, c); got == "" {
		t.Error("the new token is not logged in")
	}
}

func TestLogout(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	c := app.Client()
	login(t, app, c, u.Username, "richtig-geheim")
	token := sessionCookie(app, c)

	// A GET (a link, an image, a prefetch) logs nobody out.
	if resp := app.Get(t, c, "/logout/"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout/ = %d, want 405", resp.StatusCode)
	}
	if loggedInAs(t, app, c) == "" {
		t.Fatal("GET /logout/ logged the user out")
	}
	// Another site cannot log the user out either.
	if resp := app.PostForm(t, c, "/logout/", nil, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /logout/ = %d, want 403", resp.StatusCode)
	}
	if loggedInAs(t, app, c) == "" {
		t.Fatal("a cross-site POST logged the user out")
	}

	resp := app.PostForm(t, c, "/logout/", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("POST /logout/ = %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := app.Get(t, c, "/")
	if strings.Contains(page.Body, `data-testid="nav-user"`) || !strings.Contains(page.Body, "Du bist abgemeldet.") {
		t.Error("after logout the page does not show an anonymous visitor with the logout message")
	}
	if got := loggedInAs(t, app, clientWithCookie(app, token)); got != "" {
		t.Errorf("the destroyed session token still logs in as %q", got)
	}
}

func TestOldPasswordHashIsReplacedAtLogin(t *testing.T) {
	app := apptest.Start(t)
	u := app.NewUser(t)
	// A user imported from the old system, password "secret".
	setHash(t, app, u, "pbkdf2:sha256:1000$abc$7b30303d6ff0baca5253cdd9e1a5362cfe7e75efd1a8add116bade65b245a843")
	if resp := login(t, app, app.Client(), u.Username, "secret"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the old hash = %d, want 303", resp.StatusCode)
	}
	var hash string
	if err := app.Pool.QueryRow(t.Context(), `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("hash after login = %q, want argon2id", hash)
	}
	if resp := login(t, app, app.Client(), u.Username, "secret"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new hash = %d, want 303", resp.StatusCode)
	}
}

func TestLoginRateLimit(t *testing.T) {
	app := apptest.Start(t)
	clock := stopClocks(app)
	u := newUser(t, app, "richtig-geheim")

	// Failures count per account, known or not: eight are allowed.
	for _, name := range []string{u.Username, "nobody-at-all"} {
		for i := range 8 {
			if resp := login(t, app, app.Client(), name, "falsch-"+string(rune('a'+i))); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: failure %d = %d, want 422", name, i+1, resp.StatusCode)
			}
		}
	}
	knownResp := login(t, app, app.Client(), u.Username, "richtig-geheim")
	unknownResp := login(t, app, app.Client(), "nobody-at-all", "richtig-geheim")
	for _, resp := range []apptest.Response{knownResp, unknownResp} {
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("login after 8 failures = %d, want 429 (even with the right password)", resp.StatusCode)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After = %q, want 1 (the first delay)", ra)
		}
	}
	if knownResp.Body != unknownResp.Body {
		t.Error("the 429 page differs between a known and an unknown account")
	}
	// Another account from the same client is still fine.
	other := newUser(t, app, "anderes-geheim")
	if resp := login(t, app, app.Client(), other.Username, "anderes-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another account = %d, want 303", resp.StatusCode)
	}

	clock.advance(time.Second)
	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login after the delay = %d, want 303", resp.StatusCode)
	}
}

func TestLoginRateLimitPerClient(t *testing.T) {
	app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
	stopClocks(app)
	// Thirty failures from one client (spread over accounts) are allowed.
	for i := range 30 {
		resp := login(t, app, app.Client(), "guess"+string(rune('a'+i)), "falsch-geheim", "X-Forwarded-For", "203.0.113.7")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d = %d, want 422", i+1, resp.StatusCode)
		}
	}
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", "203.0.113.7"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("31st failure from one client = %d, want 429", resp.StatusCode)
	}
	// The proxy is trusted, so another client behind it is counted apart.
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", "203.0.113.8"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another client = %d, want 422", resp.StatusCode)
	}
}

func TestAdminLinkOnlyForUsersWithAnAccessLevel(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name      string
		levels    []string
		wantAdmin bool
	}{
		{"no level", nil, false},
		{"some level", []string{"get_persons"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := app.ClientWith(t, tt.levels...)
			page := app.Get(t, c, "/")
			if got := strings.Contains(page.Body, `data-testid="nav-admin"`); got != tt.wantAdmin {
				t.Errorf("admin link shown = %v, want %v", got, tt.wantAdmin)
			}
		})
	}
	if page := app.Get(t, app.Client(), "/"); strings.Contains(page.Body, `data-testid="nav-admin"`) {
		t.Error("an anonymous visitor sees the admin link")
	}
}

// The name fields of the login and the reset say how long an account's
// name or address can be, as the membership forms do.
func TestAccountFormsLimitTheName(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/login/", "/password_reset/"} {
		page := app.Get(t, app.Client(), path)
		if !regexp.MustCompile(`<input[^>]*name="user_or_email"[^>]*maxlength="254"`).MatchString(page.Body) {
			t.Errorf("%s: the name field has no maxlength of 254", path)
		}
	}
}

// An account named after another's address does not take that address
// over: typed, the address logs in whoever's person has it.
func TestAddressLogsInItsOwnAccount(t *testing.T) {
	app := apptest.Start(t)
	staff := newUser(t, app, "richtig-geheim")
	other := newUser(t, app, "anderes-geheim")
	if _, err := app.Pool.Exec(t.Context(), `UPDATE users SET username = $2 WHERE id = $1`, other.ID, staff.Email); err != nil {
		t.Fatal(err)
	}
	c := app.Client()
	if resp := login(t, app, c, staff.Email, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login by address = %d, want 303", resp.StatusCode)
	}
	if got := loggedInAs(t, app, c); got != "Test "+staff.Username {
		t.Errorf("logged in as %q, want the address's own account", got)
	}
}
