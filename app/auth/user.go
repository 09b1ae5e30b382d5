package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/audit"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// User is the logged-in user of a request.
type User struct {
	ID       int64
	Username string
	PersonID int64
	Name     string
	Email    string
	levels   map[Level]bool
}

// Has reports whether the user holds the access level.
func (u *User) Has(level Level) bool { return u != nil && u.levels[level] }

type userKey struct{}

// CurrentUser returns the request's user, nil when anonymous.
func CurrentUser(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// AuditActor is the request's user as the audit log names them, or
// fallback (the command line, the system) when nobody is logged in.
func AuditActor(ctx context.Context, fallback string) audit.Entry {
	u := CurrentUser(ctx)
	if u == nil {
		return audit.Entry{Actor: fallback}
	}
	id := u.ID
	return audit.Entry{UserID: &id, Actor: u.Username}
}

// WithUser stores u in ctx.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// Session keys of a logged-in user.
const (
	sessionUserID = "user_id"
	sessionEpoch  = "user_epoch"
)

// Sessions loads the logged-in user of every request and enforces access
// levels.
type Sessions struct {
	Pool     *pgxpool.Pool
	Sessions *scs.SessionManager
	Site     *web.Site
	// Limits slow down password guessing; DefaultLimits when nil.
	Limits *Limits
	// TrustedProxies may name the client in X-Forwarded-For.
	TrustedProxies []*net.IPNet

	limitsOnce sync.Once
	hooksOnce  sync.Once

	deviceMu       sync.Mutex
	deviceKeyCache []byte
}

// LogIn starts a session for u. The token is renewed so a session id known
// before login (fixation) is worthless afterwards.
func (s *Sessions) LogIn(ctx context.Context, userID int64, epoch int) error {
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return fmt.Errorf("auth: renew session: %w", err)
	}
	s.Sessions.Put(ctx, sessionUserID, userID)
	s.Sessions.Put(ctx, sessionEpoch, epoch)
	return nil
}

// LogOut ends the session entirely.
func (s *Sessions) LogOut(ctx context.Context) error {
	return s.Sessions.Destroy(ctx)
}

// LoadUser puts the request's user into the request context: the user of
// HTTP Basic credentials when a request asking for JSON carries them
// (scripts; no session is made), else the session's user. Other requests
// keep their Basic credentials for a JSON API route (Routes.API) to check;
// everywhere else they are ignored, so a browser that remembers them never
// gets a password prompt for an HTML page. A session of a disabled user, or
// from before their last password change, ends here.
func (s *Sessions) LoadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, password, ok := r.BasicAuth(); ok {
			if web.WantsJSON(r) {
				s.basicAuth(w, r, next, name, password)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), basicKey{}, s))
		}
		id := s.Sessions.GetInt64(r.Context(), sessionUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, epoch, err := s.loadUser(r.Context(), id)
		if errors.Is(err, errNoUser) || (err == nil && epoch != s.Sessions.GetInt(r.Context(), sessionEpoch)) {
			_ = s.Sessions.Destroy(r.Context())
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			s.Site.ServerError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
	})
}

// basicKey marks a request whose Basic credentials LoadUser left for a JSON
// API route; its value is the *Sessions to check them with.
type basicKey struct{}

// apiBasicAuth serves the routes of the JSON API: Basic credentials that
// LoadUser left unchecked are checked here, whatever the request accepts.
func apiBasicAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := r.Context().Value(basicKey{}).(*Sessions)
		name, password, ok := r.BasicAuth()
		if s == nil || !ok {
			next.ServeHTTP(w, r)
			return
		}
		s.basicAuth(w, r, next, name, password)
	})
}

// basicAuth serves r as the user of its Basic credentials. Wrong ones are
// answered 401 at once, whatever the route: a script should learn that its
// credentials are wrong rather than see a public answer as anonymous.
func (s *Sessions) basicAuth(w http.ResponseWriter, r *http.Request, next http.Handler, name, password string) {
	c, retry, err := s.Authenticate(r.Context(), Attempt{
		Client: web.ClientIP(r, s.TrustedProxies), UserOrEmail: name, Password: password,
	})
	switch {
	case errors.Is(err, ErrTooManyAttempts):
		s.Site.TooManyRequests(w, r, retry)
		return
	case errors.Is(err, ErrBadCredentials):
		askForBasic(w)
		return
	case err != nil:
		s.Site.ServerError(w, r, err)
		return
	}
	u, _, err := s.loadUser(r.Context(), c.UserID)
	if errors.Is(err, errNoUser) {
		askForBasic(w)
		return
	}
	if err != nil {
		s.Site.ServerError(w, r, err)
		return
	}
	next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
}

