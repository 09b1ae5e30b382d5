package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Reading is scenario 2: anonymous visitors reading the event list, the
// largest registration form (toolbox workshop) and an event's JSON.
func (b *Bench) Reading(ctx context.Context) error {
	pool := b.Env.AppDB
	toolbox, err := CreateEvent(ctx, pool, "Toolbox-Workshop", "toolbox-workshop", 120)
	if err != nil {
		return err
	}
	for _, s := range []string{"graduation-ceremony", "summer-academy"} {
		if _, err := CreateEvent(ctx, pool, "Offene Veranstaltung "+s, s, 200); err != nil {
			return err
		}
	}
	if err := SeedPastEvents(ctx, pool, 7); err != nil {
		return err
	}

	base := b.Env.BaseURL
	pages := []struct {
		name, url string
		header    http.Header
		goal      bool
		want      int
	}{
		// No handler work at all: what HTTP on this machine, load generator
		// included, can do at most.
		{"GET /favicon.ico (a redirect: the HTTP floor)", base + "/favicon.ico", nil, false, http.StatusMovedPermanently},
		{"GET /events/", base + "/events/", nil, true, http.StatusOK},
		{"GET /events/{id}/registration/ (toolbox schema)", fmt.Sprintf("%s/events/%d/registration/", base, toolbox.ID), nil, true, http.StatusOK},
		{"GET /events/{id}/ (event JSON)", fmt.Sprintf("%s/events/%d/", base, toolbox.ID),
			http.Header{"Accept": {"application/json"}}, false, http.StatusOK},
	}
	probe := NewClient(NewTransport(1, true), false)
	for _, p := range pages {
		if _, _, err := Get(ctx, probe, p.url, p.header, p.want); err != nil {
			return probeError(p.name, err)
		}
	}
	for _, p := range pages {
		for _, clients := range b.Opts.Clients {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.logf("  %s, %d clients", p.name, clients)
			profiled := b.profile(ctx, fmt.Sprintf("read-%s-%d", slug(p.name), clients))
			res := b.readRun(ctx, p.url, p.header, clients, p.want)
			profiled()
			row := res.Row(p.name, "GET")
			b.Rows = append(b.Rows, row)
			b.logErrors(res)
			if p.goal {
				b.Goals = append(b.Goals, Goal{
					Text:     fmt.Sprintf("%s above 5,000 requests/s at %d clients", p.name, clients),
					Measured: formatRate(row.Rate) + " requests/s", Met: row.Rate > 5000,
				})
			}
		}
	}
	return nil
}

func (b *Bench) readRun(ctx context.Context, url string, header http.Header, clients, want int) Result {
	tr := NewTransport(clients, b.Opts.Gzip)
	defer tr.CloseIdleConnections()
	c := NewClient(tr, false)
	if header == nil {
		header = http.Header{}
	}
	header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
	return RunClients(ctx, clients, b.Opts.Duration, func(ctx context.Context, _ int, rec *Recorder) {
		start := time.Now()
		if _, _, err := Get(ctx, c, url, header, want); err != nil {
			rec.Fail("GET", err)
			return
		}
		rec.Since("GET", start)
	})
}

// logErrors shows a few error messages of a run, so a failing scenario
// says why.
func (b *Bench) logErrors(res Result) {
	for _, e := range res.FirstErrors {
		b.logf("    error: %s", e)
	}
}
