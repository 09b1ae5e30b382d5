package web

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/pepalumni/memberdb/components/i18n"
)

// AccessLog logs one line per request. It logs the route pattern, never the
// path or query, because mailed links carry tokens in their path.
func (s *Site) AccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", middleware.GetReqID(r.Context())),
			slog.String("method", r.Method),
			slog.String("route", routePattern(r)),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)))
	})
}

// Recover turns a panic into a logged error and the generic 500 page.
func (s *Site) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "request_id", middleware.GetReqID(r.Context()),
					"route", routePattern(r), "panic", v, "stack", string(debug.Stack()))
				s.Error(w, r, http.StatusInternalServerError, "")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows no inline script. Inline styles stay allowed
// because KaTeX positions its glyphs with style attributes.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// Body size limits: forms are small; only multipart uploads (attachments of
// organiser mails, 10 MB) may be larger.
const (
	MaxFormBody      = 1 << 20
	MaxMultipartBody = 11 << 20
)

// LimitBody caps the request body.
func LimitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxFormBody)
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = MaxMultipartBody
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// IsTooLarge reports whether err came from a body over the limit; handlers
// answer 413 then.
func IsTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// CrossOrigin rejects unsafe requests from other sites (CSRF) with 403,
// using the browser's Sec-Fetch-Site and Origin headers.
func (s *Site) CrossOrigin(baseURL string) (func(http.Handler) http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(strings.TrimRight(baseURL, "/")); err != nil {
		return nil, err
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, http.StatusForbidden, "")
	}))
	return cop.Handler, nil
}

// langCookie keeps the language switcher's choice. It is a cookie of its
// own, not part of the session, so choosing a language stores nothing on
// the server (anyone could otherwise fill the sessions table with it).
const langCookie = "memberdb_lang"

// Language picks the request's language: the switcher's choice, else
// Accept-Language, else German.
func (s *Site) Language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language")
		w.Header().Add("Vary", "Cookie")
		next.ServeHTTP(w, withLanguage(r))
	})
}

func withLanguage(r *http.Request) *http.Request {
	if c, err := r.Cookie(langCookie); err == nil {
		if lang, ok := i18n.Parse(c.Value); ok {
			return r.WithContext(i18n.WithLang(r.Context(), lang))
		}
	}
	return r.WithContext(i18n.WithLang(r.Context(), i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))))
}

// SessionError is the session manager's answer when it cannot load or save
// a session: the database is down (503 with Retry-After) or failing (500),
// told in the visitor's language on the usual error page.
func (s *Site) SessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.ServerError(w, withLanguage(r), err)
}

// SwitchLanguage is POST /lang: remember the choice and go back.
func (s *Site) SwitchLanguage(w http.ResponseWriter, r *http.Request) {
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		s.Error(w, r, http.StatusBadRequest, "")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     langCookie,
		Value:    string(lang),
		Path:     "/",
		MaxAge:   365 * 24 * 60 * 60,
		HttpOnly: true,
		Secure:   s.Sessions.Cookie.Secure,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, LocalPath(r.PostFormValue("return"), "/"), http.StatusSeeOther)
}