// askForBasic is the 401 of the JSON endpoints.
func askForBasic(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="memberdb", charset="UTF-8"`)
	web.JSON(w, http.StatusUnauthorized, map[string]string{"status": "access_denied"})
}

var errNoUser = errors.New("auth: no such active user")

// loadUser returns the active user with id and its session epoch.
func (s *Sessions) loadUser(ctx context.Context, id int64) (*User, int, error) {
	const q = `
		SELECT u.id, u.username, u.person_id, p.name, p.email, u.session_epoch,
		       coalesce(array_agg(DISTINCT ral.access_level) FILTER (WHERE ral.access_level IS NOT NULL), '{}')
		FROM users u
		JOIN persons p ON p.id = u.person_id
		LEFT JOIN user_roles ur ON ur.user_id = u.id
		LEFT JOIN role_access_levels ral ON ral.role = ur.role
		WHERE u.id = $1 AND u.disabled_at IS NULL
		GROUP BY u.id, p.id`
	var (
		u      User
		epoch  int
		levels []string
	)
	err := s.Pool.QueryRow(ctx, q, id).Scan(&u.ID, &u.Username, &u.PersonID, &u.Name, &u.Email, &epoch, &levels)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, errNoUser
	}
	if err != nil {
		return nil, 0, fmt.Errorf("auth: load user: %w", err)
	}
	u.levels = make(map[Level]bool, len(levels))
	for _, l := range levels {
		u.levels[Level(l)] = true
	}
	return &u, epoch, nil
}

// Require answers requests of users without level: anonymous HTML requests
// are sent to the login page, htmx and JSON requests get 401, logged-in users
// without the level 403.
func (s *Sessions) Require(level Level) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := CurrentUser(r.Context())
			switch {
			case u.Has(level), level == LoggedIn && u != nil:
				next.ServeHTTP(w, r)
			case u != nil:
				s.Site.Error(w, r, http.StatusForbidden, i18n.T(r.Context(), "error.403.level", level))
			default:
				s.askToLogIn(w, r)
			}
		})
	}
}

func (s *Sessions) askToLogIn(w http.ResponseWriter, r *http.Request) {
	login := "/login/?next=" + url.QueryEscape(r.URL.RequestURI())
	switch {
	case web.WantsJSON(r):
		askForBasic(w)
	case r.Header.Get("HX-Request") == "true":
		w.Header().Set("HX-Redirect", login)
		s.Site.Error(w, r, http.StatusUnauthorized, "")
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		http.Redirect(w, r, login, http.StatusSeeOther)
	default:
		s.Site.Error(w, r, http.StatusUnauthorized, "")
	}
}

// ShellHook shows the user's name, logout and, to users holding any access
// level, the admin link in the page shell.
func ShellHook(r *http.Request, sh *layout.Shell) {
	if u := CurrentUser(r.Context()); u != nil {
		sh.UserName = u.Name
		sh.ShowAdmin = len(u.levels) > 0
	}
}

// SyncLevels writes the declared access levels to the database: new ones
// are added, ones no longer declared are kept and marked unused, so roles
// holding them survive.
func SyncLevels(ctx context.Context, pool *pgxpool.Pool, levels []string) error {
	const q = `
		WITH declared AS (SELECT unnest($1::text[]) AS name),
		ins AS (
			INSERT INTO access_levels (name, in_use) SELECT name, true FROM declared
			ON CONFLICT (name) DO UPDATE SET in_use = true
		)
		UPDATE access_levels SET in_use = false
		WHERE name NOT IN (SELECT name FROM declared) AND in_use`
	if _, err := pool.Exec(ctx, q, levels); err != nil {
		return fmt.Errorf("auth: sync access levels: %w", err)
	}
	return nil
}
