// Command bench is `make bench`: it starts a private PostgreSQL (fsync on),
// an SMTP sink and the memberdb binary, drives memberdb over HTTP on
// loopback with a Go load generator, measures the direct-SQL limit of a
// registration for comparison, and prints a markdown table. It is not a
// test: its numbers go into the README with the machine they came from.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options are the command line.
type Options struct {
	Duration time.Duration
	Clients  []int
	Bin      string
	Only     map[string]bool
	// Persons are the sizes of the person table the search runs at.
	Persons []int
	Mails   int
	Idle    time.Duration
	// Gzip makes the clients ask for compressed answers, as browsers do.
	Gzip bool
	// MailWorkers are started besides the one inside memberdb serve.
	MailWorkers int
	// Hold keeps everything running after the scenarios until Ctrl-C, for
	// looking at the database or profiling the server by hand.
	Hold bool
	// PageCacheTTL is the server's PAGE_CACHE_TTL; 0s renders every page.
	PageCacheTTL string
	// Profile, when set, is the directory for a CPU profile of the server
	// during each timed run.
	Profile string
}

// The scenarios, in the order they run.
var scenarioNames = []string{"read", "admin", "register", "mail", "scale", "instances"}

func main() { os.Exit(run()) }

func run() int {
	var o Options
	var quick bool
	var clients, only, persons string
	flag.DurationVar(&o.Duration, "duration", 10*time.Second, "length of each timed run")
	flag.BoolVar(&quick, "quick", false, "2 s runs, for development")
	flag.StringVar(&clients, "clients", "16,64", "concurrent clients of each run, comma-separated")
	flag.StringVar(&o.Bin, "bin", "", "memberdb binary (built into the temp dir when empty)")
	flag.StringVar(&only, "only", strings.Join(scenarioNames, ","), "scenarios to run: "+strings.Join(scenarioNames, ","))
	flag.StringVar(&persons, "persons", "50000,500000", "sizes of the person table the admin search runs at, comma-separated, ascending")
	flag.IntVar(&o.Mails, "mails", 2_000, "mails enqueued in one transaction")
	flag.DurationVar(&o.Idle, "idle", 5*time.Second, "idle time before the idle RSS is read")
	flag.BoolVar(&o.Gzip, "gzip", true, "ask for gzip-compressed answers as browsers do (false shows what compression costs)")
	flag.IntVar(&o.MailWorkers, "mail-workers", 0, "extra memberdb mail-worker processes besides serve's own worker")
	flag.StringVar(&o.PageCacheTTL, "page-cache", "1s", "the server's PAGE_CACHE_TTL; 0s renders every page for every request (what rendering costs)")
	flag.StringVar(&o.Profile, "profile", "", "write a CPU profile (pprof) of memberdb during each timed run into this directory")
	flag.BoolVar(&o.Hold, "hold", false, "after the scenarios, keep PostgreSQL and memberdb running until Ctrl-C (for psql, perf)")
	flag.Parse()
	if quick {
		o.Duration = 2 * time.Second
	}
	for _, s := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			fmt.Fprintf(os.Stderr, "bench: -clients: %q is not a number of clients (1…1024)\n", s)
			return 2
		}
		o.Clients = append(o.Clients, n)
	}
	for _, s := range strings.Split(persons, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || len(o.Persons) > 0 && n <= o.Persons[len(o.Persons)-1] {
			fmt.Fprintf(os.Stderr, "bench: -persons: %q is not a size larger than the one before\n", s)
			return 2
		}
		o.Persons = append(o.Persons, n)
	}
	o.Only = map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(scenarioNames, s) {
			fmt.Fprintf(os.Stderr, "bench: -only: unknown scenario %q (have %s)\n", s, strings.Join(scenarioNames, ","))
			return 2
		}
		o.Only[s] = true
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
	}

	env, err := Setup(ctx, o.Bin, o.MailWorkers, map[string]string{"PAGE_CACHE_TTL": o.PageCacheTTL}, o.Profile != "", logf)
	if err != nil {
		logf("set-up failed: %v", err)
		return 1
	}
	defer env.Close()

	b := &Bench{Env: env, Opts: o, logf: logf, Machine: ReadMachine()}
	_ = env.AppDB.QueryRow(ctx, "SHOW server_version").Scan(&b.Machine.Postgres)
	b.Run(ctx)
	if o.Hold && ctx.Err() == nil {
		b.Report(os.Stdout)
		logf("holding: memberdb %s (pid %d), psql %q; Ctrl-C ends", env.BaseURL, env.Server.Pid, env.Cluster.URL("memberdb"))
		<-ctx.Done()
		return 0
	}
	if ctx.Err() != nil {
		logf("interrupted")
		return 130
	}
	b.Report(os.Stdout)
	if len(b.Failures) > 0 {
		return 1
	}
	return 0
}
