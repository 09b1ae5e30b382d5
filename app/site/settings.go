// Package site keeps the association's own settings in the database: its
// name and contact address (set on the first run's setup page), its logo
// and its accent colour (set on the look page). The configuration's
// ORG_NAME and ORG_EMAIL stand in for what is not set.
package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/layout"
)

// Settings are the association's settings as stored; empty strings and a
// nil logo are unset.
type Settings struct {
	OrgName        string
	ContactAddress string
	Website        string
	PostalAddress  string
	Accent         string
	Logo           []byte
	LogoType       string
	// LogoHash names the logo's content in its address, so browsers may
	// keep it for good and a new logo gets a new address.
	LogoHash string
}

// LogoPath is the address the logo is served at, "" without a logo.
func (s *Settings) LogoPath() string {
	if s.Logo == nil {
		return ""
	}
	return "/site/logo/" + s.LogoHash + extensions[s.LogoType]
}

var extensions = map[string]string{"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}

// staleAfter bounds how long a cached copy lives should a notification
// of a change be lost (the listener also forgets on every reconnect).
// retryAfter spaces the loads while the database fails: every page asks,
// and each would wait for the connection to time out.
const (
	staleAfter = 5 * time.Minute
	retryAfter = 5 * time.Second
)

// Store reads the settings through a cache every instance keeps: pages
// show them on every request, and they change about once a year. A change
// by any instance notifies all (migration 0130's trigger), and the
// server's listener calls Forget. While the database cannot be read, the
// last settings read stand in.
type Store struct {
	pool   *pgxpool.Pool
	cfg    *config.Config
	logger *slog.Logger
	now    func() time.Time

	mu       sync.Mutex
	cached   *Settings // the last read; nil before the first
	fresh    bool      // no Forget since cached was read
	loadedAt time.Time
	// generation counts Forget calls, so a load that began before one
	// does not count as fresh.
	generation uint64
	failedAt   time.Time
	failure    error
}

// NewStore returns the settings of the database behind pool, with cfg's
// organisation as fallback.
func NewStore(pool *pgxpool.Pool, cfg *config.Config, logger *slog.Logger) *Store {
	return &Store{pool: pool, cfg: cfg, logger: logger, now: time.Now}
}

// Forget marks the cached settings outdated; the next reader loads them
// anew.
func (s *Store) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fresh = false
	s.failedAt = time.Time{}
	s.generation++
}

// Current returns the settings, from the cache when it is fresh.
func (s *Store) Current(ctx context.Context) (*Settings, error) {
	s.mu.Lock()
	now := s.now()
	if s.cached != nil && s.fresh && now.Sub(s.loadedAt) < staleAfter {
		c := s.cached
		s.mu.Unlock()
		return c, nil
	}
	if now.Sub(s.failedAt) < retryAfter {
		c, err := s.cached, s.failure
		s.mu.Unlock()
		if c != nil {
			return c, nil
		}
		return nil, err
	}
	gen := s.generation
	s.mu.Unlock()

	loaded, err := load(ctx, s.pool)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			s.failedAt, s.failure = s.now(), err
		}
		if s.cached != nil {
			return s.cached, nil
		}
		return nil, err
	}
	s.cached = loaded
	if gen == s.generation {
		s.fresh, s.loadedAt = true, s.now()
	}
	return loaded, nil
}

