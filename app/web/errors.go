package web

import (
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/pepalumni/memberdb/components/i18n"
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
	http.StatusTooManyRequests:       "too_many_requests",
}

// Error answers status with a friendly page, a toast for htmx, or JSON.
// detail is an optional, already translated sentence shown below the text.
func (s *Site) Error(w http.ResponseWriter, r *http.Request, status int, detail string) {
	if WantsJSON(r) {
		name, ok := jsonStatus[status]
		if !ok {
			name = "error"
		}
		JSON(w, status, map[string]string{"status": name})
		return
	}
	if IsFragment(r) && status >= 500 {
		// htmx does not swap errors; the toast tells the user.
		SetToasts(w, toastOf("danger", i18n.T(r.Context(), "error.toast")))
		w.WriteHeader(status)
		return
	}
	s.Render(w, r, status, i18n.T(r.Context(), errorTitleKey(status)), ui.ErrorPage(status, detail))
}

func errorTitleKey(status int) string {
	switch status {
	case 401, 403, 404, 405, 410, 413, 429:
		return "error." + itoa(status) + ".title"
	}
	return "error.500.title"
}

// ServerError logs err with the request's id and route and answers 500
// without showing err to the user.
func (s *Site) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	s.Logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
		slog.String("request_id", middleware.GetReqID(r.Context())),
		slog.String("method", r.Method),
		slog.String("route", routePattern(r)),
		slog.Any("error", err))
	s.Error(w, r, http.StatusInternalServerError, "")
}

// ParseForm reads a posted form. When the body is over the limit (413) or
// unreadable (400) it answers itself and reports false.
func (s *Site) ParseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	switch {
	case err == nil:
		return true
	case IsTooLarge(err):
		s.Error(w, r, http.StatusRequestEntityTooLarge, "")
	default:
		s.Error(w, r, http.StatusBadRequest, "")
	}
	return false
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
