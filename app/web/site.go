// Package web is the thin HTTP layer every domain shares: rendering, error
// pages, flash messages, middleware.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/alexedwards/scs/v2"

	"github.com/pepalumni/memberdb/app/ratelimit"
	"github.com/pepalumni/memberdb/components/layout"
)

// Site carries what rendering needs across domains.
type Site struct {
	Sessions *scs.SessionManager
	Logger   *slog.Logger
	Org      layout.Org
	Dev      bool
	// ShellHooks add the request's user-specific parts to the page shell
	// (user name, admin link, pending applications). The accounts and
	// membership domains register theirs when they are wired.
	ShellHooks []func(r *http.Request, s *layout.Shell)
	// BadInputHooks see each request that CheckInput or DecodeJSON refused
	// for text no person types (the login counts it as a failed attempt).
	BadInputHooks []func(r *http.Request)
	// outageLogged is when a database outage was last logged (UnixNano),
	// outageFailures how many requests it failed since.
	outageLogged   atomic.Int64
	outageFailures atomic.Int64
	// Pages caches public pages for anonymous visitors; nil caches nothing.
	Pages *PageCache
	// Limits keeps the rate limits' counts, shared by every instance.
	Limits *ratelimit.Store
	// FlashKey returns the key that signs flash cookies (FlashTo), the
	// same for every instance; nil keeps every flash in a session.
	FlashKey func(context.Context) ([]byte, error)
}
