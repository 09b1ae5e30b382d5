package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
)

type route struct{ method, pattern string }

// allRoutes walks the full router: every route any domain registered.
func allRoutes(t *testing.T, app *apptest.App) []route {
	t.Helper()
	var routes []route
	err := chi.Walk(app.Server.Mux(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, route{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(routes, func(i, j int) bool {
		return routes[i].pattern+routes[i].method < routes[j].pattern+routes[j].method
	})
	return routes
}

// pathOf fills a chi pattern with values its parameters accept: an id no
// row has (handlers answer 404, which is fine, and an action with the level
// cannot touch the test's own users), or, for a parameter with a regular
// expression, the first candidate that matches it.
func pathOf(t *testing.T, pattern string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '{':
			depth, j := 1, i+1
			for ; j < len(pattern) && depth > 0; j++ {
				switch pattern[j] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			param := pattern[i+1 : j-1]
			b.WriteString(paramValue(t, pattern, param))
			i = j - 1
		case '*':
			b.WriteString("x")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

const dummyID = "999999999"

var paramCandidates = []string{dummyID, "x", "abc", "2025-01-01", strings.Repeat("A", 43), "1.json"}

func paramValue(t *testing.T, pattern, param string) string {
	_, expr, hasExpr := strings.Cut(param, ":")
	if !hasExpr {
		return dummyID
	}
	re, err := regexp.Compile("^(?:" + expr + ")$")
	if err != nil {
		t.Fatalf("%s: parameter %q: %v", pattern, param, err)
	}
	for _, c := range paramCandidates {
		if re.MatchString(c) {
			return c
		}
	}
	t.Fatalf("%s: no dummy value matches parameter %q; add one to paramCandidates", pattern, param)
	return ""
}

func send(t *testing.T, app *apptest.App, c *http.Client, method, path string, headers ...string) apptest.Response {
	t.Helper()
	var body *strings.Reader
	if method == http.MethodGet || method == http.MethodHead {
		body = strings.NewReader("")
	} else {
		body = strings.NewReader(url.Values{}.Encode())
	}
	req, err := http.NewRequest(method, app.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return apptest.Do(t, c, req)
}

func isUnsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// Every route declares who may use it, and the declaration holds: anonymous
// visitors are asked to log in, users without the level are refused, users
// with it get through. New routes are covered without touching this test;
// development mode adds routes, so both modes are walked.
func TestAccessMatrix(t *testing.T) {
	for _, dev := range []string{"false", "true"} {
		t.Run("dev="+dev, func(t *testing.T) {
			app := apptest.Start(t, apptest.Env("DEV", dev))
			m := newMatrix(t, app)
			routes := allRoutes(t, app)
			if len(routes) < 5 {
				t.Fatalf("walked only %d routes; is the router wired?", len(routes))
			}
			for _, rt := range routes {
				t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
					for _, p := range m.check(t, rt) {
						t.Error(p)
					}
				})
			}
		})
	}
}

// The matrix itself notices a route without a declaration and a level that
// is not enforced.
func TestAccessMatrixCatchesMistakes(t *testing.T) {
	app := apptest.Start(t)
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }
	app.Server.Mux().Get("/probe/undeclared", ok)
	noGuard := func(auth.Level) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler { return h }
	}
	auth.NewRouter(app.Server.Mux(), app.Server.Registry, noGuard).Level("probe_level").Get("/probe/unguarded", ok)
	m := newMatrix(t, app)
	if problems := m.check(t, route{http.MethodGet, "/probe/undeclared"}); len(problems) == 0 {
		t.Error("a route registered around auth.Router passed the matrix")
	}
	if problems := m.check(t, route{http.MethodGet, "/probe/unguarded"}); len(problems) < 4 {
		t.Errorf("a level that nothing enforces passed with only %d problems: %v", len(problems), problems)
	}
}

type matrix struct {
	app          *apptest.App
	withoutLevel *http.Client
	withLevel    map[string]*http.Client
}

func newMatrix(t *testing.T, app *apptest.App) *matrix {
	c, _ := app.ClientWith(t, "access_matrix_unrelated_level")
	return &matrix{app: app, withoutLevel: c, withLevel: map[string]*http.Client{}}
}

// check returns what is wrong with rt's protection.
func (m *matrix) check(t *testing.T, rt route) []string {
	t.Helper()
	app := m.app
	level, registered := app.Server.Registry.RouteLevel(rt.method, rt.pattern)
	if !registered {
		return []string{"not registered through auth.Router: declare its level with Level(...) or mark it Public()"}
	}
	path := pathOf(t, rt.pattern)
	if level == auth.Public {
		return nil
	}
	var problems []string
	problem := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	login := "/login/?next=" + url.QueryEscape(path)

	html := send(t, app, app.Client(), rt.method, path, "Accept", "text/html")
	if rt.method == http.MethodGet {
		if html.StatusCode != http.StatusSeeOther || html.Header.Get("Location") != login {
			problem("anonymous HTML: %d to %q, want 303 to %q", html.StatusCode, html.Header.Get("Location"), login)
		}
	} else if html.StatusCode != http.StatusUnauthorized && html.StatusCode != http.StatusSeeOther {
		problem("anonymous %s: %d, want 401 or 303", rt.method, html.StatusCode)
	}

	hx := send(t, app, app.Client(), rt.method, path, "HX-Request", "true")
	if hx.StatusCode != http.StatusUnauthorized || hx.Header.Get("HX-Redirect") != login {
		problem("anonymous htmx: %d with HX-Redirect %q, want 401 to %q", hx.StatusCode, hx.Header.Get("HX-Redirect"), login)
	}

	js := send(t, app, app.Client(), rt.method, path, "Accept", "application/json")
	var body map[string]string
	if js.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(js.Body), &body) != nil || body["status"] != "access_denied" {
		problem("anonymous JSON: %d %q, want 401 {\"status\":\"access_denied\"}", js.StatusCode, js.Body)
	}

	c, ok := m.withLevel[level]
	if level == string(auth.LoggedIn) {
		// Any logged-in user, whatever levels they hold.
		c, ok = m.withoutLevel, true
	} else {
		denied := send(t, app, m.withoutLevel, rt.method, path, "Accept", "text/html")
		if denied.StatusCode != http.StatusForbidden || !strings.Contains(denied.Body, level) {
			problem("without %s: %d, want 403 naming the level", level, denied.StatusCode)
		}
	}
	if !ok {
		c, _ = app.ClientWith(t, level)
		m.withLevel[level] = c
	}
	allowed := send(t, app, c, rt.method, path, "Accept", "text/html")
	if allowed.StatusCode == http.StatusUnauthorized || allowed.StatusCode == http.StatusForbidden ||
		strings.HasPrefix(allowed.Header.Get("Location"), "/login/") {
		problem("with %s: %d, want through the access check", level, allowed.StatusCode)
	}
	return problems
}

// No unsafe route can be triggered from another site (CSRF), even for a
// user holding every level, and the refused requests change nothing.
func TestUnsafeRoutesRefuseCrossSiteRequests(t *testing.T) {
	for _, dev := range []string{"false", "true"} {
		t.Run("dev="+dev, func(t *testing.T) {
			app := apptest.Start(t, apptest.Env("DEV", dev))
			everything, _ := app.ClientWith(t, app.Server.Registry.Levels()...)
			before := databaseFingerprint(t, app)
			checked := 0
			for _, rt := range allRoutes(t, app) {
				if !isUnsafe(rt.method) {
					continue
				}
				checked++
				path := pathOf(t, rt.pattern)
				for _, headers := range [][]string{
					{"Sec-Fetch-Site", "cross-site"},
					{"Origin", "https://evil.example"},
				} {
					resp := send(t, app, everything, rt.method, path, headers...)
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("%s %s with %s: %s = %d, want 403", rt.method, rt.pattern, headers[0], headers[1], resp.StatusCode)
					}
				}
			}
			if checked == 0 {
				t.Fatal("found no unsafe route; /login/ and /logout/ at least should be there")
			}
			if after := databaseFingerprint(t, app); after != before {
				t.Error("refused cross-site requests changed the database")
			}
		})
	}
}

// databaseFingerprint digests every table but the sessions.
func databaseFingerprint(t *testing.T, app *apptest.App) string {
	t.Helper()
	// Left out: sessions, and the bookkeeping of background work and
	// rate limits (job runs, running mail workers, counted attempts: a
	// refused login counts against its client on purpose), which is no
	// data a request may not touch.
	rows, err := app.Pool.Query(t.Context(), `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
		  AND table_name NOT IN ('sessions', 'job_runs', 'mail_workers', 'rate_limit_events', 'rate_limit_backoff')
		ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		var digest string
		q := fmt.Sprintf(`SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM %s t`,
			pgx.Identifier{table}.Sanitize())
		if err := app.Pool.QueryRow(t.Context(), q).Scan(&digest); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%s\n", table, digest)
	}
	return b.String()
}
