// Package server wires memberdb's domains into one HTTP handler. main uses
// it to serve, the tests to run the full router.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/admin"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/fees"
	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/mail/mailweb"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/metrics"
	"github.com/pepalumni/memberdb/app/organisers"
	"github.com/pepalumni/memberdb/app/ratelimit"
	"github.com/pepalumni/memberdb/app/retention"
	sitesettings "github.com/pepalumni/memberdb/app/site"
	"github.com/pepalumni/memberdb/app/texts"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/assets"
	"github.com/pepalumni/memberdb/components/home"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// Deps are what the server is built from.
type Deps struct {
	Config *config.Config
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// LimitScope keeps the rate limits of servers on one database apart:
	// empty in production, where every instance counts together; tests
	// that share a database give each app its own.
	LimitScope string
}

// Server is the assembled application.
type Server struct {
	Handler  http.Handler
	mux      *chi.Mux
	Registry *auth.Registry
	Site     *web.Site
	Sessions *scs.SessionManager
	// Users loads the request's user; tests reach its rate limits here.
	Users *auth.Sessions
	// Metrics counts the requests; serve offers them at METRICS_ADDR.
	Metrics *metrics.Metrics
	// SiteSettings are the association's name, contact address, logo and
	// accent colour as set in the browser.
	SiteSettings *sitesettings.Store

	pool   *pgxpool.Pool
	logger *slog.Logger
	idle   *idleMemory
	stop   func() // ends what Start began; nil before Start
	// extraJobs are the domains' periodic jobs, added while routing.
	extraJobs []jobs.Job
	// texts are the association's own words; book is every mail text,
	// using them.
	texts *texts.Store
	book  *mail.Book

	readyMu     sync.Mutex
	readyChecks []ReadyCheck
}

// New builds the router with every domain's routes. It starts nothing:
// Start does.
func New(d Deps) (*Server, error) {
	sm := newSessions(d.Config)
	site := &web.Site{
		Sessions: sm,
		Logger:   d.Logger,
		Dev:      d.Config.Dev,
		Org:      layout.Org{Name: d.Config.OrgName, Email: d.Config.OrgEmail, Website: d.Config.OrgWebsite},
		Pages:    web.NewPageCache(d.Config.PageCacheTTL, sm.Cookie.Name),
		Limits:   ratelimit.NewStore(d.Pool, d.LimitScope, d.Logger),
		FlashKey: signingKey(d.Pool, "flash"),
	}
	sm.ErrorFunc = site.SessionError
	users := &auth.Sessions{Pool: d.Pool, Sessions: sm, Site: site, Limits: auth.NewLimits(site.Limits), TrustedProxies: d.Config.TrustedProxies}
	settings := sitesettings.NewStore(d.Pool, d.Config, d.Logger)
	site.ShellHooks = append(site.ShellHooks, settings.ShellHook, auth.ShellHook, members.ShellHook(d.Pool, d.Logger))
	s := &Server{Registry: auth.NewRegistry(), Site: site, Sessions: sm, Users: users, SiteSettings: settings,
		pool: d.Pool, logger: d.Logger, idle: &idleMemory{release: giveBack}, Metrics: metrics.New(d.Pool, d.Logger)}
	s.texts = texts.NewStore(d.Pool, d.Logger)
	s.book = texts.NewBook(d.Config, s.texts)
	s.book.Org = settings.MailOrg
	if err := s.route(d); err != nil {
		return nil, err
	}
	return s, nil
}

// newSessions keeps sessions in PostgreSQL. pgxstore's own cleanup
// goroutine races with StopCleanup, so expired sessions are removed by the
// purge of expired data (app/retention) that Start begins.
func newSessions(cfg *config.Config) *scs.SessionManager {
	sm := scs.New()
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "memberdb_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure()
	sm.Codec = web.NewSessionCodec()
	return sm
}

// route builds the middleware chain and mounts every domain's routes.
func (s *Server) route(d Deps) error {
	s.Sessions.Store = web.NewSessionStore(pgxstore.NewWithCleanupInterval(d.Pool, 0), s.Sessions.Codec)
	site, sm := s.Site, s.Sessions
	crossOrigin, err := site.CrossOrigin(d.Config.BaseURL.String())
	if err != nil {
		return err
	}
	mux := chi.NewRouter()
	mux.Use(s.idle.count, middleware.GetHead, middleware.RequestID, s.Metrics.Middleware, site.AccessLog, site.Recover, web.SecurityHeaders,
		web.Compress("text/html", "text/css", "text/plain", "text/javascript",
			"application/javascript", "application/json", "text/csv"))
	// The error pages show flashes, speak the user's language and show a
	// logged-in user's navigation (not a visitor's, which looked like being
	// logged out), so they run inside the session, language and user
	// middleware too.
	withSession := func(h http.HandlerFunc) http.HandlerFunc {
		return sm.LoadAndSave(site.SessionReady(site.Language(s.Users.LoadUser(h)))).ServeHTTP
	}
	mux.NotFound(withSession(site.NotFound))
	mux.MethodNotAllowed(withSession(site.MethodNotAllowed))

	bare := auth.NewRouter(mux, s.Registry, s.Users.Require).CheckBodies(site.AcceptBodies)
	bare.Public().Get("/assets/*", assets.Handler(withSession(site.NotFound)).ServeHTTP)
	bare.Public().Get(sitesettings.LogoPattern, s.SiteSettings.ServeLogo)
	bare.Public().Get("/healthz", health(d.Pool))
	bare.Public().Get("/readyz", s.ready)
	bare.Public().Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, assets.Path("img/favicon.svg"), http.StatusMovedPermanently)
	})

	textPages := texts.NewHandler(d.Config, site, s.texts, s.book)
	mux.Group(func(r chi.Router) {
		// The user is loaded before the input is checked, so a refusal of
		// bad input is shown with the user's navigation, not a visitor's.
		r.Use(web.LimitBody, site.Pages.ForgetAfterWrites, sm.LoadAndSave, site.SessionReady, site.Language, textPages.PageTexts,
			crossOrigin, s.Users.LoadUser, site.CheckInput)
		s.domains(auth.NewRouter(r, s.Registry, s.Users.Require).CheckBodies(site.AcceptBodies), d, textPages)
	})
	s.mux, s.Handler = mux, mux
	return nil
}

