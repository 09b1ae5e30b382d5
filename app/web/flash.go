package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/pepalumni/memberdb/components/layout"
)

const flashKey = "flash"

// Flash keeps a message for the next page the user sees (after a redirect)
// or the toast of the current htmx response. text is already translated.
func (s *Site) Flash(r *http.Request, kind, text string) {
	flashes := s.peekFlashes(r)
	flashes = append(flashes, layout.Flash{Kind: kind, Text: text})
	b, _ := json.Marshal(flashes)
	s.Sessions.Put(r.Context(), flashKey, string(b))
	if s.Sessions.Token(r.Context()) == "" {
		// A session made only to carry this message to the next page
		// need not outlive it; a login renews it to the full lifetime.
		s.Sessions.SetDeadline(r.Context(), time.Now().Add(AnonymousSessionLifetime))
	}
}

// AnonymousSessionLifetime bounds a session that holds nothing but a flash
// message for a visitor who is not logged in.
const AnonymousSessionLifetime = 15 * time.Minute

func (s *Site) peekFlashes(r *http.Request) []layout.Flash {
	var flashes []layout.Flash
	if raw := s.Sessions.GetString(r.Context(), flashKey); raw != "" {
		_ = json.Unmarshal([]byte(raw), &flashes)
	}
	return flashes
}

type sessionReadyKey struct{}

// SessionReady marks requests whose session is loaded; an error page for a
// request without one (a panic in early middleware) shows no flashes.
func (s *Site) SessionReady(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.withCookieFlashes(w, r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionReadyKey{}, true)))
	})
}

func (s *Site) popFlashes(r *http.Request) []layout.Flash {
	if r.Context().Value(sessionReadyKey{}) == nil {
		return nil
	}
	var flashes []layout.Flash
	if s.Sessions.Exists(r.Context(), flashKey) {
		flashes = s.peekFlashes(r)
		s.Sessions.Remove(r.Context(), flashKey)
	}
	if pending := cookieFlashes(r.Context()); pending != nil {
		flashes = append(flashes, *pending...)
		*pending = nil
	}
	return flashes
}

func toastOf(kind, text string) layout.Flash { return layout.Flash{Kind: kind, Text: text} }
