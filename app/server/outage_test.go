package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/server"
)

// While the database cannot be reached, a page answers 503 with
// Retry-After on the usual error page in the visitor's language, also
// when the visitor has a session (whose loading fails first).
func TestDatabaseOutageAnswers503(t *testing.T) {
	const unreachable = "postgres://postgres@127.0.0.1:1/memberdb?connect_timeout=2&sslmode=disable"
	env := map[string]string{"DATABASE_URL": unreachable, "DEV": "true", "BASE_URL": "http://127.0.0.1"}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(context.Background(), unreachable)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	for _, tt := range []struct{ name, cookie, lang, want string }{
		{"without a session", "", "de", "Gerade nicht erreichbar"},
		{"with a session", "memberdb_session=" + strings.Repeat("a", 43), "en", "Temporarily unavailable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/events/", nil)
			req.Header.Set("Accept-Language", tt.lang)
			if tt.cookie != "" {
				req.Header.Set("Cookie", tt.cookie)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if !strings.Contains(string(body), tt.want) || !strings.Contains(string(body), "<html") {
				t.Errorf("the answer is not the error page saying %q:\n%s", tt.want, body)
			}
		})
	}
}