// domains adds each domain's routes (one line each).
func (s *Server) domains(rt *auth.Router, d Deps, textPages *texts.Handler) {
	cfg, site, book := d.Config, s.Site, s.book
	rt.Public().Get("/", func(w http.ResponseWriter, r *http.Request) {
		org := s.SiteSettings.OrgName(r.Context())
		site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "home.title"), home.Page(org, org == config.DefaultOrgName))
	})
	rt.Public().Post("/lang", site.SwitchLanguage)
	mailweb.NewHandler(d.Pool, site, cfg.Dev).Routes(rt)
	auth.NewHandler(s.Users, cfg, book).Routes(rt)
	organisers.NewHandler(d.Pool, site, book).Routes(rt)
	ev := events.NewHandler(cfg, d.Pool, site, book)
	ev.Website = s.SiteSettings.Website
	ev.Routes(rt, s.Registry)
	s.extraJobs = append(s.extraJobs, ev.Service().OffersJob(d.Pool, time.Now))
	fh := fees.NewHandler(cfg, d.Pool, site, book)
	mh := members.NewHandler(cfg, d.Pool, site, book)
	mh.Release, mh.EndMandate = ev.Service().Release, fh.EndMandate
	mh.Routes(rt)
	fh.Routes(rt)
	sitesettings.NewHandler(s.SiteSettings, site, s.Users.LogIn).Routes(rt)
	adm := admin.NewHandler(admin.Deps{Pool: d.Pool, Site: site, Events: ev.Service(), Config: cfg, Texts: s.texts, Org: book.Org,
		EndMandate: fh.EndMandate})
	adm.Routes(rt)
	textPages.PrivacyDraft = adm.PrivacyDraft
	textPages.Routes(rt)
	s.extraJobs = append(s.extraJobs, retention.New(cfg, d.Pool, book).Jobs(time.Now)...)
}

// Start writes the declared access levels to the database and begins the
// server's background work (removing expired sessions, giving back idle
// memory) until Close. Call it once before serving.
func (s *Server) Start(ctx context.Context, pool *pgxpool.Pool) error {
	if err := auth.SyncLevels(ctx, pool, s.Registry.Levels()); err != nil {
		return err
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	// The tick is the claim recovery's: a crashed instance's mails go out
	// from another within about 15 s.
	jobsDone := (&jobs.Runner{Pool: s.pool, Logger: s.logger, Tick: mail.RecoveryTick}).Start(bg, s.jobs()...)
	wg.Go(jobsDone)
	wg.Go(func() { s.idle.run(bg, 2*time.Second) })
	pages := newPagesListener(s.pool, s.Site.Pages, s.logger)
	pages.also = append(pages.also, s.texts.Changed, func(table string) {
		if table == "" || table == "site_settings" {
			s.SiteSettings.Forget()
			s.SiteSettings.Load(bg)
		}
	})
	wg.Go(func() { pages.run(bg) })
	pages.waitListening(5 * time.Second)
	// After the first LISTEN, so no change of the texts goes unheard.
	if err := s.texts.Load(ctx); err != nil {
		cancel()
		wg.Wait()
		return err
	}
	s.SiteSettings.Load(ctx)
	s.stop = func() { cancel(); wg.Wait() }
	return nil
}

// AnnounceSetup logs the first run's setup link when the database has
// no user yet (serve calls it once the server is started).
func (s *Server) AnnounceSetup(ctx context.Context, base *url.URL) error {
	return sitesettings.AnnounceSetup(ctx, s.pool, base, s.logger)
}

// Book is every mail text the server sends; tests render them.
func (s *Server) Book() *mail.Book { return s.book }

// Mux is the root router, for tests that add routes behind the middleware.
func (s *Server) Mux() chi.Router { return s.mux }

// Close ends the background work Start began.
func (s *Server) Close() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// jobs are the periodic work of every instance (the purge of old and
// expired data among them, which also removes expired sessions);
// jobs.Runner makes sure each runs in one instance at a time.
func (s *Server) jobs() []jobs.Job {
	return append([]jobs.Job{mail.RecoveryJob(s.pool, s.logger), {
		Name:  "rate-limit-sweep",
		Every: 10 * time.Minute,
		Run:   s.Site.Limits.Sweep,
	}}, s.extraJobs...)
}

func health(pool *pgxpool.Pool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := pool.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}
}
