package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Steps of a registration, as rows of the table.
const (
	stepRegistration = "registration, end to end"
	stepRegister     = "POST registration form"
	stepMail         = "confirmation mail arrives"
	stepConfirm      = "POST confirmation link"
	// stepOutbox is part of stepMail, read from the outbox afterwards.
	stepOutbox = "of which in the outbox (queued → sent)"
)

// confirmPath is the path of the link in the confirmation mail; the page
// it opens confirms with a POST of confirmForm.
const confirmPath = "/events/registration/"

var (
	confirmForm   = url.Values{"action": {"confirm"}}
	confirmHeader = http.Header{"Accept-Language": {"de-DE,de;q=0.9"}}
)

// Registration is scenario 1 with its limit: for each concurrency and each
// shape (one hot event, spread over 20), the direct-SQL limit and then
// memberdb with distinct people registering and confirming via the link
// they were mailed.
func (b *Bench) Registration(ctx context.Context) error {
	probe, err := CreateEvent(ctx, b.Env.AppDB, "Probe", "graduation-ceremony", 10)
	if err != nil {
		return err
	}
	c := NewClient(NewTransport(1, true), false)
	_, _, probeErr := Get(ctx, c, fmt.Sprintf("%s/events/%d/registration/", b.Env.BaseURL, probe.ID), nil, http.StatusOK)
	probeErr = probeError("/events/{id}/registration/", probeErr)
	if err := CloseRegistration(ctx, b.Env.AppDB, probe.ID); err != nil {
		return err
	}
	// Without memberdb's endpoints the limit is still measured.
	appMissing := errors.Is(probeErr, errMissing)
	if probeErr != nil && !appMissing {
		return probeErr
	}

	var failures []string
	for _, clients := range b.Opts.Clients {
		for _, shape := range []Shape{HotEvent, Spread} {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			run := fmt.Sprintf("%d-%d", clients, shape.Events)
			b.settle(ctx)
			b.logf("  direct SQL, %s, %d clients", shape.Name, clients)
			lim, err := RunLimit(ctx, b.Env.LimitDB, shape, clients, b.Opts.Duration, run)
			b.logErrors(lim)
			if err != nil {
				failures = append(failures, fmt.Sprintf("direct SQL %s at %d clients: %v", shape.Name, clients, err))
			}
			limRow := lim.Row("direct SQL (pgx, no HTTP): "+shape.Name, stepRegistration)
			limRow.Errors = lim.TotalErrors()
			b.Rows = append(b.Rows, limRow)

			if appMissing {
				continue
			}
			b.settle(ctx)
			b.logf("  memberdb, %s, %d clients", shape.Name, clients)
			res, err := b.registrationRun(ctx, shape, clients, run)
			if err != nil {
				failures = append(failures, fmt.Sprintf("memberdb %s at %d clients: %v", shape.Name, clients, err))
			}
			if res.Clients == 0 {
				continue
			}
			b.logErrors(res)
			main := res.Row("register + confirm: "+shape.Name+" (p50/p99 end to end)", stepRegistration)
			main.Errors = res.TotalErrors()
			b.Rows = append(b.Rows, main)
			for _, step := range []string{stepRegister, stepMail, stepOutbox, stepConfirm} {
				r := res.Row("  ↳ "+step, step)
				if step == stepOutbox {
					r.Scenario, r.Rate = "    ↳ "+step, -1
				}
				b.Rows = append(b.Rows, r)
			}
			b.Ratios = append(b.Ratios, Ratio{Shape: shape.Name, Clients: clients, Memberdb: main.Rate, Limit: limRow.Rate})
			ratio := 0.0
			if limRow.Rate > 0 {
				ratio = main.Rate / limRow.Rate
			}
			b.Goals = append(b.Goals, Goal{
				Text:     fmt.Sprintf("registrations at least 60%% of the direct-SQL limit, %s, %d clients", shape.Name, clients),
				Measured: fmt.Sprintf("%.0f%% (%s of %s registrations/s)", 100*ratio, formatRate(main.Rate), formatRate(limRow.Rate)),
				Met:      ratio >= 0.6,
			})
			if clients >= 64 {
				reg, conf := res.Row("", stepRegister), res.Row("", stepConfirm)
				b.Goals = append(b.Goals, Goal{
					Text:     fmt.Sprintf("registration p99 under 50 ms at %d clients, %s", clients, shape.Name),
					Measured: fmt.Sprintf("POST form %s, POST confirmation %s", formatDuration(reg.P99), formatDuration(conf.P99)),
					Met:      reg.P99 < 50*time.Millisecond && conf.P99 < 50*time.Millisecond,
				})
			}
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s", strings.Join(failures, "; "))
	}
	return probeErr
}

// person is one simulated participant waiting to confirm.
type person struct {
	email      string
	link       string
	registered time.Time // when the registration POST began
}

// registrationRun is one timed run. Each client confirms a registration
// whose mail has arrived when there is one, and otherwise registers a new
// person, as a crowd does when registration opens: new people keep coming
// while the earlier ones click their links. After the run, the outstanding
// confirmations are done untimed, and the result is checked.
func (b *Bench) registrationRun(ctx context.Context, shape Shape, clients int, run string) (Result, error) {
	events := make([]int64, shape.Events)
	for i := range events {
		e, err := CreateEvent(ctx, b.Env.AppDB, fmt.Sprintf("Absolventenfeier %s/%d", run, i), "graduation-ceremony", shape.Capacity)
		if err != nil {
			return Result{}, err
		}
		events[i] = e.ID
	}
	defer func() { _ = CloseRegistration(context.WithoutCancel(ctx), b.Env.AppDB, events...) }()

	runCtx := ctx
	tr := NewTransport(clients, b.Opts.Gzip)
	defer tr.CloseIdleConnections()
	c := NewClient(tr, false)
	base := b.Env.BaseURL

	ready := make(chan person, 1<<16)
	// Each client is one person at a time between registering and
	// confirming: the crowd keeps coming, but no faster than memberdb lets
	// them finish, so the run measures a steady state, not a growing
	// backlog. A client whose person waits for the mail confirms for
	// another whose mail has arrived.
	outstanding := make(chan struct{}, clients)
	var waiting sync.WaitGroup
	var mailMu sync.Mutex
	var mailLatency []time.Duration
	var mailErrors atomic.Int64
	var seq atomic.Int64

	// register reports whether someone now waits for a mail.
	register := func(ctx context.Context, rec *Recorder) bool {
		n := seq.Add(1)
		email := fmt.Sprintf("reg-%s-%d@example.org", run, n)
		event := events[int(n)%len(events)]
		form := graduationForm(fmt.Sprintf("Person %s %d", run, n), email, n)
		start := time.Now()
		if _, _, err := PostForm(ctx, c, fmt.Sprintf("%s/events/%d/registration/", base, event), form,
			clientHeader(n), http.StatusOK); err != nil {
			rec.Fail(stepRegister, err)
			return false
		}
		rec.Since(stepRegister, start)
		posted := time.Now()
		waiting.Add(1)
		go func() {
			defer waiting.Done()
			// The run's own context, not the client's: the wait may outlast
			// the timed run, but not an interrupt.
			waitCtx, cancel := context.WithTimeout(runCtx, 60*time.Second)
			defer cancel()
			link, err := b.Env.Sink.WaitLink(waitCtx, email, confirmPath)
			if err != nil {
				mailErrors.Add(1)
				<-outstanding
				return
			}
			mailMu.Lock()
			mailLatency = append(mailLatency, time.Since(posted))
			mailMu.Unlock()
			ready <- person{email: email, link: link, registered: start}
		}()
		return true
	}
	confirm := func(ctx context.Context, p person, rec *Recorder) bool {
		start := time.Now()
		if _, _, err := PostForm(ctx, c, p.link, confirmForm, confirmHeader, http.StatusSeeOther); err != nil {
			if rec != nil {
				rec.Fail(stepConfirm, err)
			}
			return false
		}
		if rec != nil {
			rec.Since(stepConfirm, start)
			rec.Since(stepRegistration, p.registered)
		}
		return true
	}

	res := RunClients(ctx, clients, b.Opts.Duration, func(ctx context.Context, _ int, rec *Recorder) {
		select {
		case p := <-ready:
			<-outstanding
			confirm(ctx, p, rec)
			return
		default:
		}
		select {
		case outstanding <- struct{}{}:
			if !register(ctx, rec) {
				<-outstanding
			}
		case p := <-ready:
			<-outstanding
			confirm(ctx, p, rec)
		case <-time.After(50 * time.Millisecond):
		}
	})
	mailMu.Lock()
	res.Steps[stepMail] = slices.Clone(mailLatency)
	mailMu.Unlock()

	// Confirm the rest, untimed, so that the checks see every registration
	// through.
	go func() { waiting.Wait(); close(ready) }()
	var drain sync.WaitGroup
	var drainErrors atomic.Int64
	for range clients {
		drain.Add(1)
		go func() {
			defer drain.Done()
			for p := range ready {
				if !confirm(ctx, p, nil) {
					drainErrors.Add(1)
				}
			}
		}()
	}
	drain.Wait()
	res.Errors[stepMail] += int(mailErrors.Load())
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	var problems []string
	if n := drainErrors.Load(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d confirmations after the timed run failed", n))
	}
	if err := checkCapacity(ctx, b.Env.AppDB, events); err != nil {
		problems = append(problems, err.Error())
	}
	if err := b.checkMails(ctx, events); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return res, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	outbox, err := b.outboxLatency(ctx, events)
	res.Steps[stepOutbox] = outbox
	return res, err
}

// outboxLatency reads how long the confirmation requests of the run stayed
// in the outbox (from the registration's transaction to the worker's record
// of sending): the part of the mail's way that is memberdb's worker.
func (b *Bench) outboxLatency(ctx context.Context, events []int64) ([]time.Duration, error) {
	const q = `
		SELECT extract(epoch FROM sent_at - created_at)::float8 FROM mail_outbox
		WHERE event_id = ANY($1) AND kind = 'event_registration_pending' AND status = 'sent'`
	rows, err := b.Env.AppDB.Query(ctx, q, events)
	if err != nil {
		return nil, err
	}
	secs, err := pgx.CollectRows(rows, pgx.RowTo[float64])
	out := make([]time.Duration, len(secs))
	for i, s := range secs {
		out[i] = time.Duration(s * float64(time.Second))
	}
	return out, err
}

// graduationForm is a valid answer to the graduation-ceremony schema.
func graduationForm(name, email string, n int64) url.Values {
	courses := []string{"Physik", "Medizinphysik", "Lehramt"}
	degrees := []string{"Bachelor", "Master", "Promotion"}
	chairs := []string{"E1", "E2", "E3", "E4", "E5", "T1", "T2", "T3", "Beschleunigerphysik"}
	v := url.Values{
		"name":            {name},
		"email":           {email},
		"course":          {courses[n%3]},
		"degree":          {degrees[n%3]},
		"chair":           {chairs[n%int64(len(chairs))]},
		"guests":          {fmt.Sprint(1 + n%4)},
		"title":           {fmt.Sprintf("Messung der $W$-Boson-Masse mit $%d\\,\\mathrm{fb}^{-1}$", n%300)},
		"valid_exam_date": {"true"},
	}
	if n%2 == 0 {
		v.Set("allow_contact", "true")
	}
	return v
}

// clientHeader gives each simulated person an address of their own, as
// the reverse proxy reports it (memberdb trusts 127.0.0.1 as the proxy in
// the benchmark), so per-address rate limits see a crowd, not one client.
func clientHeader(n int64) http.Header {
	return http.Header{
		"X-Forwarded-For": {fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)},
		"Accept-Language": {"de-DE,de;q=0.9"},
	}
}

