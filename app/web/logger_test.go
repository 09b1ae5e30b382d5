package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/pepalumni/memberdb/app/web"
)

// With LOG_FORMAT=json every line is a JSON object, and every line logged
// while serving a request (the access log's and the handler's own) carries
// the same request id.
func TestJSONLogLinesCarryTheRequestID(t *testing.T) {
	var out bytes.Buffer
	logger := web.NewLogger(&out, "json")
	site := &web.Site{Logger: logger}
	r := chi.NewRouter()
	r.Use(middleware.RequestID, site.AccessLog)
	r.Get("/events/{id}/", func(w http.ResponseWriter, r *http.Request) {
		logger.WarnContext(r.Context(), "something to note", "event", chi.URLParam(r, "id"))
		logger.With("part", "x").InfoContext(r.Context(), "derived logger")
	})
	for range 2 {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/events/7/", nil))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d log lines, want 6:\n%s", len(lines), out.String())
	}
	ids := map[string]int{}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %s", line)
		}
		id, _ := rec["request_id"].(string)
		if id == "" {
			t.Errorf("no request id: %s", line)
		}
		ids[id]++
		if route, _ := rec["route"].(string); rec["msg"] == "request" && (!strings.Contains(route, "{id}") || strings.Contains(route, "7")) {
			t.Errorf("access log route = %q, want the pattern, not the path", route)
		}
	}
	if len(ids) != 2 {
		t.Errorf("request ids %v, want two requests of three lines each", ids)
	}
	for id, n := range ids {
		if n != 3 {
			t.Errorf("request %s has %d lines, want 3", id, n)
		}
	}
}

// The default stays text; a line without a request carries no id.
func TestTextLogIsTheDefault(t *testing.T) {
	var out bytes.Buffer
	web.NewLogger(&out, "text").Info("started", "addr", "127.0.0.1:8080")
	if got := out.String(); !strings.Contains(got, `level=INFO msg=started addr=127.0.0.1:8080`) || strings.Contains(got, "request_id") {
		t.Errorf("text log line = %q", got)
	}
}
