package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

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
// confirmations are done untimed, and the result is checked. People are
// spread over the instances at bases (the first is b.Env.BaseURL, which
// the mailed links name).
func (b *Bench) registrationRun(ctx context.Context, shape Shape, clients int, run string, bases ...string) (Result, error) {
	if len(bases) == 0 {
		bases = []string{b.Env.BaseURL}
	}
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
		base := bases[int(n)%len(bases)]
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
			ready <- person{email: email, link: base + strings.TrimPrefix(link, b.Env.BaseURL), registered: start}
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

	profiled := b.profile(ctx, fmt.Sprintf("register-%s-%d", slug(shape.Name), clients))
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
	profiled()
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
