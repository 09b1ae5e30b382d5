package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
)

func TestStartsMigratedOnFreshDatabase(t *testing.T) {
	app := apptest.Start(t)
	var tables int
	err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name IN ('sessions', 'persons', 'events', 'registrations', 'mail_outbox', 'tokens')`).Scan(&tables)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 6 {
		t.Fatalf("want the 6 core tables after migrating, found %d", tables)
	}
	// Migrating again is a no-op.
	n, err := db.MigrateUp(app.Pool)
	if err != nil || n != 0 {
		t.Fatalf("second migrate up: applied %d, err %v; want 0, nil", n, err)
	}
}

func TestHealthz(t *testing.T) {
	app := apptest.Start(t)
	resp := app.Get(t, app.Client(), "/healthz")
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(resp.Body) != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 ok", resp.StatusCode, resp.Body)
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("/healthz set a cookie; it must not start sessions")
	}
}

func TestHealthzReportsDatabaseDown(t *testing.T) {
	app := apptest.Start(t)
	app.ExpectErrors() // the mail worker reports the closed pool
	app.Pool.Close()
	resp := app.Get(t, app.Client(), "/healthz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET /healthz with the pool closed = %d, want 503", resp.StatusCode)
	}
}

func TestHomeInGermanAndEnglish(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name, acceptLanguage string
		wantLang, wantText   string
	}{
		{"default", "", "de", "Mitglied werden"},
		{"german", "de-DE,de;q=0.9", "de", "Veranstaltungen"},
		{"english", "en-GB,en;q=0.8", "en", "Become a member"},
		{"unsupported falls back to german", "fr-FR", "de", "Mitglied werden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, app.Client(), "/", "Accept-Language", tt.acceptLanguage)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / = %d", resp.StatusCode)
			}
			if !strings.Contains(resp.Body, `<html lang="`+tt.wantLang+`"`) {
				t.Errorf("want html lang %q", tt.wantLang)
			}
			if !strings.Contains(resp.Body, tt.wantText) {
				t.Errorf("want %q on the page", tt.wantText)
			}
		})
	}
}

func TestLanguageSwitcherIsRemembered(t *testing.T) {
	app := apptest.Start(t)
	c := app.Client()
	resp := app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}, "return": {"/events/"}}, "Accept-Language", "de")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/events/" {
		t.Fatalf("POST /lang = %d to %q, want 303 to /events/", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := app.Get(t, c, "/", "Accept-Language", "de")
	if !strings.Contains(page.Body, `<html lang="en"`) {
		t.Fatalf("after switching to English the page is not English")
	}

	hostile := app.PostForm(t, c, "/lang", url.Values{"lang": {"de"}, "return": {"//evil.example"}})
	if loc := hostile.Header.Get("Location"); loc != "/" {
		t.Errorf("return to //evil.example redirected to %q, want /", loc)
	}
	bad := app.PostForm(t, c, "/lang", url.Values{"lang": {"xx"}})
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown language: status %d, want 400", bad.StatusCode)
	}
}

func TestNotFoundAsHTMLAndJSON(t *testing.T) {
	app := apptest.Start(t)
	html := app.Get(t, app.Client(), "/no/such/page", "Accept-Language", "en")
	if html.StatusCode != http.StatusNotFound || !strings.Contains(html.Body, "Page not found") ||
		!strings.Contains(html.Body, `data-status="404"`) {
		t.Fatalf("HTML 404 = %d, body lacks the friendly page", html.StatusCode)
	}
	js := app.Get(t, app.Client(), "/no/such/page", "Accept", "application/json")
	if js.StatusCode != http.StatusNotFound || js.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("JSON 404 = %d %s", js.StatusCode, js.Header.Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(js.Body), &body); err != nil || body["status"] != "not_found" {
		t.Fatalf("JSON 404 body = %q", js.Body)
	}
}

// A logged-in user who mistypes an address stays shown as logged in, and
// the console's address without its slash leads to it.
func TestNotFoundKeepsTheUsersNavigation(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	html := app.Get(t, c, "/no/such/page")
	if html.StatusCode != http.StatusNotFound || !strings.Contains(html.Body, `data-testid="user-menu"`) {
		t.Errorf("404 of a logged-in user = %d, user menu shown: %v", html.StatusCode, strings.Contains(html.Body, `data-testid="user-menu"`))
	}
	if anon := app.Get(t, app.Client(), "/no/such/page"); strings.Contains(anon.Body, `data-testid="user-menu"`) {
		t.Error("a visitor's 404 shows a user menu")
	}
	admin := app.Get(t, c, "/admin")
	if admin.StatusCode != http.StatusMovedPermanently || admin.Header.Get("Location") != "/admin/" {
		t.Errorf("GET /admin = %d to %q, want the console at /admin/", admin.StatusCode, admin.Header.Get("Location"))
	}
}

func TestServerErrorPageHidesDetails(t *testing.T) {
	app := apptest.Start(t)
	app.ExpectErrors() // the panic is logged with its stack
	// A panicking route behind the full middleware stack.
	rt := auth.NewRouter(app.Server.Mux(), app.Server.Registry, nil)
	rt.Public().Get("/test/panic", func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	})
	html := app.Get(t, app.Client(), "/test/panic")
	if html.StatusCode != http.StatusInternalServerError || !strings.Contains(html.Body, "Etwas ist schiefgegangen") {
		t.Fatalf("HTML 500 = %d", html.StatusCode)
	}
	if strings.Contains(html.Body, "secret internal detail") {
		t.Fatal("the 500 page shows the panic value")
	}
	js := app.Get(t, app.Client(), "/test/panic", "Accept", "application/json")
	if js.StatusCode != http.StatusInternalServerError || strings.TrimSpace(js.Body) != `{"status":"error"}` {
		t.Fatalf("JSON 500 = %d %s", js.StatusCode, js.Body)
	}
}

func TestCrossOriginPostIsRefusedAndChangesNothing(t *testing.T) {
	app := apptest.Start(t)
	c := app.Client()
	resp := app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}}, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST = %d, want 403", resp.StatusCode)
	}
	evil := app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}}, "Origin", "https://evil.example")
	if evil.StatusCode != http.StatusForbidden {
		t.Fatalf("POST with a foreign Origin = %d, want 403", evil.StatusCode)
	}
	page := app.Get(t, c, "/", "Accept-Language", "de")
	if !strings.Contains(page.Body, `<html lang="de"`) {
		t.Fatal("the refused POST changed the language")
	}
	same := app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}}, "Sec-Fetch-Site", "same-origin")
	if same.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin POST = %d, want 303", same.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/", "/no/such/page"} {
		resp := app.Get(t, app.Client(), path)
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("%s: CSP allows inline script", path)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		if resp.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", path)
		}
	}
	home := app.Get(t, app.Client(), "/")
	if vary := strings.Join(home.Header.Values("Vary"), ","); !strings.Contains(vary, "HX-Request") {
		t.Errorf("pages must vary on HX-Request, Vary = %q", vary)
	}
}

func TestFragmentForHTMXAndPageOtherwise(t *testing.T) {
	app := apptest.Start(t)
	full := app.Get(t, app.Client(), "/")
	frag := app.Get(t, app.Client(), "/", "HX-Request", "true")
	boosted := app.Get(t, app.Client(), "/", "HX-Request", "true", "HX-Boosted", "true")
	if !strings.Contains(full.Body, "<!doctype html>") && !strings.Contains(full.Body, "<!DOCTYPE html>") {
		t.Fatal("a normal request gets no full page")
	}
	if strings.Contains(frag.Body, "<html") || !strings.Contains(frag.Body, `data-testid="motto"`) {
		t.Fatal("an htmx request should get the content alone")
	}
	if !strings.Contains(boosted.Body, "<html") {
		t.Fatal("a boosted request needs the full page")
	}
}

func TestCookieFlags(t *testing.T) {
	app := apptest.Start(t)
	lang := app.PostForm(t, app.Client(), "/lang", url.Values{"lang": {"en"}}).Header.Get("Set-Cookie")
	c, _ := app.ClientWith(t)
	session := app.PostForm(t, c, "/logout/", nil).Header.Get("Set-Cookie")
	for name, cookie := range map[string]string{"memberdb_lang=": lang, "memberdb_session=": session} {
		for _, want := range []string{name, "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("cookie %q is Secure although BASE_URL is http", cookie)
		}
	}

	secure := apptest.Start(t, apptest.Env("BASE_URL", "https://members.example.org"))
	resp := secure.PostForm(t, secure.Client(), "/lang", url.Values{"lang": {"en"}}, "Origin", "https://members.example.org")
	if !strings.Contains(resp.Header.Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie is not Secure although BASE_URL is https: %q", resp.Header.Get("Set-Cookie"))
	}
}

// Choosing a language, however often, stores nothing on the server; a
// session made only to carry a message to the next page ends soon.
func TestAnonymousVisitorsCreateNoLastingSessions(t *testing.T) {
	app := apptest.Start(t)
	count := func() (n int) {
		if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sessions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema)
		VALUES ('Geschlossen', 'closed-no-session', false, '{"type": "object", "properties": {}}')`); err != nil {
		t.Fatal(err)
	}
	before := count()
	for range 20 {
		c := app.Client()
		app.PostForm(t, c, "/lang", url.Values{"lang": {"en"}})
		if page := app.Get(t, c, "/events/"); !strings.Contains(page.Body, `<html lang="en"`) {
			t.Fatal("the chosen language is not kept")
		}
		// Logging out nobody, and trying a closed event, say nothing
		// that needs a session.
		app.PostForm(t, app.Client(), "/logout/", nil)
		app.Get(t, app.Client(), "/events/closed-no-session/registration/")
		app.PostForm(t, app.Client(), "/events/closed-no-session/registration/", url.Values{"name": {"Zu Spät"}, "email": {"late@example.org"}})
	}
	if n := count() - before; n != 0 {
		t.Errorf("20 anonymous visitors (language, logout, a closed event) left %d sessions", n)
	}

	// Logging out says so on the next page, through a new anonymous session.
	c, _ := app.ClientWith(t)
	if resp := app.PostForm(t, c, "/logout/", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout/ = %d", resp.StatusCode)
	}
	base, _ := url.Parse(app.URL)
	var token string
	for _, ck := range c.Jar.Cookies(base) {
		if ck.Name == "memberdb_session" {
			token = ck.Value
		}
	}
	var left time.Duration
	if err := app.Pool.QueryRow(t.Context(), `SELECT expiry - now() FROM sessions WHERE token = $1`, token).Scan(&left); err != nil {
		t.Fatalf("the logout's message has no session: %v", err)
	}
	if left > web.AnonymousSessionLifetime {
		t.Errorf("an anonymous session lives %v, more than %v", left, web.AnonymousSessionLifetime)
	}
}

