package texts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Limits of the editors, as the tables' constraints have them.
const (
	maxSubject  = 500
	maxMailBody = 20000
	maxPage     = 100000
)

// sanitize is how a page text is shown: the event descriptions' policy,
// $…$ math left for KaTeX.
func sanitize(body string) string { return schema.Sanitize(body) }

// EditedMail is the edited text of key in lang, if there is one.
func (s *Store) EditedMail(ctx context.Context, key string, lang i18n.Lang) (mail.Text, bool, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return mail.Text{}, false, err
	}
	t, ok := snap.mails[key+"."+string(lang)]
	return t.text, ok, nil
}

// SaveMail stores t, checked already, as key's text in lang.
func (s *Store) SaveMail(ctx context.Context, key string, lang i18n.Lang, t mail.Text) error {
	const q = `INSERT INTO mail_texts (key, lang, subject, text) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key, lang) DO UPDATE SET subject = excluded.subject, text = excluded.text, updated_at = now()`
	return s.write(ctx, q, key, string(lang), t.Subject, t.Body)
}

// ResetMail brings back the default text of key in lang.
func (s *Store) ResetMail(ctx context.Context, key string, lang i18n.Lang) error {
	return s.write(ctx, `DELETE FROM mail_texts WHERE key = $1 AND lang = $2`, key, string(lang))
}

// SavePage stores body as the page text in lang.
func (s *Store) SavePage(ctx context.Context, p Page, lang i18n.Lang, body string) error {
	const q = `INSERT INTO page_texts (key, lang, html) VALUES ($1, $2, $3)
		ON CONFLICT (key, lang) DO UPDATE SET html = excluded.html, updated_at = now()`
	return s.write(ctx, q, string(p), string(lang), body)
}

// ResetPage brings back the page's default text in lang.
func (s *Store) ResetPage(ctx context.Context, p Page, lang i18n.Lang) error {
	return s.write(ctx, `DELETE FROM page_texts WHERE key = $1 AND lang = $2`, string(p), string(lang))
}

// write runs one change in a transaction and reads the texts again: this
// instance sees the change at once, the others when the notification
// of the tables' trigger arrives.
func (s *Store) write(ctx context.Context, q string, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("texts: write: %w", err)
	}
	// A visitor who left still changed the texts: read them all the same.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	s.reload(ctx)
	return nil
}

// PageHTML is the edited page text in lang as sanitised HTML; "" while
// it has none.
func (s *Store) PageHTML(ctx context.Context, p Page, lang i18n.Lang) (string, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return "", err
	}
	return snap.pages[string(p)+"."+string(lang)], nil
}

// PageSource is the edited page text in lang as written; false while it
// has none.
func (s *Store) PageSource(ctx context.Context, p Page, lang i18n.Lang) (string, bool, error) {
	var body string
	err := s.pool.QueryRow(ctx, `SELECT html FROM page_texts WHERE key = $1 AND lang = $2`, string(p), string(lang)).Scan(&body)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("texts: read page %s: %w", p, err)
	}
	return body, true, nil
}

// LegalMissing lists the legal pages without a text in some language:
// the admin index warns while there are any.
func (s *Store) LegalMissing(ctx context.Context) ([]Page, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var out []Page
	for _, p := range Legal {
		for _, l := range i18n.Langs {
			if snap.pages[string(p)+"."+string(l)] == "" {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}
