package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/pgcluster"
)

// Env is everything a benchmark run talks to: a private PostgreSQL, the
// SMTP sink and a memberdb process, all on this machine.
type Env struct {
	Dir     string
	BaseURL string
	// AppDB is memberdb's database; LimitDB the one the direct-SQL limit
	// writes to, so the server's mail worker never sees its outbox.
	AppDB   *pgxpool.Pool
	LimitDB *pgxpool.Pool
	Cluster *pgcluster.Cluster
	Sink    *Sink
	Server  *Process
	// Workers are extra `memberdb mail-worker` processes.
	Workers []*Process
	// PprofURL is the server's profiler, when the run profiles.
	PprofURL string

	logs []*os.File
	bin  string
	// vars are the first instance's environment; further instances
	// start from them.
	vars map[string]string
}

// Setup starts the cluster, the sink and memberdb (binary bin, built into
// the temp dir when empty) and waits until memberdb answers /healthz.
// serverEnv adds to memberdb's environment; profile turns on its profiler.
// On error everything started so far is stopped again.
func Setup(ctx context.Context, bin string, mailWorkers int, serverEnv map[string]string, profile bool, logf func(string, ...any)) (env *Env, err error) {
	dir, err := os.MkdirTemp("", "memberdb-bench-")
	if err != nil {
		return nil, err
	}
	env = &Env{Dir: dir}
	defer func() {
		if err != nil {
			env.Close()
			env = nil
		}
	}()
	// As root the server runs as the postgres user, which must reach its
	// data directory below this one.
	if err := os.Chmod(dir, 0o755); err != nil {
		return env, err
	}

	if bin == "" {
		bin = filepath.Join(dir, "memberdb")
		logf("building %s", bin)
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./app")
		if out, err := build.CombinedOutput(); err != nil {
			return env, fmt.Errorf("go build: %w\n%s", err, out)
		}
	} else if bin, err = filepath.Abs(bin); err != nil {
		return env, err
	}

	pgLog, err := env.logFile("postgres.log")
	if err != nil {
		return env, err
	}
	logf("starting PostgreSQL (fsync and synchronous_commit on) in %s", dir)
	env.Cluster, err = pgcluster.Start(ctx, filepath.Join(dir, "pg"), pgcluster.Options{
		Durable: true, Log: pgLog, Settings: []string{"shared_preload_libraries=pg_stat_statements"},
	})
	if err != nil {
		return env, err
	}
	for _, name := range []string{"memberdb", "sqllimit"} {
		if err := env.Cluster.CreateDatabase(ctx, name); err != nil {
			return env, err
		}
	}

	port, err := freePort()
	if err != nil {
		return env, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	env.BaseURL = "http://" + addr
	env.Sink, err = StartSink(regexp.MustCompile(regexp.QuoteMeta(env.BaseURL) + `/[^\s"<>]*`))
	if err != nil {
		return env, err
	}

	env.bin = bin
	env.vars = map[string]string{
		"DATABASE_URL":    env.Cluster.URL("memberdb"),
		"BASE_URL":        env.BaseURL,
		"DEV":             "false",
		"MAIL_SERVER":     env.Sink.Host,
		"MAIL_PORT":       strconv.Itoa(env.Sink.Port),
		"MAIL_TLS":        "none",
		"MAIL_SENDER":     "PeP et al. e.V. <noreply@example.org>",
		"APPROVE_MAIL":    "board@example.org",
		"CORS_ORIGINS":    env.BaseURL,
		"TRUSTED_PROXIES": "127.0.0.1/32",
	}
	maps.Copy(env.vars, serverEnv)
	if profile {
		pport, err := freePort()
		if err != nil {
			return env, err
		}
		env.vars["PPROF_ADDR"] = net.JoinHostPort("127.0.0.1", strconv.Itoa(pport))
		env.PprofURL = "http://" + env.vars["PPROF_ADDR"] + "/debug/pprof/profile"
	}
	logf("starting memberdb on %s", env.BaseURL)
	if env.Server, err = env.StartServer(ctx, "memberdb", addr, nil); err != nil {
		return env, err
	}
	logf("memberdb is up (pid %d, log %s)", env.Server.Pid, env.ServerLog())
	for i := range mailWorkers {
		log, err := env.logFile(fmt.Sprintf("mail-worker-%d.log", i+1))
		if err != nil {
			return env, err
		}
		w, err := StartProcess(bin, []string{"mail-worker"}, dir, env.vars, log)
		if err != nil {
			return env, err
		}
		env.Workers = append(env.Workers, w)
	}
	if mailWorkers > 0 {
		logf("started %d extra mail worker processes", mailWorkers)
	}

	if env.AppDB, err = openPool(ctx, env.Cluster.URL("memberdb"), 8); err != nil {
		return env, err
	}
	if env.LimitDB, err = openPool(ctx, env.Cluster.URL("sqllimit"), 64); err != nil {
		return env, err
	}
	if _, err := db.MigrateUp(env.LimitDB); err != nil {
		return env, err
	}
	// pg_stat_statements counts the statements of a registration.
	for _, p := range []*pgxpool.Pool{env.AppDB, env.LimitDB} {
		if _, err := p.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
			return env, err
		}
	}
	return env, nil
}

