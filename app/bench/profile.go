package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// profile records a CPU profile of memberdb over the timed run about to
// start, when the benchmark profiles (-profile); the returned func waits
// until it is written to <dir>/<name>.pprof, for `go tool pprof`.
func (b *Bench) profile(ctx context.Context, name string) (wait func()) {
	if b.Env.PprofURL == "" {
		return func() {}
	}
	seconds := max(1, int(b.Opts.Duration/time.Second))
	path := filepath.Join(b.Opts.Profile, name+".pprof")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := fetchProfile(ctx, b.Env.PprofURL+"?seconds="+strconv.Itoa(seconds), path); err != nil {
			b.logf("  profile %s: %v", name, err)
		}
	}()
	return func() { <-done }
}

func fetchProfile(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answers %s", url, resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// slug makes a scenario's name a file name: "GET /events/" → "get-events".
func slug(s string) string {
	var out strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) {
			out.WriteRune(r)
			dash = false
		} else if !dash && out.Len() > 0 {
			out.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(out.String(), "-")
}
