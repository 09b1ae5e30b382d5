package web

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
	"github.com/pepalumni/memberdb/components/ui"
)

// WantsJSON reports whether the client asked for JSON rather than HTML.
func WantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt == "application/json" {
			return true
		}
		if mt == "text/html" {
			return false
		}
	}
	return false
}

var jsonStatus = map[int]string{
	http.StatusUnauthorized:          "access_denied",
	http.StatusForbidden:             "access_denied",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusGone:                  "gone",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusTooManyRequests:       "too_many_requests",
}

// Error answers status with a friendly page, a toast for htmx, or JSON.
// detail is an optional, already translated sentence shown below the text.
// It never calls itself or ServerError: when the page cannot be rendered
// the client gets a fixed plain-text answer instead.
func (s *Site) Error(w http.ResponseWriter, r *http.Request, status int, detail string) {
	if ClientGone(r) {
		// A client that only half-closed still reads the status: it was
		// an empty 200 for a request nothing came of.
		s.logGone(r, nil)
		w.WriteHeader(status)
		return
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "30")
	}
	if WantsJSON(r) {
		name, ok := jsonStatus[status]
		if !ok {
			name = "error"
		}
		JSON(w, status, map[string]string{"status": name})
		return
	}
	if IsFragment(r) && (status >= 500 || detail != "") {
		// htmx does not swap errors, and a detail has no place in the
		// swapped region: the toast tells the user.
		text := detail
		if text == "" {
			text = i18n.T(r.Context(), "error.toast")
		}
		SetToasts(w, toastOf("danger", text))
		w.Header().Set("HX-Reswap", "none")
		w.WriteHeader(status)
		return
	}
	var page templ.Component = ui.ErrorPage(status, detail)
	if !IsFragment(r) {
		page = layout.Page(s.Shell(r, i18n.T(r.Context(), "error."+ui.KnownStatus(status)+".title")), page)
	}
	if err := s.tryWrite(w, r, status, page); err != nil {
		if ClientGone(r) {
			s.logGone(r, err)
			return
		}
		s.logError(r, "error page failed", err)
		plainError(w, status)
	}
}

// plainError is the answer of last resort: fixed text that cannot fail.
func plainError(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Del("HX-Trigger")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, strconv.Itoa(status)+" "+http.StatusText(status)+"\n")
}

// ClientGone reports whether the client hung up (or the request timed
// out): nothing more should be rendered or written for it.
func ClientGone(r *http.Request) bool { return r.Context().Err() != nil }

// logGone notes an abandoned request once, quietly: it is not a fault of
// the server.
func (s *Site) logGone(r *http.Request, err error) {
	attrs := []slog.Attr{
		slog.String("request_id", middleware.GetReqID(r.Context())),
		slog.String("method", r.Method),
		slog.String("route", routePattern(r)),
	}
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
	}
	s.Logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelDebug, "client gone", attrs...)
}

// outageLogEvery spaces the log lines of a database outage: every request
// fails the same way then, and one line per request would bury the log.
const outageLogEvery = 10 * time.Second

// logOutage logs that the database cannot be reached, once per
// outageLogEvery with the number of requests failed since the last line.
func (s *Site) logOutage(r *http.Request, err error) {
	n := s.outageFailures.Add(1)
	now := time.Now().UnixNano()
	last := s.outageLogged.Load()
	if now-last < int64(outageLogEvery) || !s.outageLogged.CompareAndSwap(last, now) {
		return
	}
	s.outageFailures.Add(-n)
	s.Logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelError, "database unavailable",
		slog.String("route", routePattern(r)),
		slog.Int64("requests_failed", n),
		slog.Any("error", err))
}

func (s *Site) logError(r *http.Request, msg string, err error) {
	s.Logger.LogAttrs(context.WithoutCancel(r.Context()), slog.LevelError, msg,
		slog.String("request_id", middleware.GetReqID(r.Context())),
		slog.String("method", r.Method),
		slog.String("route", routePattern(r)),
		slog.Any("error", err))
}

// ServerError logs err with the request's id and route and answers 500
// without showing err to the user. A request whose client has gone gets
// one quiet log line and no answer; a database that cannot be reached
// gets 503 with Retry-After.
func (s *Site) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r) {
		// Not the server's fault, and no 500 in its log or metrics: a
		// client that left mid-request is not told of a failure it caused.
		s.logGone(r, err)
		return
	}
	if db.Unavailable(err) {
		s.logOutage(r, err)
		s.Error(w, r, http.StatusServiceUnavailable, "")
		return
	}
	s.logError(r, "request failed", err)
	s.Error(w, r, http.StatusInternalServerError, "")
}

// ParseForm reads a posted form. When the body is over the limit (413),
// unreadable (400) or holds text no person types (422, see CheckInput) it
// answers itself and reports false.
func (s *Site) ParseForm(w http.ResponseWriter, r *http.Request) bool {
	if !s.parseBody(w, r) {
		return false
	}
	if field, bad := CheckValues(r.Form); bad {
		s.RejectField(w, r, field)
		return false
	}
	return true
}

// NotFound is the router's 404 handler.
func (s *Site) NotFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, http.StatusNotFound, "")
}

// MethodNotAllowed is the router's 405 handler.
func (s *Site) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, http.StatusMethodNotAllowed, "")
}

func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	return "(unrouted)"
}
