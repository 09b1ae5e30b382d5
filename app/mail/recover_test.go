package mail_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/mail"
)

// liveWorker stands in for a worker of another instance: it registers
// claimer and holds its liveness lock on a connection of its own, as a
// worker does, until crash closes that connection (its process died).
func liveWorker(t *testing.T, app *apptest.App, claimer string) (crash func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, app.Pool.Config().ConnConfig.Copy())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock_shared($1, hashtext($2))`, mail.ClaimerLockSpace, claimer); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO mail_workers (claimer) VALUES ($1)`, claimer); err != nil {
		t.Fatal(err)
	}
	return func() { _ = conn.Close(ctx) }
}

// The periodic recovery takes back the claims of a worker of another host
// once its connection is gone, and only then; claims of workers it knows
// nothing about wait for the claim timeout.
func TestRecoveryTakesBackTheClaimsOfADeadWorkerOfAnyHost(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	recovery := mail.RecoveryJob(app.Pool, app.Server.Site.Logger)
	runner := &jobs.Runner{Pool: app.Pool, Logger: app.Server.Site.Logger}
	recover := func() {
		t.Helper()
		if err := runner.RunNow(t.Context(), recovery); err != nil {
			t.Fatal(err)
		}
	}

	remote := mail.ClaimedBy("web-2.example.org", 4711, unique(t, "nonce"))
	unknown := mail.ClaimedBy("web-3.example.org", 4712, unique(t, "nonce"))
	crash := liveWorker(t, app, remote)
	a, b := unique(t, "remote"), unique(t, "unknown")
	ids := enqueue(t, app, simple(a, "Vom toten Rechner"), simple(b, "Von einem Unbekannten"))
	claimAs(t, app, remote, ids[0])
	claimAs(t, app, unknown, ids[1])

	recover()
	if r := row(t, app.Pool, ids[0]); r.Status != "sending" {
		t.Fatalf("the claim of a live worker was taken back: %s", r.Status)
	}
	crash()
	startWorker(t, app, tenMinuteClaims)
	apptest.Eventually(t, 10*time.Second, "the recovery to take back the dead worker's claim", func() bool {
		recover()
		return row(t, app.Pool, ids[0]).Status != "sending"
	})
	app.SMTP.WaitTo(t, a, 1, 10*time.Second)
	waitRow(t, app.Pool, ids[0], "sent", func(r outboxRow) bool { return r.Status == "sent" })
	if r := row(t, app.Pool, ids[1]); r.Status != "sending" {
		t.Errorf("the claim of an unregistered worker = %s, want it left for the claim timeout", r.Status)
	}
	var registered bool
	if err := app.Pool.QueryRow(t.Context(), `SELECT EXISTS (SELECT FROM mail_workers WHERE claimer = $1)`, remote).Scan(&registered); err != nil {
		t.Fatal(err)
	}
	if registered {
		t.Error("the dead worker is still registered")
	}
}

// A running worker registers and holds its lock: the recovery leaves its
// claims alone.
func TestRecoveryLeavesTheClaimsOfRunningWorkers(t *testing.T) {
	app := apptest.Start(t)
	host, pid, nonce := mail.ThisProcess()
	me := mail.ClaimedBy(host, pid, nonce)
	apptest.Eventually(t, 10*time.Second, "the app's worker to register", func() bool { return app.Worker.Connected() })
	id := enqueue(t, app, simple(unique(t, "mine"), "Meine"))[0]
	app.Worker.Stop()
	w := startWorker(t, app, tenMinuteClaims)
	apptest.Eventually(t, 10*time.Second, "the new worker to connect", w.Connected)
	// Sent already, or still ours: either way claimed_by stays with us.
	claimAs(t, app, me, id)
	runner := &jobs.Runner{Pool: app.Pool, Logger: app.Server.Site.Logger}
	if err := runner.RunNow(t.Context(), mail.RecoveryJob(app.Pool, app.Server.Site.Logger)); err != nil {
		t.Fatal(err)
	}
	if r := row(t, app.Pool, id); r.Status != "sending" {
		t.Errorf("a running worker's claim = %s after the recovery, want still sending", r.Status)
	}
}
