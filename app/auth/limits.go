package auth

import (
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/ratelimit"
)

// Limits are the rate limits of password guessing and of mails sent to
// typed-in addresses. Failed logins count against both the client address
// and the typed-in account, whether that account exists or not, so the
// answer tells nothing about which accounts exist.
type Limits struct {
	// Failed logins (form and HTTP Basic).
	LoginByClient  *ratelimit.Limiter
	LoginByAccount *ratelimit.Limiter
	// Password reset requests, whether they send a mail or not.
	ResetByClient  *ratelimit.Limiter
	ResetByAccount *ratelimit.Limiter
}

// DefaultLimits allow a person who mistypes a few times to go on, and slow
// a guesser down to a handful of tries per quarter hour.
func DefaultLimits() *Limits {
	return &Limits{
		LoginByClient:  ratelimit.New(30, 15*time.Minute),
		LoginByAccount: ratelimit.New(8, 15*time.Minute),
		ResetByClient:  ratelimit.New(10, time.Hour),
		ResetByAccount: ratelimit.New(3, time.Hour),
	}
}

// accountKey folds what was typed so "Max" and "max" count as one account.
func accountKey(userOrEmail string) string {
	return strings.ToLower(strings.TrimSpace(userOrEmail))
}

// reserveLogin counts a login attempt against client and account before
// the password is checked: attempts sent in parallel would all pass a check
// made before any of them failed. A successful login gives the attempt back
// (releaseLogin), so only failures use up the allowance.
func (l *Limits) reserveLogin(client, account string) (ok bool, retryAfter time.Duration) {
	client = ratelimit.ClientKey(client)
	if ok, retry := l.LoginByClient.Allow(client); !ok {
		return false, retry
	}
	if ok, retry := l.LoginByAccount.Allow(accountKey(account)); !ok {
		l.LoginByClient.Undo(client)
		return false, retry
	}
	return true, 0
}

// releaseLogin takes back the attempt reserveLogin counted.
func (l *Limits) releaseLogin(client, account string) {
	l.LoginByClient.Undo(ratelimit.ClientKey(client))
	l.LoginByAccount.Undo(accountKey(account))
}

// allowReset counts a reset request against client and account.
func (l *Limits) allowReset(client, account string) (ok bool, retryAfter time.Duration) {
	ok1, r1 := l.ResetByClient.Allow(ratelimit.ClientKey(client))
	if !ok1 {
		return false, r1
	}
	ok2, r2 := l.ResetByAccount.Allow(accountKey(account))
	return ok2, r2
}
