// Package auth knows who is logged in and what they may do: users, access
// levels and the routes they protect.
package auth

import (
	"net/http"
	"slices"
	"sync"

	"github.com/go-chi/chi/v5"
)

// Level is an access level, stored by its name in access_levels and granted
// to roles. Each domain declares its levels once, as constants next to its
// routes (routes.go), and every guard, Has and Declare takes a Level, so code
// names a level through those constants rather than a string of its own.
type Level string

// Public marks a route anyone may use: no level at all. It is untyped, so
// that it compares with a level and with a level's name alike.
const Public = ""

// LoggedIn marks a route any logged-in user may use, whatever levels they
// hold (the admin index, which lists what its user may open). It is no
// level of the database's.
const LoggedIn Level = "(logged in)"

// Registry remembers the access level of every registered route, so the
// declared levels can be written to the database and a test can check that
// no route was registered without saying who may use it.
type Registry struct {
	mu     sync.Mutex
	routes map[string]Level
	levels map[Level]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{routes: map[string]Level{}, levels: map[Level]bool{}}
}

// Levels returns the names of every declared access level, sorted, as the
// database stores them.
func (reg *Registry) Levels() []string {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	out := make([]string, 0, len(reg.levels))
	for l := range reg.levels {
		out = append(out, string(l))
	}
	slices.Sort(out)
	return out
}

// Declare adds levels that no route names (actions checked inside handlers).
func (reg *Registry) Declare(levels ...Level) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	for _, l := range levels {
		reg.levels[l] = true
	}
}

// RouteLevel returns the name of the level of method+pattern ("" for a
// public route) and whether it was registered through a Router at all.
func (reg *Registry) RouteLevel(method, pattern string) (level string, ok bool) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	l, ok := reg.routes[method+" "+pattern]
	return string(l), ok
}

func (reg *Registry) add(method, pattern string, level Level) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.routes[method+" "+pattern] = level
	if level != Public && level != LoggedIn {
		reg.levels[level] = true
	}
}

// Router registers routes on the root chi router together with their access
// level. Patterns are full paths: domains use Public() or Level(), never
// chi's Route or Mount, so the registry sees the same patterns chi does.
type Router struct {
	mux   chi.Router
	reg   *Registry
	guard func(level Level) func(http.Handler) http.Handler
	// bodies, when set, builds the check that an unsafe request's body is
	// of a kind its route reads (see CheckBodies).
	bodies func(types ...string) func(http.Handler) http.Handler
}

// NewRouter wraps mux; guard builds the middleware enforcing a level.
func NewRouter(mux chi.Router, reg *Registry, guard func(level Level) func(http.Handler) http.Handler) *Router {
	return &Router{mux: mux, reg: reg, guard: guard}
}

// CheckBodies has every unsafe route refuse a body of a kind it does not
// read, through check (web.Site.AcceptBodies). Routes read forms
// (urlencoded); Uploads routes also multipart bodies, API routes JSON.
// Without the check, a form sent as multipart or plain text reached its
// handler as an empty form: a Save that meant "keep these" saved nothing.
func (rt *Router) CheckBodies(check func(types ...string) func(http.Handler) http.Handler) *Router {
	rt.bodies = check
	return rt
}

// Public returns routes anyone may use.
func (rt *Router) Public() Routes { return Routes{rt: rt, level: Public} }

// LoggedIn returns routes for any logged-in user. Anonymous visitors are
// asked to log in like on any protected route.
func (rt *Router) LoggedIn() Routes { return Routes{rt: rt, level: LoggedIn} }

// Level returns routes that need the access level.
func (rt *Router) Level(level Level) Routes {
	if level == Public {
		panic("auth: Level needs a name; use Public() for open routes")
	}
	return Routes{rt: rt, level: level}
}

// Routes adds routes sharing one access level.
type Routes struct {
	rt      *Router
	level   Level
	api     bool
	uploads bool
}

// API marks routes of the JSON API for scripts: they take HTTP Basic
// credentials whatever the request accepts. Other routes take them only
// from requests asking for JSON (see Sessions.LoadUser).
func (g Routes) API() Routes {
	g.api = true
	return g
}

// Uploads marks routes whose forms carry files: they read multipart
// bodies as well as urlencoded ones.
func (g Routes) Uploads() Routes {
	g.uploads = true
	return g
}

// Get registers a GET (and HEAD) route.
func (g Routes) Get(pattern string, h http.HandlerFunc) { g.handle(http.MethodGet, pattern, h) }

// Post registers a POST route.
func (g Routes) Post(pattern string, h http.HandlerFunc) { g.handle(http.MethodPost, pattern, h) }

// handle registers h for method and pattern behind the access check.
func (g Routes) handle(method, pattern string, h http.Handler) {
	handler := h
	if g.rt.bodies != nil && method != http.MethodGet {
		handler = g.rt.bodies(g.bodyTypes()...)(handler)
	}
	if g.level != Public {
		handler = g.rt.guard(g.level)(handler)
	}
	if g.api {
		handler = apiBasicAuth(handler)
	}
	g.rt.reg.add(method, pattern, g.level)
	g.rt.mux.Method(method, pattern, handler)
}

// bodyTypes are the media types the routes' handlers read.
func (g Routes) bodyTypes() []string {
	types := []string{"application/x-www-form-urlencoded"}
	if g.uploads {
		types = append(types, "multipart/form-data")
	}
	if g.api {
		types = append(types, "application/json")
	}
	return types
}
