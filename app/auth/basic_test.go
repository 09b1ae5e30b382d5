package auth_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/web"
)

// jsonEndpoint serves GET /whoami (level get_persons) behind the app's own
// session and user middleware, like a domain's JSON endpoint.
func jsonEndpoint(t *testing.T, app *apptest.App) string {
	t.Helper()
	s := app.Server
	mux := chi.NewRouter()
	mux.Use(s.Sessions.LoadAndSave, s.Site.SessionReady, s.Site.Language, s.Users.LoadUser)
	rt := auth.NewRouter(mux, auth.NewRegistry(), s.Users.Require)
	rt.Level("get_persons").Get("/whoami", func(w http.ResponseWriter, r *http.Request) {
		web.JSON(w, http.StatusOK, map[string]string{"username": auth.CurrentUser(r.Context()).Username})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL + "/whoami"
}

func basicGet(t *testing.T, endpoint, user, password string) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, endpoint, nil)
	req.Header.Set("Accept", "application/json")
	if user != "" || password != "" {
		req.SetBasicAuth(user, password)
	}
	return apptest.Do(t, http.DefaultClient, req)
}

func TestBasicAuth(t *testing.T) {
	app := apptest.Start(t)
	endpoint := jsonEndpoint(t, app)
	u := newUser(t, app, "mit:doppel:punkt", "get_persons")
	without := newUser(t, app, "ohne-stufe-geheim")

	tests := []struct {
		name, user, password string
		wantStatus           int
		wantUser             string
	}{
		{"user name", u.Username, "mit:doppel:punkt", http.StatusOK, u.Username},
		{"email", u.Email, "mit:doppel:punkt", http.StatusOK, u.Username},
		{"wrong password", u.Username, "mit:doppel", http.StatusUnauthorized, ""},
		{"unknown user", "nobody", "mit:doppel:punkt", http.StatusUnauthorized, ""},
		{"no credentials", "", "", http.StatusUnauthorized, ""},
		{"NUL byte in the name", u.Username + "\x00", "mit:doppel:punkt", http.StatusUnauthorized, ""},
		{"invalid UTF-8 in the name", u.Username + "\xff", "mit:doppel:punkt", http.StatusUnauthorized, ""},
		{"without the level", without.Username, "ohne-stufe-geheim", http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := basicGet(t, endpoint, tt.user, tt.password)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			var body map[string]string
			if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
				t.Fatalf("answer is not JSON: %q", resp.Body)
			}
			if resp.Header.Get("Set-Cookie") != "" {
				t.Error("Basic auth started a session")
			}
			switch tt.wantStatus {
			case http.StatusOK:
				if body["username"] != tt.wantUser {
					t.Errorf("authenticated as %q, want %q", body["username"], tt.wantUser)
				}
			case http.StatusUnauthorized:
				if body["status"] != "access_denied" || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
					t.Errorf("401 with body %v and WWW-Authenticate %q, want access_denied and a Basic challenge",
						body, resp.Header.Get("WWW-Authenticate"))
				}
			case http.StatusForbidden:
				if body["status"] != "access_denied" {
					t.Errorf("403 body = %v", body)
				}
			}
		})
	}
}

// On the app's HTML pages Basic credentials are ignored, right or wrong: a
// browser that remembers some must not get a password prompt, nor a 401,
// for a public page. Requests asking for JSON and the JSON API take them.
func TestBasicAuthOnlyForJSON(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim", "get_persons")
	get := func(path, password string, headers ...string) apptest.Response {
		req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
		req.SetBasicAuth(u.Username, password)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		return apptest.Do(t, app.Client(), req)
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	tests := []struct {
		name, path, password, accept string
		wantStatus                   int
		wantUser                     bool
	}{
		{"wrong, public page", "/", "falsch-geheim", browser, http.StatusOK, false},
		{"wrong, public page, no Accept", "/", "falsch-geheim", "", http.StatusOK, false},
		{"right, public page", "/", "richtig-geheim", browser, http.StatusOK, false},
		{"wrong, protected page", "/applications", "falsch-geheim", browser, http.StatusSeeOther, false},
		{"right, JSON request", "/persons", "richtig-geheim", "application/json", http.StatusOK, true},
		{"wrong, JSON request", "/persons", "falsch-geheim", "application/json", http.StatusUnauthorized, false},
		{"right, JSON API without Accept", "/persons", "richtig-geheim", "", http.StatusOK, true},
		{"wrong, JSON API without Accept", "/persons", "falsch-geheim", "*/*", http.StatusUnauthorized, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.accept != "" {
				headers = []string{"Accept", tt.accept}
			}
			resp := get(tt.path, tt.password, headers...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			challenge := resp.Header.Get("WWW-Authenticate")
			if wantChallenge := tt.wantStatus == http.StatusUnauthorized; (challenge != "") != wantChallenge {
				t.Errorf("WWW-Authenticate = %q, want a challenge: %v", challenge, wantChallenge)
			}
			if tt.path == "/" && strings.Contains(resp.Body, `data-testid="nav-user"`) {
				t.Error("Basic credentials logged a browser into an HTML page")
			}
			if tt.wantUser && !strings.Contains(resp.Body, `"status":"success"`) {
				t.Errorf("the JSON API did not answer its user: %.200s", resp.Body)
			}
		})
	}
	// A browser logged in with a session stays logged in when it also
	// sends stale Basic credentials.
	c := app.LoginAs(t, u)
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/", nil)
	req.SetBasicAuth("nobody", "falsch-geheim")
	if resp := apptest.Do(t, c, req); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `data-testid="nav-user"`) {
		t.Errorf("logged-in page with stale Basic credentials = %d, want 200 showing the user", resp.StatusCode)
	}
}

func TestBasicAuthIsRateLimited(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	endpoint := jsonEndpoint(t, app)
	u := newUser(t, app, "richtig-geheim", "get_persons")
	for i := range 8 {
		if resp := basicGet(t, endpoint, u.Username, "falsch"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d = %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp := basicGet(t, endpoint, u.Username, "richtig-geheim")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(resp.Body, "too_many_requests") {
		t.Fatalf("after 8 failures = %d %q, want 429 JSON with Retry-After", resp.StatusCode, resp.Body)
	}
	// The form login shares the count.
	if r := login(t, app, app.Client(), u.Username, "richtig-geheim"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("form login after 8 Basic failures = %d, want 429", r.StatusCode)
	}
}
