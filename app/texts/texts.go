// Package texts keeps the association's own words: edited mail texts
// (every text of the mail book, per language), the page texts (home page,
// above the membership form, footer) and the legal pages /impressum and
// /datenschutz. A missing text is the code's default. Every instance
// keeps all texts in memory: the registration mail is on the hot path, so
// rendering one asks no database. A change notifies every instance
// (migration 0120, channel memberdb_pages), which then forgets them.
package texts

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// LevelTextsAdmin edits the mail texts, the page texts and the legal pages.
const LevelTextsAdmin auth.Level = "texts_admin"

func init() { auth.Describe("texts", LevelTextsAdmin) }

// Page is a page text's key (page_texts.key).
type Page string

// The page texts.
const (
	PageHome        Page = "home"
	PageApply       Page = "apply"
	PageFooter      Page = "footer"
	PageImpressum   Page = "impressum"
	PageDatenschutz Page = "datenschutz"
)

// Pages lists the page texts in the order the admin shows them.
var Pages = []Page{PageHome, PageApply, PageFooter, PageImpressum, PageDatenschutz}

// Legal are the pages every German association's website must link.
var Legal = []Page{PageImpressum, PageDatenschutz}

func pageOf(s string) (Page, bool) {
	for _, p := range Pages {
		if string(p) == s {
			return p, true
		}
	}
	return "", false
}

// Store reads and writes the texts and keeps them cached. It is the mail
// book's Edits.
type Store struct {
	pool   *pgxpool.Pool
	logger *slog.Logger

	// cached is nil until read, and again after a change. Readers take
	// it without a lock; mu serialises reading it and forgetting it, so a
	// read that began before a change cannot keep its old texts after it.
	cached atomic.Pointer[snapshot]
	mu     sync.Mutex
}

// snapshot is every edited text at one moment.
type snapshot struct {
	mails map[string]mailText // key "domain/name.lang"
	pages map[string]string   // key "page.lang": sanitised HTML
}

type mailText struct {
	text mail.Text
	tmpl *template.Template
}

// NewStore is the store of the texts in pool.
func NewStore(pool *pgxpool.Pool, logger *slog.Logger) *Store {
	return &Store{pool: pool, logger: logger}
}

// NewBook is the mail book of memberdb: its mails speak for the
// association of the configuration and use the texts edited in pool.
// Commands and jobs outside the server use it as the server does.
func NewBook(cfg *config.Config, store *Store) *mail.Book {
	org := mail.ConfiguredOrg(cfg)
	b := mail.NewBook(org)
	b.Edits = store
	return b
}

// Load reads the texts into the cache. The server loads them when it
// starts and again after every change, outside any transaction: a mail
// is rendered inside its transaction, and reading there would need a
// second connection, which a burst of transactions can all be holding.
func (s *Store) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := load(ctx, s.pool, s.logger)
	if err != nil {
		return err
	}
	s.cached.Store(snap)
	return nil
}

// reload reads the texts again after a change; until it succeeds the
// previous texts stay.
func (s *Store) reload(ctx context.Context) {
	if err := s.Load(ctx); err != nil {
		s.logger.Warn("texts: reading the changed texts failed; the previous ones stay until the next change", "err", err)
	}
}

// ofTexts reports whether a notification on memberdb_pages naming table
// concerns the texts: their tables, or "" (a change may have gone
// unheard). The far more frequent changes of registrations do not: the
// registration mail must not read its text again for each registration.
func ofTexts(table string) bool {
	return table == "" || table == "mail_texts" || table == "page_texts"
}

// Changed reads the texts again when table, named by a notification on
// memberdb_pages, is one of theirs (ofTexts).
func (s *Store) Changed(table string) {
	if ofTexts(table) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.reload(ctx)
	}
}

// snapshot returns the cached texts, reading them when there are none
// yet (a command, which renders its mails one at a time). The lock is held
// while reading, so a burst reads once.
func (s *Store) snapshot(ctx context.Context) (*snapshot, error) {
	if snap := s.cached.Load(); snap != nil {
		return snap, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap := s.cached.Load(); snap != nil {
		return snap, nil
	}
	snap, err := load(ctx, s.pool, s.logger)
	if err != nil {
		return nil, err
	}
	s.cached.Store(snap)
	return snap, nil
}

// MailText is the edited mail text key in lang, if there is one. A
// database that cannot be read leaves the default text (and a log line):
// the mail that asks is inside a transaction that will tell its own error.
func (s *Store) MailText(key string, lang i18n.Lang) (*template.Template, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	snap, err := s.snapshot(ctx)
	if err != nil {
		s.logger.Error("texts: reading the mail texts failed; using the default", "key", key, "err", err)
		return nil, false
	}
	t, ok := snap.mails[key+"."+string(lang)]
	return t.tmpl, ok
}

func load(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) (*snapshot, error) {
	snap := &snapshot{mails: map[string]mailText{}, pages: map[string]string{}}
	rows, err := pool.Query(ctx, `SELECT key, lang, subject, text FROM mail_texts`)
	if err != nil {
		return nil, fmt.Errorf("texts: read mail texts: %w", err)
	}
	var key, lang, subject, body string
	_, err = pgx.ForEachRow(rows, []any{&key, &lang, &subject, &body}, func() error {
		t := mail.Text{Subject: subject, Body: body}
		tmpl, err := mail.Parse(key, i18n.Lang(lang), t)
		if err != nil {
			// Saving checks every text; one that no longer passes
			// (a newer Go, or rules made stricter since) gives way to
			// the default, and the log says so.
			logger.Warn("texts: a stored mail text is refused; the default is used", "key", key, "lang", lang, "err", err)
			return nil
		}
		snap.mails[key+"."+lang] = mailText{text: t, tmpl: tmpl}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("texts: read mail texts: %w", err)
	}
	rows, err = pool.Query(ctx, `SELECT key, lang, html FROM page_texts`)
	if err != nil {
		return nil, fmt.Errorf("texts: read page texts: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&key, &lang, &body}, func() error {
		snap.pages[key+"."+lang] = sanitize(body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("texts: read page texts: %w", err)
	}
	return snap, nil
}
