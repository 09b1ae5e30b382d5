package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/metrics"
)

// Errors of Authenticate.
var (
	// ErrBadCredentials is the one answer for an unknown account and a wrong
	// password.
	ErrBadCredentials = errors.New("auth: wrong user name, email or password")
	// ErrTooManyAttempts means the client or account failed too often.
	ErrTooManyAttempts = errors.New("auth: too many failed attempts")
)

// credentials are what a login needs to know about a user.
type credentials struct {
	UserID int64
	Hash   string
	Epoch  int
}

// findCredentials returns the active user named userOrEmail. When both
// match different users, a user name wins, except that a typed address
// is first the address of a person: otherwise whoever may name accounts
// could name one after a staff member's address, and their login and
// password reset by address would reach that account instead.
func (s *Sessions) findCredentials(ctx context.Context, userOrEmail string) (credentials, error) {
	const q = `
		SELECT u.id, u.password_hash, u.session_epoch
		FROM users u JOIN persons p ON p.id = u.person_id
		WHERE u.disabled_at IS NULL AND (lower(u.username) = lower($1) OR lower(p.email) = lower($1))
		ORDER BY strpos($1, '@') > 0 AND lower(p.email) = lower($1) DESC, lower(u.username) = lower($1) DESC, u.id
		LIMIT 1`
	var c credentials
	err := s.Pool.QueryRow(ctx, q, userOrEmail).Scan(&c.UserID, &c.Hash, &c.Epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, errNoUser
	}
	if err != nil {
		return c, fmt.Errorf("auth: find user: %w", err)
	}
	return c, nil
}

// Attempt is one try to log in.
type Attempt struct {
	// Client is the address the attempt came from.
	Client string
	// UserOrEmail is the typed user name or mail address.
	UserOrEmail string
	Password    string
	// Device is the value of the client's device cookie, "" without one.
	Device string
}

// Authenticate checks a typed-in name (user name or mail address) and
// password. Unknown accounts take as long as wrong passwords and count the
// same against the rate limits. A match against an old or weaker hash
// replaces it with argon2id.
func (s *Sessions) Authenticate(ctx context.Context, a Attempt) (credentials, time.Duration, error) {
	c, retry, err := s.authenticate(ctx, a)
	switch {
	case err == nil:
		metrics.Logins.WithLabelValues("success").Inc()
	case errors.Is(err, ErrTooManyAttempts):
		metrics.Logins.WithLabelValues("locked").Inc()
	case errors.Is(err, ErrBadCredentials):
		metrics.Logins.WithLabelValues("failure").Inc()
	}
	return c, retry, err
}

func (s *Sessions) authenticate(ctx context.Context, a Attempt) (credentials, time.Duration, error) {
	// Text no one can have as a name (a NUL byte in a Basic header) would
	// make the database refuse the query; it is an unknown name instead.
	var c credentials
	err := errNoUser
	if readable(a.UserOrEmail) {
		c, err = s.findCredentials(ctx, a.UserOrEmail)
	}
	known := err == nil
	if err != nil && !errors.Is(err, errNoUser) {
		return credentials{}, 0, err
	}
	// Every name of an account counts against the one account; a name
	// without one counts by itself, so it is limited just the same.
	account, device := nameAccountKey(a.UserOrEmail), ""
	if known {
		account = userAccountKey(c.UserID)
		if device, err = s.knownDevice(ctx, a.Device, c.UserID); err != nil {
			return credentials{}, 0, err
		}
	}
	limits := s.limits()
	count, ok, retry := limits.reserveLogin(ctx, a.Client, account, device)
	if !ok {
		return credentials{}, retry, ErrTooManyAttempts
	}
	if !known {
		burnTime(a.Password)
		return credentials{}, 0, ErrBadCredentials
	}
	ok, rehash, err := VerifyPassword(c.Hash, a.Password)
	if err != nil {
		// A malformed stored hash is the operator's problem, not the user's.
		s.logError(ctx, "unusable password hash", err, c.UserID)
	}
	if !ok {
		return credentials{}, 0, ErrBadCredentials
	}
	limits.releaseLogin(ctx, count)
	if rehash {
		if err := s.rehash(ctx, c, a.Password); err != nil {
			s.logError(ctx, "replacing an old password hash failed", err, c.UserID)
		}
	}
	return c, 0, nil
}

// rehash stores password as argon2id, unless the hash changed meanwhile.
func (s *Sessions) rehash(ctx context.Context, c credentials, password string) error {
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	const q = `UPDATE users SET password_hash = $2, version = version + 1 WHERE id = $1 AND password_hash = $3`
	if _, err := s.Pool.Exec(ctx, q, c.UserID, h, c.Hash); err != nil {
		return fmt.Errorf("auth: rehash: %w", err)
	}
	return nil
}

func (s *Sessions) logError(ctx context.Context, msg string, err error, userID int64) {
	if s.Site != nil && s.Site.Logger != nil {
		s.Site.Logger.ErrorContext(ctx, msg, "user_id", userID, "error", err)
	}
}

func (s *Sessions) limits() *Limits {
	s.limitsOnce.Do(func() {
		if s.Limits == nil {
			s.Limits = DefaultLimits()
		}
	})
	return s.Limits
}

// readable reports whether v is text a person can type: valid UTF-8
// without control characters other than tab and line breaks (the rule of
// the site's input check; Basic credentials do not pass through it).
func readable(v string) bool {
	return utf8.ValidString(v) && !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	})
}
