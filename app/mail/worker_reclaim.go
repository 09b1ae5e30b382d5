package mail

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// A claimer is the process that claimed a mail for sending, recorded in
// mail_outbox.claimed_by. The host name says whose process ids these are,
// the nonce tells a restarted process from its predecessor with the same
// id: a container's worker is process 1 after every restart.
//
// This assumes processes on one host name see each other's process ids;
// two containers sharing a host name must also share a process namespace.
type claimer struct {
	host  string
	pid   int
	nonce string
}

// thisProcess is the claimer of every worker in this process: workers of
// one process never take back each other's claims, which are all live.
var thisProcess = sync.OnceValue(func() claimer {
	host, err := os.Hostname()
	if err != nil {
		// Without a host name there is no telling whose process ids
		// these are; such claims wait for ClaimTimeout.
		host = ""
	}
	return claimer{host: host, pid: os.Getpid(), nonce: rand.Text()}
})

// String is the claimed_by value: host/pid/nonce.
func (c claimer) String() string {
	return c.host + "/" + strconv.Itoa(c.pid) + "/" + c.nonce
}

// parseClaimer reads a claimed_by value; a host name may contain a slash,
// so it is read from the right.
func parseClaimer(s string) (claimer, bool) {
	rest, nonce, ok := cutLast(s, "/")
	if !ok || nonce == "" {
		return claimer{}, false
	}
	host, pidText, ok := cutLast(rest, "/")
	if !ok || host == "" {
		return claimer{}, false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return claimer{}, false
	}
	return claimer{host: host, pid: pid, nonce: nonce}, true
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// gone reports whether the process that made claim c has ended, as far as
// process p (this one) can tell: c ran on p's host and its process id is
// not running, or is p's own under another nonce (the same process id
// after a restart). Claims of other hosts are never judged gone here; they
// wait for ClaimTimeout.
func (p claimer) gone(c claimer) bool {
	if p.host == "" || c.host != p.host {
		return false
	}
	if c.pid == p.pid {
		return c.nonce != p.nonce
	}
	return !processRunning(c.pid)
}

// reclaim gives back to the queue the mails that crashed processes on
// this host left in sending, so they go out now rather than after
// ClaimTimeout. The mails may have reached the SMTP server before the
// crash; they go again under the same Message-ID, never lost.
func (w *Worker) reclaim(ctx context.Context) error {
	const find = `
		SELECT DISTINCT claimed_by FROM mail_outbox
		WHERE status = 'sending' AND starts_with(claimed_by, $1) AND ($2 = '' OR origin = $2)`
	rows, err := w.pool.Query(ctx, find, w.claimer.host+"/", w.cfg.Origin)
	if err != nil {
		return fmt.Errorf("mail: find stale claims: %w", err)
	}
	claimers, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("mail: find stale claims: %w", err)
	}
	var stale []string
	for _, s := range claimers {
		if c, ok := parseClaimer(s); ok && w.claimer.gone(c) {
			stale = append(stale, s)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	// A process once gone stays gone: a new one with its id has another
	// nonce, so these claims cannot have come alive in between.
	const q = `
		UPDATE mail_outbox SET status = 'queued', claimed_at = NULL, claimed_by = NULL
		WHERE status = 'sending' AND claimed_by = ANY($1) AND ($2 = '' OR origin = $2)`
	tag, err := w.pool.Exec(ctx, q, stale, w.cfg.Origin)
	if err != nil {
		return fmt.Errorf("mail: take back stale claims: %w", err)
	}
	w.cfg.Logger.Warn("mail worker: took back the mails a crashed process left claimed",
		"mails", tag.RowsAffected(), "claimers", stale)
	return nil
}
