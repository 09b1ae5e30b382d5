package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"
)

// NewTransport is shared by every client of a scenario: enough idle
// connections that no client ever waits for or re-dials one. gzip asks for
// compressed answers as browsers do (net/http decompresses transparently).
// Timed reading runs pass false and ask for gzip themselves (askGzip).
func NewTransport(clients int, gzip bool) *http.Transport {
	return &http.Transport{
		MaxIdleConns:        2 * clients,
		MaxIdleConnsPerHost: 2 * clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  !gzip,
	}
}

// NewClient returns a client that does not follow redirects (the scenarios
// follow them when a browser would) and keeps cookies when jar is true.
func NewClient(tr *http.Transport, jar bool) *http.Client {
	c := &http.Client{
		Transport: tr,
		Timeout:   30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	if jar {
		c.Jar, _ = cookiejar.New(nil)
	}
	return c
}

// askGzip asks for compressed answers in header when the run does, on a
// transport made with gzip false, which then hands the answer on as it
// came: the timed reading runs read the compressed bytes as wrk does.
// Decompressing is the browser's work; here it would take the two cores
// from the server it measures (a third of the load generator's CPU on the
// toolbox form). The probes before each run read the page decompressed.
func askGzip(header http.Header, gzip bool) {
	if gzip {
		header.Set("Accept-Encoding", "gzip")
	}
}

// checkCompressed asks for u once more the way the timed run did and reads
// the answer through gzip when it came compressed, so a broken stream
// cannot pass unnoticed because the timed run did not decompress it.
func checkCompressed(ctx context.Context, c *http.Client, u string, header http.Header, want int) error {
	resp, body, err := Get(ctx, c, u, header, want)
	if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err == nil {
		_, err = io.Copy(io.Discard, zr)
	}
	if err != nil {
		return fmt.Errorf("GET %s: the compressed answer does not decompress: %w", u, err)
	}
	return nil
}

// Recorder collects the latencies of one client's steps; each client has its
// own, so recording needs no lock.
type Recorder struct {
	steps  map[string][]time.Duration
	errors map[string]int
	first  []string
}

func newRecorder() *Recorder {
	return &Recorder{steps: map[string][]time.Duration{}, errors: map[string]int{}}
}

// Since records the time since start for step.
func (r *Recorder) Since(step string, start time.Time) time.Duration {
	d := time.Since(start)
	r.steps[step] = append(r.steps[step], d)
	return d
}

// Fail counts an error of step and keeps the first few messages.
func (r *Recorder) Fail(step string, err error) {
	r.errors[step]++
	if len(r.first) < 3 {
		r.first = append(r.first, fmt.Sprintf("%s: %v", step, err))
	}
}

// Result is what all clients of one run recorded.
type Result struct {
	Clients int
	Elapsed time.Duration
	Steps   map[string][]time.Duration
	Errors  map[string]int
	// FirstErrors are a few error messages, to say what went wrong.
	FirstErrors []string
}

// Row is the table line of one step.
func (res Result) Row(scenario, step string) Row {
	return RowFromSamples(scenario, res.Clients, res.Steps[step], res.Elapsed, res.Errors[step])
}

// TotalErrors counts the errors of every step.
func (res Result) TotalErrors() int {
	n := 0
	for _, e := range res.Errors {
		n += e
	}
	return n
}

// RunClients runs clients goroutines that call work until d has passed (or
// ctx ends) and merges what they recorded. work is one operation; it is
// given a context that ends a little after d, so a request in flight at the
// end finishes or is cut off instead of running on.
func RunClients(ctx context.Context, clients int, d time.Duration, work func(ctx context.Context, client int, rec *Recorder)) Result {
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	deadline := time.Now().Add(d)
	recs := make([]*Recorder, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		recs[i] = newRecorder()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				work(ctx, i, recs[i])
			}
		}()
	}
	wg.Wait()
	res := Result{Clients: clients, Elapsed: time.Since(start), Steps: map[string][]time.Duration{}, Errors: map[string]int{}}
	for _, r := range recs {
		for k, v := range r.steps {
			res.Steps[k] = append(res.Steps[k], v...)
		}
		for k, v := range r.errors {
			res.Errors[k] += v
		}
		if len(res.FirstErrors) < 5 {
			res.FirstErrors = append(res.FirstErrors, r.first...)
		}
	}
	return res
}

// StatusError is an HTTP answer the scenario did not expect.
type StatusError struct {
	Method, URL string
	Status      int
	Body        string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.URL, e.Status, e.Body)
}

// Do sends req, reads the whole body (so the connection is reused) and
// returns it; a status other than one of want is an error.
func Do(c *http.Client, req *http.Request, want ...int) (*http.Response, []byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp, nil, err
	}
	for _, w := range want {
		if resp.StatusCode == w {
			return resp, body, nil
		}
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			body, _ = io.ReadAll(zr)
		}
	}
	snippet := strings.Join(strings.Fields(string(body)), " ")
	if len(snippet) > 200 {
		snippet = snippet[:200] + "…"
	}
	return resp, body, &StatusError{Method: req.Method, URL: req.URL.String(), Status: resp.StatusCode, Body: snippet}
}

// Get is Do for a GET.
func Get(ctx context.Context, c *http.Client, u string, header http.Header, want ...int) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return Do(c, req, want...)
}

// PostForm is Do for a form POST.
func PostForm(ctx context.Context, c *http.Client, u string, form url.Values, header http.Header, want ...int) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return Do(c, req, want...)
}
