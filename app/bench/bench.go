package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Bench runs the scenarios and collects what the report shows.
type Bench struct {
	Env     *Env
	Opts    Options
	Machine Machine
	logf    func(string, ...any)

	Rows []Row
	// Ratios compare memberdb's registrations/s with the direct-SQL limit.
	Ratios []Ratio
	// Goals are the checks against the issues' goals.
	Goals []Goal
	// Costs are statements and write transactions per registration.
	Costs []Cost
	// RequestCosts are the CPU per request of the reading runs.
	RequestCosts []RequestCost
	// Missing lists scenarios whose endpoints memberdb does not have.
	Missing []string
	// Failures are broken assertions (overbooking, lost mail) and errors.
	Failures []string
	// Memory of the server in MB: its peak and after idling.
	Memory struct{ Peak, Idle float64 }
}

// Ratio is memberdb's registrations/s over the limit's, for one shape and
// concurrency.
type Ratio struct {
	Shape           string
	Clients         int
	Memberdb, Limit float64
}

// Goal is one goal with what was measured in this run.
type Goal struct {
	// Number is the goal's number in issue 22 (1–5); 0 for the goals of
	// earlier issues, which the report lists after them.
	Number   int
	Text     string
	Measured string
	Met      bool
}

// errMissing says an endpoint of a scenario does not exist (yet).
var errMissing = errors.New("endpoint missing")

// probeError turns a 404 or 405 of a scenario's first request into
// errMissing, naming the path.
func probeError(path string, err error) error {
	var se *StatusError
	if errors.As(err, &se) && (se.Status == http.StatusNotFound || se.Status == http.StatusMethodNotAllowed) {
		return fmt.Errorf("%w: %s %s answers %d", errMissing, se.Method, path, se.Status)
	}
	return err
}

// Run runs the chosen scenarios, then reads the server's memory.
func (b *Bench) Run(ctx context.Context) {
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"read", b.Reading},
		{"admin", b.AdminSearch},
		{"register", b.Registration},
		{"mail", b.Mail},
		{"scale", b.Scale},
		{"instances", b.Instances},
	}
	for _, s := range steps {
		if !b.Opts.Only[s.name] || ctx.Err() != nil {
			continue
		}
		b.logf("scenario %s", s.name)
		err := s.run(ctx)
		switch {
		case errors.Is(err, errMissing):
			b.Missing = append(b.Missing, fmt.Sprintf("%s: %v", s.name, err))
			b.logf("scenario %s skipped: %v", s.name, err)
		case err != nil && ctx.Err() == nil:
			b.Failures = append(b.Failures, fmt.Sprintf("%s: %v", s.name, err))
			b.logf("scenario %s failed: %v", s.name, err)
		}
	}
	if ctx.Err() != nil {
		return
	}
	b.logf("idling %v before reading the idle RSS", b.Opts.Idle)
	_ = sleep(ctx, b.Opts.Idle)
	m, err := ReadMemory(b.Env.Server.Pid)
	if err != nil {
		b.Failures = append(b.Failures, err.Error())
		return
	}
	b.Memory.Peak, b.Memory.Idle = m.Peak, m.RSS
	b.Goals = append(b.Goals, Goal{Text: "idle RSS under 60 MB", Measured: fmt.Sprintf("%.1f MB", m.RSS), Met: m.RSS < 60})
}

// settle lets the previous run's work drain (mail still being delivered)
// and flushes dirty pages, so that each timed run starts alike.
func (b *Bench) settle(ctx context.Context) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var pending int
		err := b.Env.AppDB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE status IN ('queued', 'sending') `+benchMark).Scan(&pending)
		if err != nil || pending == 0 {
			break
		}
		_ = sleep(ctx, 100*time.Millisecond)
	}
	_, _ = b.Env.AppDB.Exec(ctx, "CHECKPOINT")
	_ = sleep(ctx, 500*time.Millisecond)
}

// Report prints the machine, the table, the ratios, memory and goals.
func (b *Bench) Report(w io.Writer) {
	fmt.Fprintf(w, "\n### memberdb benchmark, %s\n\n", time.Now().Format("2006-01-02"))
	fmt.Fprintf(w, "Machine: %s.  \n", b.Machine)
	fmt.Fprintf(w, "Each run %v at the given number of concurrent clients; load generator, memberdb, PostgreSQL "+
		"(fsync and synchronous_commit on) and SMTP sink on this machine, over loopback; clients ask for gzip: %v; "+
		"mail workers: %d; PAGE_CACHE_TTL=%s.\n\n", b.Opts.Duration, b.Opts.Gzip, 1+b.Opts.MailWorkers, b.Opts.PageCacheTTL)
	WriteTable(w, b.Rows)
	if len(b.Ratios) > 0 {
		fmt.Fprintln(w, "\nRegistrations (register + confirm) per second, memberdb over HTTP ÷ the same SQL through pgx without HTTP:")
		fmt.Fprintln(w, "\n| shape | clients | memberdb reg/s | direct SQL reg/s | ratio |")
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
		for _, r := range b.Ratios {
			ratio := "–"
			if r.Limit > 0 {
				ratio = fmt.Sprintf("%.2f", r.Memberdb/r.Limit)
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", r.Shape, r.Clients, formatRate(r.Memberdb), formatRate(r.Limit), ratio)
		}
	}
	if b.Memory.Peak > 0 {
		fmt.Fprintf(w, "\nmemberdb's memory: peak RSS %.1f MB (VmHWM), RSS after %v idle %.1f MB.\n", b.Memory.Peak, b.Opts.Idle, b.Memory.Idle)
	}
	writeCosts(w, b.Costs)
	writeRequestCosts(w, b.RequestCosts)
	writeGoals(w, b.Goals)
	writeBounds(w, b)
	if len(b.Missing) > 0 {
		fmt.Fprintln(w, "\nNot measured (endpoint missing):")
		fmt.Fprintln(w)
		for _, m := range b.Missing {
			fmt.Fprintf(w, "- %s\n", m)
		}
	}
	if len(b.Failures) > 0 {
		fmt.Fprintln(w, "\nFAILED:")
		fmt.Fprintln(w)
		for _, f := range b.Failures {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

// Mail is the mail scenario.
func (b *Bench) Mail(ctx context.Context) error {
	b.settle(ctx)
	res, err := RunMail(ctx, b.Env.AppDB, b.Env.Sink, b.Opts.Mails, 5*time.Minute)
	b.Rows = append(b.Rows, res.Rows(1+b.Opts.MailWorkers)...)
	b.Goals = append(b.Goals, Goal{
		Text:     fmt.Sprintf("enqueue %d mails in one transaction under 1 s (issue 3)", res.N),
		Measured: formatDuration(res.Enqueue), Met: res.Enqueue < time.Second,
	})
	return err
}
