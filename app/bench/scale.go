package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// scaleSizes are the numbers of confirmed registrations of the scale
// scenario's event: what an event has today and ten times that.
var scaleSizes = []int{500, 5000}

// Scale is the scenario -only scale: an organiser reading the participants
// of a toolbox event as it grows, as a page, as CSV and as JSON. It shows
// whether the cost grows with the rows only, and whether the exports are
// streamed (first bytes long before the last, flat memory).
func (b *Bench) Scale(ctx context.Context) error {
	pool := b.Env.AppDB
	ev, err := CreateEvent(ctx, pool, "Toolbox-Workshop (Skalierung)", "toolbox-workshop", 10_000)
	if err != nil {
		return err
	}
	defer func() { _ = CloseRegistration(context.WithoutCancel(ctx), pool, ev.ID) }()
	organiser, err := CreateAdmin(ctx, pool, "organiser", "get_participants")
	if err != nil {
		return err
	}
	tr := NewTransport(1, b.Opts.Gzip)
	defer tr.CloseIdleConnections()
	c, err := organiser.LogIn(ctx, tr, b.Env.BaseURL)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("%s/events/%d/participants", b.Env.BaseURL, ev.ID)
	views := []struct {
		name, url string
		header    http.Header
		export    bool
		goal      time.Duration
	}{
		{"participants page (HTML, default filter)", base + "/", nil, false, 150 * time.Millisecond},
		{"participants CSV", base + ".csv", nil, true, 400 * time.Millisecond},
		{"participants JSON", base + "/", http.Header{"Accept": {"application/json"}}, true, 400 * time.Millisecond},
	}
	if _, _, err := Get(ctx, c, views[0].url, nil, http.StatusOK); err != nil {
		return probeError("/events/{id}/participants/", err)
	}
	seeded := 0
	for _, n := range scaleSizes {
		b.logf("  seeding %d confirmed registrations", n)
		if err := SeedRegistrations(ctx, pool, ev.ID, seeded, n); err != nil {
			return err
		}
		seeded = n
		b.settle(ctx)
		for _, v := range views {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.logf("  %s, %d registrations", v.name, n)
			m, err := b.measureView(ctx, c, v.url, v.header, v.export, fmt.Sprintf("scale-%s-%d", slug(v.name), n))
			if err != nil {
				return fmt.Errorf("%s at %d registrations: %w", v.name, n, err)
			}
			b.Rows = append(b.Rows, Row{Scenario: fmt.Sprintf("%s, %d registrations", v.name, n), Clients: 1,
				Rate: m.rate, P50: m.p50, P99: m.p99,
				Note: fmt.Sprintf("(first byte p50 %s, %s, RSS +%.1f MB)", formatDuration(m.firstByte), formatBytes(m.size), m.rssGrowth)})
			if n != 5000 {
				continue
			}
			g := Goal{Number: 5, Text: fmt.Sprintf("%s at 5,000 registrations: p50 under %s", v.name, formatDuration(v.goal)),
				Measured: formatDuration(m.p50), Met: m.p50 < v.goal}
			if v.export {
				streamed := m.firstByte < m.p50/2
				g.Text += ", streamed, RSS growth under 20 MB"
				g.Measured = fmt.Sprintf("p50 %s, first byte %s, RSS +%.1f MB", formatDuration(m.p50), formatDuration(m.firstByte), m.rssGrowth)
				g.Met = g.Met && streamed && m.rssGrowth < 20
			}
			b.Goals = append(b.Goals, g)
		}
	}
	return nil
}

// viewCost is what one way of reading the participants cost.
type viewCost struct {
	p50, p99, firstByte time.Duration
	rate                float64
	size                int64
	// rssGrowth is the peak of memberdb's RSS during one request over
	// its RSS before it, in MB.
	rssGrowth float64
}

// measureView fetches u alone, repeatedly for the run's duration (at
// least five times); an export is first fetched once while watching
// memberdb's memory. The timed requests are profiled as name.
func (b *Bench) measureView(ctx context.Context, c *http.Client, u string, header http.Header, export bool, name string) (viewCost, error) {
	var m viewCost
	if export {
		// Memory first, from an idle server that has given back what
		// earlier requests grew (it does so within seconds of quiet).
		if err := sleep(ctx, 5*time.Second); err != nil {
			return m, err
		}
		growth, err := b.rssGrowth(ctx, func() error {
			_, _, _, err := timedGet(ctx, c, u, header)
			return err
		})
		if err != nil {
			return m, err
		}
		m.rssGrowth = growth
	}
	var total, first []time.Duration
	profiled := b.profile(ctx, name)
	defer profiled()
	start := time.Now()
	for len(total) < 5 || time.Since(start) < b.Opts.Duration {
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
		t, fb, size, err := timedGet(ctx, c, u, header)
		if err != nil {
			return m, err
		}
		total, first = append(total, t), append(first, fb)
		m.size = size
	}
	m.rate = float64(len(total)) / time.Since(start).Seconds()
	slices.Sort(total)
	slices.Sort(first)
	m.p50, m.p99, m.firstByte = Percentile(total, 50), Percentile(total, 99), Percentile(first, 50)
	return m, nil
}