func TestAssetsAreVersionedAndCached(t *testing.T) {
	app := apptest.Start(t)
	home := app.Get(t, app.Client(), "/")
	for _, asset := range []string{"vendor/htmx/htmx.min.js", "vendor/katex/katex.min.js", "css/app.css", "js/app.js"} {
		if !strings.Contains(home.Body, asset) {
			t.Errorf("home page does not load %s", asset)
		}
	}
	if strings.Contains(home.Body, `src="http`) || strings.Contains(home.Body, `href="//`) {
		t.Error("home page loads something from another site")
	}
	start := strings.Index(home.Body, "/assets/")
	end := strings.Index(home.Body[start:], "\"")
	first := home.Body[start : start+end]
	resp := app.Get(t, app.Client(), first)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("GET %s = %d, Cache-Control %q", first, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	font := app.Get(t, app.Client(), strings.Replace(first, "vendor/bootstrap/bootstrap.min.css", "vendor/katex/fonts/KaTeX_Main-Regular.woff2", 1))
	if font.StatusCode != http.StatusOK {
		t.Fatalf("KaTeX font next to its CSS: %d", font.StatusCode)
	}
	// A file the assets do not have gets the site's page, in the
	// reader's language, like any other unknown address.
	dir := "/assets/" + strings.SplitN(first, "/", 4)[2]
	for _, path := range []string{dir + "/css/nope.css", dir + "/vendor/", dir + "/../../etc/passwd", "/assets/x"} {
		missing := app.Get(t, app.Client(), path, "Accept-Language", "de")
		if missing.StatusCode != http.StatusNotFound || !strings.Contains(missing.Body, "Seite nicht gefunden") {
			t.Errorf("GET %s = %d without the site's German page:\n%.200s", path, missing.StatusCode, missing.Body)
		}
	}
}

// Link checkers and monitors ask with HEAD; every page answers it as GET
// would, without a body.
func TestHeadIsAnsweredLikeGet(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/", "/events/", "/healthz"} {
		req, err := http.NewRequest(http.MethodHead, app.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := apptest.Do(t, app.Client(), req)
		if resp.StatusCode != http.StatusOK || resp.Body != "" {
			t.Errorf("HEAD %s = %d with %d bytes, want 200 without a body", path, resp.StatusCode, len(resp.Body))
		}
	}
	req, _ := http.NewRequest(http.MethodHead, app.URL+"/no-such-page", nil)
	if resp := apptest.Do(t, app.Client(), req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of an unknown page = %d, want 404", resp.StatusCode)
	}
}

// A form body over the limit is refused with 413 and an unreadable one
// with 400, before any handler reads it.
func TestOversizedAndBrokenFormsAreRefused(t *testing.T) {
	app := apptest.Start(t)
	for _, tt := range []struct {
		name, body string
		want       int
	}{
		{"over the limit", "username=" + strings.Repeat("a", 2<<20), http.StatusRequestEntityTooLarge},
		{"broken escape", "username=%zz", http.StatusBadRequest},
	} {
		for _, path := range []string{"/login/", "/events/resend_emails/"} {
			req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp := apptest.Do(t, app.Client(), req); resp.StatusCode != tt.want {
				t.Errorf("%s to %s = %d, want %d", tt.name, path, resp.StatusCode, tt.want)
			}
		}
	}
}
