// Package tokens issues and checks the tokens in mailed links. The link
// carries 32 random bytes; the database keeps only their SHA-256 hash, so a
// leaked database holds no usable link.
package tokens

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Purposes of mailed links. A token for one purpose is refused for another.
const (
	PasswordReset      = "password_reset"
	MembershipVerify   = "membership_verify"
	MembershipEdit     = "membership_edit"
	GDPRView           = "gdpr_view"
	RegistrationManage = "registration_manage"
	RegistrationResend = "registration_resend"
	// FirstRunSetup opens the first run's setup page (app/site); its
	// subject is nobody (0), so it is no personal data.
	FirstRunSetup = "first_run_setup"
)

// Errors of Check and Consume: unknown or altered tokens are ErrNotFound
// (answer 404), expired or used ones ErrExpired (answer 410).
var (
	ErrNotFound = errors.New("tokens: unknown token")
	ErrExpired  = errors.New("tokens: expired or used token")
	// ErrUsed is ErrExpired for a token used up (or replaced by a newer
	// one), so that a page can say so.
	ErrUsed = fmt.Errorf("%w: used", ErrExpired)
)

// Spec describes a token to issue.
type Spec struct {
	Purpose   string
	SubjectID int64 // a person, user or registration id, by purpose
	TTL       time.Duration
	// SingleUse tokens work once; Consume marks them used.
	SingleUse bool
	// Supersede invalidates earlier tokens of the same purpose and subject.
	Supersede bool
}

// Issue stores a new token inside tx and returns the string for the link.
func Issue(ctx context.Context, tx pgx.Tx, s Spec) (string, error) {
	var b pgx.Batch
	token, err := Queue(&b, s)
	if err != nil {
		return "", err
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return "", err
	}
	return token, nil
}

// Queue queues storing a new token in b and returns the string for the
// link: the caller sends it with the mail that carries the link, in one
// round trip. The token is valid once b is sent and its transaction
// commits.
func Queue(b *pgx.Batch, s Spec) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("tokens: %w", err)
	}
	if s.Supersede {
		b.Queue(`UPDATE tokens SET used_at = now() WHERE purpose = $1 AND subject_id = $2 AND used_at IS NULL`,
			s.Purpose, s.SubjectID)
	}
	b.Queue(`INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)`,
		hash(raw), s.Purpose, s.SubjectID, s.TTL.Seconds(), s.SingleUse)
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// Check returns the subject of a valid token without using it up.
func Check(ctx context.Context, q Querier, purpose, token string) (int64, error) {
	return lookup(ctx, q, purpose, token, `
		SELECT subject_id, expires_at > now() AND used_at IS NULL, used_at IS NOT NULL
		FROM tokens WHERE hash = $1 AND purpose = $2`)
}

// Subject returns the subject of a token issued for purpose, valid or
// not, for a page that explains why a link no longer works.
func Subject(ctx context.Context, q Querier, purpose, token string) (int64, error) {
	return lookup(ctx, q, purpose, token, `SELECT subject_id, true, false FROM tokens WHERE hash = $1 AND purpose = $2`)
}

// Consume returns the subject of a valid token and, if it is single-use,
// marks it used in the same statement, so two concurrent requests cannot
// both use it. Call it inside the transaction of the change it authorises.
func Consume(ctx context.Context, q Querier, purpose, token string) (int64, error) {
	raw, err := decode(token)
	if err != nil {
		return 0, err
	}
	const use = `
		UPDATE tokens SET used_at = CASE WHEN single_use THEN now() ELSE used_at END
		WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
		RETURNING subject_id`
	var subject int64
	err = q.QueryRow(ctx, use, hash(raw), purpose).Scan(&subject)
	if err == nil {
		return subject, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("tokens: consume: %w", err)
	}
	// Tell unknown from expired for the friendly page.
	if _, err := Check(ctx, q, purpose, token); err != nil {
		return 0, err
	}
	return 0, ErrExpired
}

// Querier is a pool, connection or transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func lookup(ctx context.Context, q Querier, purpose, token, sql string) (int64, error) {
	raw, err := decode(token)
	if err != nil {
		return 0, err
	}
	var (
		subject     int64
		valid, used bool
	)
	err = q.QueryRow(ctx, sql, hash(raw), purpose).Scan(&subject, &valid, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("tokens: check: %w", err)
	}
	switch {
	case !valid && used:
		return 0, ErrUsed
	case !valid:
		return 0, ErrExpired
	}
	return subject, nil
}

// decode accepts only the one spelling Issue hands out: the decoder alone
// would skip line breaks and ignore the spare bits of the last character,
// so altered links would still work.
func decode(token string) ([]byte, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(32) {
		return nil, ErrNotFound
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != 32 {
		return nil, ErrNotFound
	}
	return raw, nil
}

func hash(raw []byte) []byte {
	h := sha256.Sum256(raw)
	return h[:]
}