// timedGet reads u to the end and says how long the whole answer and its
// first byte took.
func timedGet(ctx context.Context, c *http.Client, u string, header http.Header) (total, firstByte time.Duration, size int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	// Headers go out with the first bytes of the body.
	firstByte = time.Since(start)
	size, err = io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = &StatusError{Method: req.Method, URL: u, Status: resp.StatusCode}
	}
	return time.Since(start), firstByte, size, err
}

// rssGrowth runs do and returns by how many MB memberdb's peak RSS during
// it exceeded its RSS before. The kernel's peak (VmHWM) is reset first
// (clear_refs 5); where that is not allowed, RSS is sampled instead.
func (b *Bench) rssGrowth(ctx context.Context, do func() error) (float64, error) {
	pid := b.Env.Server.Pid
	before, err := ReadMemory(pid)
	if err != nil {
		return 0, err
	}
	reset := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	peak := before.RSS
	done := make(chan error, 1)
	go func() { done <- do() }()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			after, rerr := ReadMemory(pid)
			if rerr != nil {
				return 0, rerr
			}
			peak = max(peak, after.RSS)
			if reset {
				peak = max(peak, after.Peak)
			}
			return peak - before.RSS, err
		case <-tick.C:
			if now, err := ReadMemory(pid); err == nil {
				peak = max(peak, now.RSS)
			}
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// SeedRegistrations adds confirmed registrations from+1 … to of new
// persons to the toolbox event ev, with answers to every question.
func SeedRegistrations(ctx context.Context, pool *pgxpool.Pool, ev int64, from, to int) error {
	const q = `
		WITH p AS (
			INSERT INTO persons (name, email, email_valid)
			SELECT 'Teilnehmerin ' || g || ' Müller', 'scale-' || $1::bigint || '-' || g || '@example.org', true
			FROM generate_series($2::int + 1, $3::int) g
			RETURNING id)
		INSERT INTO registrations (event_id, person_id, status, confirmed_at, data)
		SELECT $1, p.id, 'confirmed', now() - (p.id % 1000) * interval '1 minute',
		       jsonb_build_object(
		         'toolbox', p.id % 2 = 0, 'latex', p.id % 3 <> 0,
		         'os', (ARRAY['Windows', 'macOS', 'Debian/Ubuntu/Mint', 'Fedora/RedHat', 'ArchLinux', 'Was exotisches'])[1 + p.id % 6],
		         'skill', (ARRAY['Noch nie programmiert', 'Schon mal programmiert, aber noch nicht in Python',
		                         'Schon mal programmiert, auch in Python'])[1 + p.id % 3],
		         'languages', jsonb_build_object('c', p.id % 2 = 0, 'cpp', p.id % 5 = 0, 'python', true,
		                         'javascript', p.id % 4 = 0, 'java', false, 'haskell', false, 'pascal', false,
		                         'fortran', p.id % 7 = 0, 'other', 'Julia'),
		         'toolbox_interests', jsonb_build_object('git', true, 'python', true, 'make', p.id % 2 = 0,
		                         'cli', true, 'plotting', p.id % 3 = 0, 'uncertainties', false),
		         'latex_level', (ARRAY['Noch nie gehört', 'Schon mal ausprobiert', 'TeXpert'])[1 + p.id % 3],
		         'latex_interests', jsonb_build_object('text', true, 'math', true, 'toc', false, 'bib', p.id % 2 = 0,
		                         'tikz', false, 'beamer', p.id % 4 = 0),
		         'other_interesets', 'Wie man $\int_0^1 x\,dx$ setzt',
		         'remarks', 'Am Dienstag erst ab 14 Uhr, weil ich eine Übung habe.')
		FROM p ` + benchMark
	if _, err := pool.Exec(ctx, q, ev, from, to); err != nil {
		return fmt.Errorf("seeding registrations %d to %d: %w", from+1, to, err)
	}
	// As after SeedPersons: rows marked visible, as in a table in use.
	return vacuumPersons(ctx, pool, "registrations")
}
