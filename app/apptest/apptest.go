// Package apptest runs the whole application for tests: the full router on
// an httptest server, the package's database, and a real SMTP server.
package apptest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
	"github.com/pepalumni/memberdb/app/server"
)

// App is a running memberdb.
type App struct {
	URL    string
	Config *config.Config
	Pool   *pgxpool.Pool
	SMTP   *mailtest.Server
	Server *server.Server
	// Worker delivers the mails this app enqueues (and only those) to SMTP;
	// MailConfig starts another one like it.
	Worker     *mail.Worker
	MailConfig mail.WorkerConfig

	log      *logCount
	inFlight atomic.Int64
	served   atomic.Int64
}

// Option changes how the app is set up.
type Option func(s *settings)

type settings struct {
	env        map[string]string
	limitScope string
	database   string
}

// Env sets one configuration variable.
func Env(key, value string) Option { return func(s *settings) { s.env[key] = value } }

// SharedLimits makes the app count its rate limits together with every
// other app of the same scope, as instances of one deployment do. Without
// it each app counts alone, although the apps of a package share one
// database.
func SharedLimits(scope string) Option { return func(s *settings) { s.limitScope = scope } }

// Database runs the app on the database at url (migrated already) instead
// of the package's, e.g. a fresh one from dbtest.NewDatabase.
func Database(url string) Option {
	return func(s *settings) { s.database, s.env["DATABASE_URL"] = url, url }
}

// FreshDatabase runs the app on a new database of its own, migrated and
// empty, for a test whose changes (the association's settings, say) would
// reach the other tests of the package, which share one.
func FreshDatabase(t testing.TB, prefix string) Option {
	t.Helper()
	url := dbtest.NewDatabase(t, prefix)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := db.MigrateUp(pool); err != nil {
		t.Fatal(err)
	}
	return Database(url)
}

// Start runs the app until t ends. Call dbtest.Main from the package's
// TestMain first.
func Start(t testing.TB, opts ...Option) *App {
	t.Helper()
	smtpServer := mailtest.Start(t)
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()

	env := map[string]string{
		"DATABASE_URL": dbtest.URL(),
		"BASE_URL":     base,
		"MAIL_SERVER":  smtpServer.Host,
		"MAIL_PORT":    strconv.Itoa(smtpServer.Port),
		"MAIL_TLS":     "none",
		"MAIL_SENDER":  "PeP et al. e.V. <noreply@example.org>",
		"APPROVE_MAIL": "board@example.org",
	}
	origin := fmt.Sprintf("apptest-%d", appSeq.Add(1))
	set := settings{env: env, limitScope: origin, database: dbtest.URL()}
	for _, o := range opts {
		o(&set)
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	pool := originPool(t, set.database, origin)
	logs := &logCount{t: t}
	// Registered first, so it runs last: errors logged while the server
	// and the worker shut down still count.
	t.Cleanup(logs.end)
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: logger, LimitScope: set.limitScope})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	app := &App{URL: base, Config: cfg, Pool: pool, SMTP: smtpServer, Server: srv, log: logs}
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.inFlight.Add(1)
		defer func() {
			app.inFlight.Add(-1)
			app.served.Add(1)
		}()
		srv.Handler.ServeHTTP(w, r)
	})
	ts.Start()
	mailCfg := server.MailWorkerConfig(cfg, srv.SiteSettings, logger)
	mailCfg.Origin = origin
	mailCfg.PollInterval = 50 * time.Millisecond
	mailCfg.RetryBase = 50 * time.Millisecond
	worker := mail.NewWorker(pool, mailCfg)
	worker.Start(context.Background())
	srv.AddReadyCheck(server.MailWorkerCheck(worker.Connected))
	t.Cleanup(func() {
		worker.Stop()
		ts.Close()
		srv.Close()
	})
	app.Worker, app.MailConfig = worker, mailCfg
	return app
}

var appSeq atomic.Int64

// originPool opens the package's database under an application_name of its
// own. Mails enqueued through it carry that name as their origin and the
// app's worker delivers only those, so the apps of one package (even in
// parallel tests) never deliver each other's mail to the wrong SMTP server.
func originPool(t testing.TB, database, origin string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(database)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = origin
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Client returns a client with its own cookie jar that does not follow
// redirects, so tests see every 303.
func (a *App) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Response is a read response.
type Response struct {
	*http.Response
	Body string
}

// Do sends req with c and reads the whole body.
func Do(t testing.TB, c *http.Client, req *http.Request) Response {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Response: resp, Body: string(b)}
}

// Get fetches path with c; headers are pairs of name and value.
func (a *App) Get(t testing.TB, c *http.Client, path string, headers ...string) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, headers)
	return Do(t, c, req)
}

// PostForm posts form to path with c; headers are pairs of name and value.
func (a *App) PostForm(t testing.TB, c *http.Client, path string, form url.Values, headers ...string) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeaders(req, headers)
	return Do(t, c, req)
}

func setHeaders(req *http.Request, headers []string) {
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
}

// logCount sends the app's warnings and errors to the test log and counts
// them, so a test can tell how much a request made the server log. An
// ERROR line fails the test that started the app unless it called
// ExpectErrors: a server error nobody provoked is a bug, also when the
// page the test looks at seems fine.
type logCount struct {
	t     testing.TB
	lines atomic.Int64

	mu       sync.Mutex
	expected bool // the test provokes server errors on purpose
	ended    bool // t's cleanup ran: t may no longer log or fail
}

func (w *logCount) Write(p []byte) (int, error) {
	w.lines.Add(int64(strings.Count(string(p), "\n")))
	w.mu.Lock()
	defer w.mu.Unlock()
	// The mail worker and abandoned requests log from goroutines of their
	// own; what comes after the test ended has no test left to tell.
	if w.ended {
		return len(p), nil
	}
	for line := range strings.Lines(string(p)) {
		line = strings.TrimRight(line, "\n")
		if isError(line) && !w.expected {
			w.t.Errorf("the server logged an error (call ExpectErrors if the test provokes it): %s", line)
		} else {
			w.t.Log(line)
		}
	}
	return len(p), nil
}

// isError reports whether a line of slog's text handler was logged at
// ERROR or above. The handler writes the time first, then the level, so
// the first "level=" is the record's own, whatever the message says.
func isError(line string) bool {
	_, rest, ok := strings.Cut(line, "level=")
	return ok && strings.HasPrefix(rest, "ERROR")
}

// end stops logging to t; it runs as t's last cleanup.
func (w *logCount) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = true
}

// ExpectErrors declares that the test provokes server errors on purpose
// (a failing database, an SMTP server that refuses): ERROR lines are logged
// instead of failing it.
func (a *App) ExpectErrors() {
	a.log.mu.Lock()
	defer a.log.mu.Unlock()
	a.log.expected = true
}

// LogLines is how many lines (warnings and errors) the app has logged.
func (a *App) LogLines() int64 { return a.log.lines.Load() }

// Served is how many requests the app has finished serving.
func (a *App) Served() int64 { return a.served.Load() }

// WaitServed waits until the app has finished serving n requests in all
// and serves none at the moment: the handlers of clients that hung up may
// still run after the client has gone.
func (a *App) WaitServed(t testing.TB, n int64) {
	t.Helper()
	Eventually(t, 10*time.Second, fmt.Sprintf("%d requests served", n), func() bool {
		return a.served.Load() >= n && a.inFlight.Load() == 0
	})
}
