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

// checkFailures reports whether more failed logins are allowed for the client
// and account, without counting this attempt.
func (l *Limits) checkFailures(client, account string) (ok bool, retryAfter time.Duration) {
	ok1, r1 := l.LoginByClient.Check(client)
	ok2, r2 := l.LoginByAccount.Check(accountKey(account))
	return ok1 && ok2, max(r1, r2)
}

// recordFailure counts a failed login against client and account.
func (l *Limits) recordFailure(client, account string) {
	l.LoginByClient.Allow(client)
	l.LoginByAccount.Allow(accountKey(account))
}

// allowReset counts a reset request against client and account.
func (l *Limits) allowReset(client, account string) (ok bool, retryAfter time.Duration) {
	ok1, r1 := l.ResetByClient.Allow(client)
	if !ok1 {
		return false, r1
	}
	ok2, r2 := l.ResetByAccount.Allow(accountKey(account))
	return ok2, r2
}
