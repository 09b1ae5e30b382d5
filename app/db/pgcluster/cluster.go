// Package pgcluster runs a private PostgreSQL server from the machine's
// server binaries: for `make run`, the test harness and the benchmarks.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoBinaries means no PostgreSQL server is installed.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found (initdb, postgres): " +
	"install them with `apt-get install postgresql` (Debian/Ubuntu) or `brew install postgresql` (macOS), " +
	"or set DATABASE_URL to an existing database")

// Options shape the server.
type Options struct {
	// Durable keeps fsync and synchronous_commit on (benchmarks, make run);
	// tests turn them off for speed.
	Durable bool
	// Log receives the server's output; nil discards it.
	Log *os.File
	// Settings are extra name=value server settings (the benchmark loads
	// pg_stat_statements to count statements).
	Settings []string
}

// Cluster is a running server listening only on a unix socket in its data
// directory, so parallel test processes never fight over a port.
type Cluster struct {
	Dir  string
	cmd  *exec.Cmd
	done chan error
}

// BinDir finds the directory holding initdb and postgres.
func BinDir() (string, error) {
	candidates, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(candidates, func(i, j int) bool { return version(candidates[i]) > version(candidates[j]) })
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	for _, dir := range candidates {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Start initialises dir if it holds no cluster yet and starts the server.
// The server dies with this process: it gets SIGQUIT when we exit.
func Start(ctx context.Context, dir string, opts Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// A unix socket path must stay under ~107 bytes.
	if len(dir) > 90 {
		return nil, fmt.Errorf("pgcluster: data directory path %q is too long for a unix socket", dir)
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, cred); err != nil {
		return nil, err
	}
	if !isFile(filepath.Join(dir, "PG_VERSION")) {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres",
			"--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pgcluster: initdb: %w\n%s", err, out)
		}
	}

	args := []string{"-D", dir, "-k", dir, "-c", "listen_addresses=",
		"-c", "max_connections=200", "-c", "shared_buffers=128MB"}
	if !opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for _, s := range opts.Settings {
		args = append(args, "-c", s)
	}
	c := &Cluster{Dir: dir, done: make(chan error, 1)}
	started := make(chan error, 1)
	// Pdeathsig fires when the thread that started the child exits, so the
	// starting goroutine keeps its thread for as long as the server runs.
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
		if opts.Log != nil {
			cmd.Stdout, cmd.Stderr = opts.Log, opts.Log
		}
		if err := cmd.Start(); err != nil {
			started <- fmt.Errorf("pgcluster: starting postgres: %w", err)
			return
		}
		c.cmd = cmd
		started <- nil
		c.done <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	if err := c.waitReady(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// URL is the connection string for database name on this cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@/%s?host=%s&sslmode=disable", name, c.Dir)
}

func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-c.done:
			return fmt.Errorf("pgcluster: postgres exited during start-up (%v); is another server using %s?", err, c.Dir)
		default:
		}
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("pgcluster: postgres did not accept connections within 30s")
}

// Stop shuts the server down quickly and waits for it.
func (c *Cluster) Stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// serverCredential is nil for a normal user; as root, PostgreSQL refuses to
// run, so the server runs as the postgres user.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("pgcluster: running as root needs a `postgres` user to run the server as (apt-get install postgresql creates it)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func prepareDir(dir string, cred *syscall.Credential) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if cred == nil {
		return nil
	}
	if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	for p := filepath.Dir(dir); p != "/"; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgcluster: the postgres user cannot enter %s (mode %v); "+
				"chmod o+x it or put the data directory elsewhere", p, st.Mode().Perm())
		}
	}
	return nil
}

// CreateDatabase creates name unless it exists.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pgcluster: create database: %w", err)
	}
	return nil
}
