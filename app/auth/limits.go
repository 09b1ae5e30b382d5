package auth

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/ratelimit"
)

// Limits are the rate limits of password guessing and of mails sent to
// typed-in addresses.
//
// A failed login counts against the account (its user, whichever of its
// names was typed; an unknown name by its text, so the answer tells nothing
// about which accounts exist) and against the client address. An account
// that failed too often is not shut for a whole window: each further try
// waits a short delay that doubles with every failure, so its owner gets in
// after a short wait while a guesser gets only a few tries an hour. A
// browser that logged in before (a device cookie) skips both counts: its
// failures count against that cookie alone.
type Limits struct {
	// Failed logins (form and HTTP Basic).
	LoginByClient  *ratelimit.Limiter
	LoginByAccount *ratelimit.Backoff
	LoginByDevice  *ratelimit.Limiter
	// Password reset requests, whether they send a mail or not.
	ResetByClient  *ratelimit.Limiter
	ResetByAccount *ratelimit.Limiter
}

// Login limits: the numbers the README promises.
const (
	// FreeLoginFailures may be made on an account before it has to wait.
	FreeLoginFailures = 8
	// FirstLoginDelay is the wait after the free failures; it doubles with
	// each further failure up to LongestLoginDelay.
	FirstLoginDelay   = time.Second
	LongestLoginDelay = 5 * time.Minute
	// LoginFailuresForgotten is how long after its last failure an
	// account's count starts from zero again.
	LoginFailuresForgotten = time.Hour
)

// DefaultLimits allow a person who mistypes a few times to go on, and slow
// a guesser down to a dozen tries an hour per account. They count in this
// process's memory; the server uses NewLimits.
func DefaultLimits() *Limits {
	return &Limits{
		LoginByClient:  ratelimit.New(loginByClient.n, loginByClient.per),
		LoginByAccount: ratelimit.NewBackoff(FreeLoginFailures, FirstLoginDelay, LongestLoginDelay, LoginFailuresForgotten),
		LoginByDevice:  ratelimit.New(loginByDevice.n, loginByDevice.per),
		ResetByClient:  ratelimit.New(resetByClient.n, resetByClient.per),
		ResetByAccount: ratelimit.New(resetByAccount.n, resetByAccount.per),
	}
}

// NewLimits are the default limits counted in store, so that every
// instance on the database counts together.
func NewLimits(store *ratelimit.Store) *Limits {
	return &Limits{
		LoginByClient:  store.Limiter("auth.login-by-client", loginByClient.n, loginByClient.per),
		LoginByAccount: store.Backoff("auth.login-by-account", FreeLoginFailures, FirstLoginDelay, LongestLoginDelay, LoginFailuresForgotten),
		LoginByDevice:  store.Limiter("auth.login-by-device", loginByDevice.n, loginByDevice.per),
		ResetByClient:  store.Limiter("auth.reset-by-client", resetByClient.n, resetByClient.per),
		ResetByAccount: store.Limiter("auth.reset-by-account", resetByAccount.n, resetByAccount.per),
	}
}

// window is a limit of n events per per.
type window struct {
	n   int
	per time.Duration
}

var (
	loginByClient  = window{30, 15 * time.Minute}
	loginByDevice  = window{8, 15 * time.Minute}
	resetByClient  = window{10, time.Hour}
	resetByAccount = window{3, time.Hour}
)

// foldName folds what was typed so "Max" and "max" count as one account.
func foldName(userOrEmail string) string {
	return strings.ToLower(strings.TrimSpace(userOrEmail))
}

// userAccountKey is the account key of an existing user, nameAccountKey
// that of a typed name no active user has. The prefixes keep them apart.
func userAccountKey(id int64) string    { return "user:" + strconv.FormatInt(id, 10) }
func nameAccountKey(name string) string { return "name:" + foldName(name) }

// loginCount is what reserveLogin counted for an attempt.
type loginCount struct {
	client, account, device string
}

// reserveLogin counts a login attempt before the password is checked:
// attempts sent in parallel would all pass a check made before any of them
// failed. A successful login gives the attempt back (releaseLogin), so only
// failures use up the allowance. device is the key of a valid device
// cookie for the account, "" without one; a device that failed too often
// is counted like any other client until its window passes.
func (l *Limits) reserveLogin(ctx context.Context, client, account, device string) (c loginCount, ok bool, retryAfter time.Duration) {
	if device != "" {
		if ok, _ := l.LoginByDevice.Allow(ctx, device); ok {
			return loginCount{device: device}, true, 0
		}
	}
	client = ratelimit.ClientKey(client)
	if ok, retry := l.LoginByClient.Allow(ctx, client); !ok {
		return loginCount{}, false, retry
	}
	if ok, retry := l.LoginByAccount.Allow(ctx, account); !ok {
		l.LoginByClient.Undo(ctx, client)
		return loginCount{}, false, retry
	}
	return loginCount{client: client, account: account}, true, 0
}

// releaseLogin takes back the attempt reserveLogin counted.
func (l *Limits) releaseLogin(ctx context.Context, c loginCount) {
	if c.device != "" {
		l.LoginByDevice.Undo(ctx, c.device)
	}
	if c.client != "" {
		l.LoginByClient.Undo(ctx, c.client)
	}
	if c.account != "" {
		l.LoginByAccount.Undo(ctx, c.account)
	}
}

// refuseLogin counts an attempt that was refused before it named an
// account (unreadable input) against the client.
func (l *Limits) refuseLogin(ctx context.Context, client string) (ok bool, retryAfter time.Duration) {
	return l.LoginByClient.Allow(ctx, ratelimit.ClientKey(client))
}

// allowReset counts a reset request against client and account.
func (l *Limits) allowReset(ctx context.Context, client, account string) (ok bool, retryAfter time.Duration) {
	ok1, r1 := l.ResetByClient.Allow(ctx, ratelimit.ClientKey(client))
	if !ok1 {
		return false, r1
	}
	ok2, r2 := l.ResetByAccount.Allow(ctx, foldName(account))
	return ok2, r2
}
