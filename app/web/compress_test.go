package web

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A streamed answer arrives row by row: what the handler flushed can be
// read before it writes on. Larger answers than a block arrive whole.
func TestCompressStreamsFlushedRowsAndWholePages(t *testing.T) {
	proceed := make(chan struct{})
	page := strings.Repeat("<tr><td>Müller</td><td>anna@example.org</td></tr>\n", 3000)
	h := Compress("text/csv", "text/html")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/page" {
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, page)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		_, _ = io.WriteString(w, "first row\n")
		w.(http.Flusher).Flush()
		<-proceed
		_, _ = io.WriteString(w, "second row\n")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer close(proceed)
	get := func(path string) *http.Response {
		// A flush that never reaches the client fails the read below
		// when this ends, instead of hanging the test.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := srv.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s is not compressed", path)
		}
		return resp
	}

	resp := get("/stream")
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(zr)
	// The handler waits until the first row was read.
	if line, err := lines.ReadString('\n'); err != nil || line != "first row\n" {
		t.Fatalf("first row: %q, %v", line, err)
	}
	proceed <- struct{}{}
	if rest, err := io.ReadAll(lines); err != nil || string(rest) != "second row\n" {
		t.Fatalf("rest: %q, %v", rest, err)
	}

	// A client that takes deflate but not gzip gets deflate that decodes.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/page", nil)
	req.Header.Set("Accept-Encoding", "deflate")
	dresp, err := srv.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer dresp.Body.Close()
	var dbody io.Reader = dresp.Body
	if dresp.Header.Get("Content-Encoding") == "deflate" {
		dbody = flate.NewReader(dresp.Body)
	}
	if b, err := io.ReadAll(dbody); err != nil || string(b) != page {
		t.Fatalf("deflate: the page arrived changed (%d of %d bytes, %q): %v", len(b), len(page), dresp.Header.Get("Content-Encoding"), err)
	}

	resp = get("/page")
	defer resp.Body.Close()
	zr, err = gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || string(body) != page {
		t.Fatalf("the page arrived changed (%d of %d bytes): %v", len(body), len(page), err)
	}
}
