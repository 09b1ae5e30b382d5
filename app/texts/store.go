package texts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
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

// SaveMail stores t, checked already, as key's text in lang, and records
// who changed what in the audit log.
func (s *Store) SaveMail(ctx context.Context, actor audit.Entry, key string, lang i18n.Lang, t mail.Text) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := editedMail(ctx, tx, key, lang)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO mail_texts (key, lang, subject, text) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key, lang) DO UPDATE SET subject = excluded.subject, text = excluded.text, updated_at = now()`,
			key, string(lang), t.Subject, t.Body); err != nil {
			return err
		}
		return audit.Record(ctx, tx, mailChanges(actor, key, lang, old, &t)...)
	})
}

// ResetMail brings back the default text of key in lang.
func (s *Store) ResetMail(ctx context.Context, actor audit.Entry, key string, lang i18n.Lang) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := editedMail(ctx, tx, key, lang)
		if err != nil || old == nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_texts WHERE key = $1 AND lang = $2`, key, string(lang)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, mailChanges(actor, key, lang, old, nil)...)
	})
}

// editedMail is key's edited text in lang, locked for the change; nil
// while the default is in use.
func editedMail(ctx context.Context, tx pgx.Tx, key string, lang i18n.Lang) (*mail.Text, error) {
	var t mail.Text
	err := tx.QueryRow(ctx, `SELECT subject, text FROM mail_texts WHERE key = $1 AND lang = $2 FOR UPDATE`,
		key, string(lang)).Scan(&t.Subject, &t.Body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &t, err
}

// mailChanges are the audit entries of a mail text going from old to new
// (nil: the default), one for each part that changed.
func mailChanges(actor audit.Entry, key string, lang i18n.Lang, old, new *mail.Text) []audit.Entry {
	var entries []audit.Entry
	for _, field := range []string{"subject", "text"} {
		before, after := mailPart(old, field), mailPart(new, field)
		if before == nil && after == nil || before != nil && after != nil && *before == *after {
			continue
		}
		e := actor
		e.Table, e.RowID, e.Field, e.OldValue, e.NewValue = "mail_texts", key+"/"+string(lang), field, before, after
		entries = append(entries, e)
	}
	return entries
}

// mailPart is t's subject or text; nil for the default (t nil).
func mailPart(t *mail.Text, field string) *string {
	switch {
	case t == nil:
		return nil
	case field == "subject":
		return &t.Subject
	}
	return &t.Body
}

// SavePage stores body as the page text in lang.
func (s *Store) SavePage(ctx context.Context, actor audit.Entry, p Page, lang i18n.Lang, body string) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := editedPage(ctx, tx, p, lang)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO page_texts (key, lang, html) VALUES ($1, $2, $3)
			ON CONFLICT (key, lang) DO UPDATE SET html = excluded.html, updated_at = now()`, string(p), string(lang), body); err != nil {
			return err
		}
		if old != nil && *old == body {
			return nil
		}
		return audit.Record(ctx, tx, pageChange(actor, p, lang, old, &body))
	})
}

// ResetPage brings back the page's default text in lang.
func (s *Store) ResetPage(ctx context.Context, actor audit.Entry, p Page, lang i18n.Lang) error {
	return s.write(ctx, func(tx pgx.Tx) error {
		old, err := editedPage(ctx, tx, p, lang)
		if err != nil || old == nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM page_texts WHERE key = $1 AND lang = $2`, string(p), string(lang)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, pageChange(actor, p, lang, old, nil))
	})
}

// editedPage is the page's edited text in lang, locked for the change; nil
// while it has none.
func editedPage(ctx context.Context, tx pgx.Tx, p Page, lang i18n.Lang) (*string, error) {
	var body string
	err := tx.QueryRow(ctx, `SELECT html FROM page_texts WHERE key = $1 AND lang = $2 FOR UPDATE`, string(p), string(lang)).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &body, err
}

// pageChange is the audit entry of a page text going from old to new
// (nil: none, the default).
func pageChange(actor audit.Entry, p Page, lang i18n.Lang, old, new *string) audit.Entry {
	e := actor
	e.Table, e.RowID, e.Field, e.OldValue, e.NewValue = "page_texts", string(p)+"/"+string(lang), "html", old, new
	return e
}

// write runs one change in a transaction and reads the texts again: this
// instance sees the change at once, the others when the notification
// of the tables' trigger arrives.
func (s *Store) write(ctx context.Context, change func(tx pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, s.pool, change); err != nil {
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
