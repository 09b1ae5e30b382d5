package organisers

import (
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Errors of the store, checked with errors.Is.
var (
	ErrNotFound     = errors.New("organisers: not found")
	ErrAlreadySent  = errors.New("organisers: mail already sent")
	ErrNoRecipients = errors.New("organisers: no recipients")
)

// Store keeps the mail drafts. Events and registrations are read through
// the events package, which owns them.
type Store struct {
	pool *pgxpool.Pool
}