func load(ctx context.Context, q interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (*Settings, error) {
	var (
		st       Settings
		logoType *string
	)
	const sql = `SELECT org_name, contact_address, website, postal_address, accent, logo, logo_type FROM site_settings`
	if err := q.QueryRow(ctx, sql).Scan(&st.OrgName, &st.ContactAddress, &st.Website, &st.PostalAddress, &st.Accent, &st.Logo, &logoType); err != nil {
		return nil, fmt.Errorf("site: load settings: %w", err)
	}
	if logoType != nil && st.Logo != nil {
		st.LogoType = *logoType
		sum := sha256.Sum256(st.Logo)
		st.LogoHash = hex.EncodeToString(sum[:8])
	} else {
		st.Logo = nil
	}
	return &st, nil
}

// nameAndEmail are the association's name and contact address: the
// settings' where set (st may be nil), else the configuration's.
func (s *Store) nameAndEmail(st *Settings) (name, email string) {
	name, email = s.cfg.OrgName, s.cfg.OrgEmail
	if st != nil && st.OrgName != "" {
		name = st.OrgName
	}
	if st != nil && st.ContactAddress != "" {
		email = st.ContactAddress
	}
	return name, email
}

// website is the association's website: the settings' where set (st may
// be nil), else the configuration's.
func (s *Store) website(st *Settings) string {
	if st != nil && st.Website != "" {
		return st.Website
	}
	return s.cfg.OrgWebsite
}

// Website is the association's website (the configuration's also when
// the settings cannot be read).
func (s *Store) Website(ctx context.Context) string {
	st, err := s.Current(ctx)
	if err != nil {
		st = nil
	}
	return s.website(st)
}

// Org is the association as pages show it.
func (s *Store) Org(st *Settings) layout.Org {
	name, email := s.nameAndEmail(st)
	return layout.Org{Name: name, Email: email, Website: s.website(st)}
}

// OrgName is the association's name (the configuration's also when the
// settings cannot be read).
func (s *Store) OrgName(ctx context.Context) string {
	st, err := s.Current(ctx)
	if err != nil {
		st = nil
	}
	name, _ := s.nameAndEmail(st)
	return name
}

// MailOrg is the association as mails name it, from the settings last
// read (Load). It never reads the database itself: mails are rendered
// inside the transaction that queues them, and a read there would wait
// for a second connection from a pool a burst of such transactions can
// all be holding. Before the first read it is the configuration's, as a
// mail is better sent with the configured name than not at all.
func (s *Store) MailOrg() mail.Org {
	s.mu.Lock()
	st := s.cached
	s.mu.Unlock()
	org := mail.ConfiguredOrg(s.cfg)
	org.Name, org.Email = s.nameAndEmail(st)
	org.Website = s.website(st)
	if st != nil && st.PostalAddress != "" {
		org.Postal = mail.PostalLines(st.PostalAddress)
	}
	// A signature the configuration did not set apart is the name.
	if org.Signature == s.cfg.OrgName {
		org.Signature = org.Name
	}
	if st == nil {
		return org
	}
	if st.Logo != nil && st.LogoType != "image/svg+xml" && len(st.Logo) <= maxMailLogo {
		org.Logo, org.LogoType = st.Logo, st.LogoType
	}
	org.Accent = st.Accent
	return org
}

// MailSender is the From of mails while MAIL_SENDER is not set: the
// association's name and contact address as set in the browser, read
// outside any transaction (the mail worker, once a batch). It fails while
// the settings cannot be read: a mail then waits rather than go out under
// the configuration's name, which may be another association's.
func (s *Store) MailSender(ctx context.Context) (string, error) {
	st, err := s.Current(ctx)
	if err != nil {
		return "", err
	}
	return mail.Address(s.nameAndEmail(st)), nil
}

// Load reads the settings into the cache, outside any transaction: the
// server at start and after each change, commands before they mail.
func (s *Store) Load(ctx context.Context) {
	if _, err := s.Current(ctx); err != nil {
		s.logger.Warn("site settings: reading them failed; the configuration's name and address stand in", "err", err)
	}
}

// update runs change in a transaction and forgets the cache after it
// committed, so this instance shows the change at once; the others hear
// of it through the notification.
func (s *Store) update(ctx context.Context, change func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, change)
	s.Forget()
	s.Load(ctx)
	return err
}

// maxMailLogo bounds the logo HTML mails carry (MailOrg): each mail holds
// it inline. Mail readers show no SVG, so an SVG logo stays out of mails.
const maxMailLogo = 100 << 10
