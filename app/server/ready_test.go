package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/server"
)

func readyz(t *testing.T, app *apptest.App) apptest.Response {
	t.Helper()
	return app.Get(t, app.Client(), "/readyz")
}

func TestReadyzOnceTheMailWorkerIsConnected(t *testing.T) {
	app := apptest.Start(t)
	resp := apptest.EventuallyValue(t, 10*time.Second, "/readyz to answer 200", func() (apptest.Response, bool) {
		r := readyz(t, app)
		return r, r.StatusCode == http.StatusOK
	})
	if strings.TrimSpace(resp.Body) != "ready" || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("/readyz = %q (cookie %q), want ready without a session", resp.Body, resp.Header.Get("Set-Cookie"))
	}
}

// A worker whose connection broke makes the instance not ready until it
// has reconnected (this one waits a minute before it tries).
func TestReadyzFailsWhileTheMailWorkerIsDisconnected(t *testing.T) {
	app := apptest.Start(t)
	app.ExpectErrors() // the workers log their broken connections
	cfg := app.MailConfig
	cfg.Origin, cfg.PollInterval = "nobody", time.Minute
	w := mail.NewWorker(app.Pool, cfg)
	w.Start(context.Background())
	t.Cleanup(w.Stop)
	app.Server.AddReadyCheck(server.MailWorkerCheck(w.Connected))
	apptest.Eventually(t, 10*time.Second, "/readyz to answer 200", func() bool { return readyz(t, app).StatusCode == http.StatusOK })

	name := app.Pool.Config().ConnConfig.RuntimeParams["application_name"]
	if _, err := app.Pool.Exec(t.Context(), `
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN%'`, name); err != nil {
		t.Fatal(err)
	}
	resp := apptest.EventuallyValue(t, 10*time.Second, "/readyz to answer 503", func() (apptest.Response, bool) {
		r := readyz(t, app)
		return r, r.StatusCode == http.StatusServiceUnavailable
	})
	if !strings.Contains(resp.Body, "mail worker") {
		t.Errorf("/readyz = %q, want it to name the mail worker", resp.Body)
	}
	if r := app.Get(t, app.Client(), "/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("/healthz = %d while the worker reconnects; the process is alive", r.StatusCode)
	}
}

// While a migration is pending the instance is alive but not ready.
func TestReadyzFailsWhileMigrationsArePending(t *testing.T) {
	pool, err := db.Open(t.Context(), dbtest.NewDatabase(t, "memberdb_ready"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateDown(pool, 1); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DATABASE_URL": "unused", "DEV": "true"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler)
	t.Cleanup(ts.Close)
	get := func(path string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := apptest.Do(t, http.DefaultClient, req)
		return resp.StatusCode, resp.Body
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "1 migrations pending") {
		t.Errorf("/readyz with a migration pending = %d %q, want 503 naming it", code, body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with a migration pending = %d, want 200", code)
	}
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after migrating = %d %q, want 200", code, body)
	}
}
