// Package persons holds the rule of who a person is: one row of persons per
// mail address, compared without case (the unique index persons_email_key
// on lower(email), migration 0002). The members domain owns the persons
// table; this rule has a package of its own because auth, which members
// imports, creates persons too, and every domain that creates a person for
// an address must find the one that has it.
package persons

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/components/i18n"
)

// New is a person to create when nobody has the address yet.
type New struct {
	Name  string
	Email string
	// Language of the person's mails; the default language when empty.
	Language i18n.Lang
	// EmailValid: the address is known to work.
	EmailValid bool
	// MembershipStatus and MembershipType stay NULL when empty.
	MembershipStatus string
	MembershipType   string
}

// FindOrCreate returns the id of the person with p.Email, creating them
// from p when there is none; created tells which. An existing person is
// left as they are: anyone can type any address into a public form. It
// runs in the caller's transaction and locks the person's row until that
// ends; concurrent calls for one address meet in the unique index, where
// one inserts and the others wait for it and then find its row.
func FindOrCreate(ctx context.Context, tx pgx.Tx, p New) (id int64, created bool, err error) {
	var b pgx.Batch
	found := Queue(&b, p)
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return 0, false, err
	}
	return found.ID, found.Created, nil
}

// Found is the person FindOrCreate finds or creates, as stored: an
// existing person's name and language, not the ones typed.
type Found struct {
	ID       int64
	Created  bool
	Name     string
	Email    string
	Language string
}

// Queue is FindOrCreate for a caller that sends a batch in its
// transaction; the person is set once b is sent.
func Queue(b *pgx.Batch, p New) *Found {
	const q = `
		INSERT INTO persons (name, email, language, email_valid, membership_status, membership_type)
		VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, ''))
		ON CONFLICT (lower(email)) DO UPDATE SET email = persons.email
		RETURNING id, xmax = 0, name, email, language`
	lang := p.Language
	if lang == "" {
		lang = i18n.Langs[0]
	}
	found := &Found{}
	b.Queue(q, p.Name, p.Email, string(lang), p.EmailValid, p.MembershipStatus, p.MembershipType).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&found.ID, &found.Created, &found.Name, &found.Email, &found.Language); err != nil {
			return fmt.Errorf("persons: find or create: %w", err)
		}
		return nil
	})
	return found
}