// checkMails waits until memberdb's worker has delivered every mail of the
// run's registrations and checks that each person got as many mails at the
// sink as memberdb queued for them, at least the confirmation request and
// the answer to their confirmation.
func (b *Bench) checkMails(ctx context.Context, events []int64) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var pending int
		err := b.Env.AppDB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE event_id = ANY($1) AND status IN ('queued', 'sending')`, events).Scan(&pending)
		if err != nil {
			return err
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d mails of the run still undelivered after 3 minutes", pending)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	// Delivered means handed to the sink; give its bookkeeping a moment.
	_ = sleep(ctx, 200*time.Millisecond)
	const q = `
		SELECT p.email, r.status,
		       (SELECT count(*) FROM mail_outbox m WHERE m.person_id = p.id),
		       (SELECT count(*) FROM mail_outbox m WHERE m.person_id = p.id AND m.status <> 'sent')
		FROM registrations r JOIN persons p ON p.id = r.person_id
		WHERE r.event_id = ANY($1)`
	rows, err := b.Env.AppDB.Query(ctx, q, events)
	if err != nil {
		return err
	}
	type reg struct {
		Email, Status  string
		Queued, Unsent int
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[reg])
	if err != nil {
		return err
	}
	var bad []string
	for _, r := range regs {
		got := b.Env.Sink.Count(r.Email)
		want := 2
		if r.Status == "pending" {
			want = 1
		}
		if r.Unsent > 0 || got != r.Queued || got < want {
			bad = append(bad, fmt.Sprintf("%s (%s): %d mails queued, %d unsent, %d arrived", r.Email, r.Status, r.Queued, r.Unsent, got))
		}
	}
	if len(regs) == 0 {
		return fmt.Errorf("no registrations were stored")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d of %d registrations did not get their mails, e.g. %s", len(bad), len(regs), bad[0])
	}
	return nil
}
