package mail_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

// deadPID is the process id of a process killed with SIGKILL, as a worker
// is by kill -9.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	return cmd.Process.Pid
}

// claimAs marks the mails as being sent just now by the given claimer.
func claimAs(t *testing.T, app *apptest.App, claimedBy string, ids ...int64) {
	t.Helper()
	_, err := app.Pool.Exec(context.Background(), `
		UPDATE mail_outbox SET status = 'sending', claimed_at = now(), claimed_by = $1 WHERE id = ANY($2)`, claimedBy, ids)
	if err != nil {
		t.Fatal(err)
	}
}

// tenMinuteClaims keeps the production ClaimTimeout, so that only taking
// the crashed process's claims back can send their mails within seconds.
func tenMinuteClaims(c *mail.WorkerConfig) { c.ClaimTimeout = 10 * time.Minute }

func TestClaimRecordsTheClaimingProcess(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	// A mail server that never greets keeps the mail in sending.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	startWorker(t, app, func(c *mail.WorkerConfig) {
		c.SMTP.Port = silent.Addr().(*net.TCPAddr).Port
		c.SendTimeout = 2 * time.Second
	})
	t.Cleanup(func() { _ = silent.Close() }) // before the worker stops
	id := enqueue(t, app, simple(unique(t, "claimed"), "Unterwegs"))[0]

	host, pid, nonce := mail.ThisProcess()
	want := mail.ClaimedBy(host, pid, nonce)
	got := apptest.EventuallyValue(t, 5*time.Second, "the mail to be claimed with its claimer recorded", func() (string, bool) {
		var claimedBy *string
		err := app.Pool.QueryRow(context.Background(), `
			SELECT claimed_by FROM mail_outbox WHERE id = $1 AND status = 'sending'`, id).Scan(&claimedBy)
		if err != nil || claimedBy == nil {
			return fmt.Sprint(err), false
		}
		return *claimedBy, true
	})
	if got != want {
		t.Fatalf("claimed by %q, want %q", got, want)
	}
}

func TestClaimsOfACrashedWorkerOnThisHostAreTakenBackAtStart(t *testing.T) {
	host, pid, _ := mail.ThisProcess()
	tests := []struct {
		name      string
		claimedBy string
	}{
		{"its process is gone", mail.ClaimedBy(host, deadPID(t), "crashed")},
		{"a restarted container has its process id", mail.ClaimedBy(host, pid, "before-restart")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := apptest.Start(t)
			app.Worker.Stop()
			a, b := unique(t, "crash"), unique(t, "crash")
			ids := enqueue(t, app, simple(a, "Nach dem Absturz"), simple(b, "Auch diese"))
			claimAs(t, app, tt.claimedBy, ids...)

			startWorker(t, app, tenMinuteClaims)
			app.SMTP.WaitTo(t, a, 1, 5*time.Second)
			app.SMTP.WaitTo(t, b, 1, 5*time.Second)
			for _, id := range ids {
				waitRow(t, app.Pool, id, "sent", func(r outboxRow) bool { return r.Status == "sent" })
			}
		})
	}
}

func TestLiveClaimsAreNotTakenBackAtStart(t *testing.T) {
	host, pid, nonce := mail.ThisProcess()
	app := apptest.Start(t)
	app.Worker.Stop()
	live := []struct {
		name      string
		claimedBy *string
	}{
		{"another worker of this process", ptr(mail.ClaimedBy(host, pid, nonce))},
		{"a live process on this host", ptr(mail.ClaimedBy(host, os.Getppid(), "alive"))},
		// Its process ids are not this host's, even if one is not running here.
		{"a process on another host", ptr(mail.ClaimedBy("elsewhere.example.org", deadPID(t), "remote"))},
		{"a claim from before claimers were recorded", nil},
	}
	crashed := unique(t, "crashed")
	marker := enqueue(t, app, simple(crashed, "Verwaist"))[0]
	claimAs(t, app, mail.ClaimedBy(host, deadPID(t), "crashed"), marker)
	ids := make([]int64, len(live))
	addrs := make([]string, len(live))
	for i, l := range live {
		addrs[i] = unique(t, "busy")
		ids[i] = enqueue(t, app, simple(addrs[i], l.name))[0]
		_, err := app.Pool.Exec(context.Background(), `
			UPDATE mail_outbox SET status = 'sending', claimed_at = now(), claimed_by = $1 WHERE id = $2`, l.claimedBy, ids[i])
		if err != nil {
			t.Fatal(err)
		}
	}

	startWorker(t, app, tenMinuteClaims)
	// The crashed process's mail going out shows the start-up is done.
	app.SMTP.WaitTo(t, crashed, 1, 5*time.Second)
	waitRow(t, app.Pool, marker, "sent", func(r outboxRow) bool { return r.Status == "sent" })
	for i, l := range live {
		var status string
		var claimedBy *string
		err := app.Pool.QueryRow(context.Background(), `SELECT status, claimed_by FROM mail_outbox WHERE id = $1`, ids[i]).Scan(&status, &claimedBy)
		if err != nil {
			t.Fatal(err)
		}
		if status != "sending" || !equalPtr(claimedBy, l.claimedBy) {
			t.Errorf("mail claimed by %s: %s by %v, want still sending by its claimer", l.name, status, deref(claimedBy))
		}
		if got := app.SMTP.To(addrs[i]); len(got) != 0 {
			t.Errorf("mail claimed by %s was sent again", l.name)
		}
	}
}

func ptr(s string) *string { return &s }

func equalPtr(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(s *string) string {
	if s == nil {
		return "nobody"
	}
	return *s
}
