package members

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/persons"
)

// AnonymisedName replaces the name of an anonymised person.
const AnonymisedName = persons.AnonymisedName

// Actor is who erases a person's data, as the audit log names them.
type Actor struct {
	UserID *int64 // nil for the person themselves, through their GDPR link
	Name   string // username, or audit.ActorParticipant
}

// Release cancels, in the erasure's transaction, the registrations of the
// person for events not over yet, so that their places go to the waiting
// list (events.Service.ReleasePlaces, which this package cannot import).
type Release func(ctx context.Context, tx pgx.Tx, personID int64, by Actor) error

// EndMandate revokes, in the decision's transaction, the SEPA mandate an
// applicant gave before the board denied them, and tells them (the fees
// domain, which this package cannot import): it would never be used, and
// an unrevoked mandate keeps their account details for good.
type EndMandate func(ctx context.Context, tx pgx.Tx, personID int64, by Actor) error

// Anonymise erases the personal data of person id inside tx, in every
// domain that keeps some (persons.EraseAll; each domain's personal_data.go
// says what it erases and what it keeps). What is kept are the rows that
// counts rest on (members per year, participants per event). The erasure
// is recorded with when and by whom, never with the old values. It
// returns db.ErrNotFound for an unknown person and ErrAnonymised for one
// erased already. The admin console uses it too. release, when set,
// first gives up the places the person holds at upcoming events.
func Anonymise(ctx context.Context, tx pgx.Tx, id int64, by Actor, release Release) error {
	var (
		name, email string
		done        *time.Time
	)
	err := tx.QueryRow(ctx, `SELECT name, email, anonymised_at FROM persons WHERE id = $1 FOR UPDATE`, id).Scan(&name, &email, &done)
	if err != nil {
		return fmt.Errorf("members: anonymise: %w", db.Map(err))
	}
	if done != nil {
		return ErrAnonymised
	}
	if release != nil {
		if err := release(ctx, tx, id, by); err != nil {
			return fmt.Errorf("members: anonymise: %w", err)
		}
	}
	s, err := persons.Collect(ctx, tx, id, name, email)
	if err != nil {
		return fmt.Errorf("members: anonymise: %w", err)
	}
	if err := persons.EraseAll(ctx, tx, s); err != nil {
		return fmt.Errorf("members: anonymise: %w", err)
	}
	return audit.Record(ctx, tx, audit.Entry{UserID: by.UserID, Actor: by.Name, Table: "persons",
		RowID: strconv.FormatInt(id, 10), NewValue: audit.Value("anonymised")})
}

// isAnonymised reports whether err says the person is erased already.
func isAnonymised(err error) bool { return errors.Is(err, ErrAnonymised) }