// StartExtraServer starts one more memberdb on a free port and returns
// it with its base URL.
func (e *Env) StartExtraServer(ctx context.Context, name string, extra map[string]string) (*Process, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p, err := e.StartServer(ctx, name, addr, extra)
	return p, "http://" + addr, err
}

// StartServer starts one more `memberdb serve` named name (its log is
// name.log) on addr with the first instance's environment plus extra, and
// waits until it answers /healthz.
func (e *Env) StartServer(ctx context.Context, name, addr string, extra map[string]string) (*Process, error) {
	vars := maps.Clone(e.vars)
	vars["LISTEN_ADDR"] = addr
	if name != "memberdb" {
		// Only the first instance is profiled.
		delete(vars, "PPROF_ADDR")
	}
	maps.Copy(vars, extra)
	log, err := e.logFile(name + ".log")
	if err != nil {
		return nil, err
	}
	p, err := StartProcess(e.bin, []string{"serve"}, e.Dir, vars, log)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(e.Dir, name+".log")
	if err := waitHealthy(ctx, p, "http://"+addr, logPath, 90*time.Second); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return p, nil
}

// Close stops memberdb, the sink and PostgreSQL and removes the temp dir.
func (e *Env) Close() {
	for _, w := range e.Workers {
		w.Stop(20 * time.Second)
	}
	if e.Server != nil {
		e.Server.Stop(20 * time.Second)
	}
	if e.AppDB != nil {
		e.AppDB.Close()
	}
	if e.LimitDB != nil {
		e.LimitDB.Close()
	}
	if e.Sink != nil {
		e.Sink.Close()
	}
	if e.Cluster != nil {
		e.Cluster.Stop()
	}
	for _, f := range e.logs {
		_ = f.Close()
	}
	if e.Dir != "" {
		_ = os.RemoveAll(e.Dir)
	}
}

// ServerLog is the path of memberdb's log, for error messages.
func (e *Env) ServerLog() string { return filepath.Join(e.Dir, "memberdb.log") }

func (e *Env) logFile(name string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(e.Dir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, err
	}
	// The postgres user writes the server's log when we run as root.
	_ = f.Chmod(0o666)
	e.logs = append(e.logs, f)
	return f, nil
}

func waitHealthy(ctx context.Context, p *Process, baseURL, logPath string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		if p.Exited() {
			return fmt.Errorf("memberdb exited during start-up; see its log:\n%s", tail(logPath, 20))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/healthz", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("memberdb did not answer /healthz within %v; its log:\n%s", timeout, tail(logPath, 20))
}

func openPool(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.RuntimeParams["application_name"] = "memberdb-bench"
	return pgxpool.NewWithConfig(ctx, cfg)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ") + "\n"
}
