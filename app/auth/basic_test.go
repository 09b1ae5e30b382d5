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

// Basic credentials work on the full router too, and wrong ones are refused
// even on a public page.
func TestBasicAuthOnTheAppRouter(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim")
	get := func(user, password string) apptest.Response {
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/", nil)
		req.SetBasicAuth(user, password)
		return apptest.Do(t, app.Client(), req)
	}
	if resp := get(u.Username, "richtig-geheim"); !strings.Contains(resp.Body, `data-testid="nav-user"`) {
		t.Errorf("right credentials: %d, the page does not show the user", resp.StatusCode)
	}
	if resp := get(u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong credentials on a public page = %d, want 401", resp.StatusCode)
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
