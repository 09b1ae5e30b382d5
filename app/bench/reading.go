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
	uncached := isZeroDuration(b.Opts.PageCacheTTL)
	floor := map[int]float64{}
	for i, p := range pages {
		for _, clients := range b.Opts.Clients {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.logf("  %s, %d clients", p.name, clients)
			profiled := b.profile(ctx, fmt.Sprintf("read-%s-%d", slug(p.name), clients))
			cost := b.requestCost(ctx, b.Env.Server)
			res := b.readRun(ctx, p.url, p.header, clients, p.want)
			cost(p.name, res)
			profiled()
			row := res.Row(p.name, "GET")
			b.Rows = append(b.Rows, row)
			b.logErrors(res)
			switch {
			case i == 0:
				floor[clients] = row.Rate
			case uncached && i <= 2:
				b.uncachedGoal(p.name, i == 1, clients, row)
			case i == 1 && floor[clients] > 0:
				share := row.Rate / floor[clients]
				b.Goals = append(b.Goals, Goal{
					Number: 3, Text: fmt.Sprintf("GET /events/ cached at least 60 %% of the HTTP floor, %d clients", clients),
					Measured: fmt.Sprintf("%.0f %% (%s of %s requests/s)", 100*share, formatRate(row.Rate), formatRate(floor[clients])),
					Met:      share >= 0.6 && row.Errors == 0,
				})
			}
			if p.goal && !uncached {
				b.Goals = append(b.Goals, Goal{
					Text:     fmt.Sprintf("%s above 5,000 requests/s at %d clients (issue 8)", p.name, clients),
					Measured: formatRate(row.Rate) + " requests/s", Met: row.Rate > 5000,
				})
			}
		}
	}
	if uncached {
		return nil
	}
	return b.readUncached(ctx, pages[1].name, pages[2].name, "/events/", fmt.Sprintf("/events/%d/registration/", toolbox.ID))
}

// readUncached measures the event list and the toolbox form without the
// page cache, on a second memberdb started with PAGE_CACHE_TTL=0s, so one
// run reports both halves of goal 3.
func (b *Bench) readUncached(ctx context.Context, listName, formName, listPath, formPath string) error {
	b.logf("  starting a memberdb with PAGE_CACHE_TTL=0s")
	p, base, err := b.Env.StartExtraServer(ctx, "memberdb-uncached", map[string]string{"PAGE_CACHE_TTL": "0s"})
	if err != nil {
		return err
	}
	defer p.Stop(20 * time.Second)
	for i, page := range []struct{ name, path string }{{listName, listPath}, {formName, formPath}} {
		for _, clients := range b.Opts.Clients {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.logf("  %s without page cache, %d clients", page.name, clients)
			cost := b.requestCost(ctx, p)
			res := b.readRun(ctx, base+page.path, nil, clients, http.StatusOK)
			cost(page.name+" (PAGE_CACHE_TTL=0s)", res)
			row := res.Row(page.name+" (PAGE_CACHE_TTL=0s)", "GET")
			b.Rows = append(b.Rows, row)
			b.logErrors(res)
			b.uncachedGoal(page.name, i == 0, clients, row)
		}
	}
	return nil
}

// uncachedGoal is goal 3's half without the page cache.
func (b *Bench) uncachedGoal(name string, list bool, clients int, row Row) {
	want := 3000.0
	if list {
		want = 5000
	}
	b.Goals = append(b.Goals, Goal{
		Number: 3, Text: fmt.Sprintf("%s without page cache above %s requests/s, %d clients", name, formatRate(want), clients),
		Measured: formatRate(row.Rate) + " requests/s", Met: row.Rate > want && row.Errors == 0,
	})
}

// isZeroDuration reports whether a PAGE_CACHE_TTL value turns the cache off.
func isZeroDuration(s string) bool {
	d, err := time.ParseDuration(s)
	return err == nil && d == 0
}

func (b *Bench) readRun(ctx context.Context, url string, header http.Header, clients, want int) Result {
	tr := NewTransport(clients, false)
	defer tr.CloseIdleConnections()
	c := NewClient(tr, false)
	header = header.Clone()
	if header == nil {
		header = http.Header{}
	}
	header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")
	askGzip(header, b.Opts.Gzip)
	res := RunClients(ctx, clients, b.Opts.Duration, func(ctx context.Context, _ int, rec *Recorder) {
		start := time.Now()
		if _, _, err := Get(ctx, c, url, header, want); err != nil {
			rec.Fail("GET", err)
			return
		}
		rec.Since("GET", start)
	})
	if err := checkCompressed(ctx, c, url, header, want); err != nil {
		b.Failures = append(b.Failures, err.Error())
	}
	return res
}

// logErrors shows a few error messages of a run, so a failing scenario
// says why.
func (b *Bench) logErrors(res Result) {
	for _, e := range res.FirstErrors {
		b.logf("    error: %s", e)
	}
}
