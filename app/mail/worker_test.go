package mail_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// startWorker runs another worker like the app's until t ends.
func startWorker(t *testing.T, app *apptest.App, change func(*mail.WorkerConfig)) *mail.Worker {
	t.Helper()
	cfg := app.MailConfig
	if change != nil {
		change(&cfg)
	}
	w := mail.NewWorker(app.Pool, cfg)
	w.Start(context.Background())
	t.Cleanup(w.Stop)
	return w
}

func TestTwoWorkersDeliverEveryMailExactlyOnce(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	small := func(c *mail.WorkerConfig) { c.BatchSize = 7 }
	w1, w2 := startWorker(t, app, small), startWorker(t, app, small)

	const n = 200
	prefix := fmt.Sprintf("two%d", time.Now().UnixNano())
	msgs := make([]mail.Message, n)
	for i := range msgs {
		msgs[i] = simple(fmt.Sprintf("%s.%d@example.org", prefix, i), fmt.Sprintf("Nr. %d", i))
	}
	enqueue(t, app, msgs...)
	got := app.SMTP.WaitCount(t, n, 20*time.Second)

	seen := map[string]int{}
	for _, m := range got {
		for _, r := range m.Rcpt {
			seen[r]++
		}
	}
	for i := range n {
		addr := fmt.Sprintf("%s.%d@example.org", prefix, i)
		if seen[addr] != 1 {
			t.Errorf("%s received %d mails, want 1", addr, seen[addr])
		}
	}
	if len(got) != n {
		t.Errorf("%d mails delivered, want %d", len(got), n)
	}
	// The server has the last mail a moment before its worker counts it.
	apptest.Eventually(t, 10*time.Second, "the workers to count every delivery", func() bool {
		return w1.Delivered()+w2.Delivered() >= n
	})
	if w1.Delivered() == 0 || w2.Delivered() == 0 || w1.Delivered()+w2.Delivered() != n {
		t.Errorf("workers delivered %d and %d, want both some and %d together", w1.Delivered(), w2.Delivered(), n)
	}
	waitOutbox(t, app, "every mail marked sent", `SELECT count(*) = 0 FROM mail_outbox WHERE origin = $1 AND status <> 'sent'`)
}

// waitOutbox polls until query (given the app's origin) answers true.
func waitOutbox(t *testing.T, app *apptest.App, what, query string) {
	t.Helper()
	apptest.Eventually(t, 10*time.Second, "outbox: "+what, func() bool {
		var ok bool
		if err := app.Pool.QueryRow(context.Background(), query, app.MailConfig.Origin).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	})
}

func TestMailQueuedWhileServerIsDownIsDeliveredWhenItIsBack(t *testing.T) {
	app := apptest.Start(t)
	addr := app.SMTP.Addr()
	app.SMTP.Close()
	to := unique(t, "patient")
	id := enqueue(t, app, simple(to, "Geduld"))[0]

	r := waitRow(t, app.Pool, id, "a failed attempt", func(r outboxRow) bool { return r.Tries >= 1 })
	if r.Status != "queued" && r.Status != "sending" {
		t.Fatalf("after a network error the mail is %s, want it queued for a retry", r.Status)
	}
	if !strings.Contains(r.LastError, "connecting to the mail server") {
		t.Errorf("last error = %q", r.LastError)
	}

	back, err := mailtest.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(back.Close)
	back.WaitTo(t, to, 1, 10*time.Second)
	r = waitRow(t, app.Pool, id, "sent", func(r outboxRow) bool { return r.Status == "sent" })
	if r.Attempts < 2 || r.Tries != r.Attempts-1 {
		t.Errorf("outbox row = %+v: want the failed attempts counted and kept", r)
	}
}

func TestStoppedWorkerLeavesMailForTheNextExactlyOnce(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	const n = 60
	prefix := fmt.Sprintf("restart%d", time.Now().UnixNano())
	msgs := make([]mail.Message, n)
	for i := range msgs {
		msgs[i] = simple(fmt.Sprintf("%s.%d@example.org", prefix, i), "Neustart")
	}
	enqueue(t, app, msgs...)
	if got := len(app.SMTP.Messages()); got != 0 {
		t.Fatalf("%d mails sent without a worker", got)
	}

	// Stopped in the middle of a batch: it finishes the mail it is sending
	// and gives the rest of its claim back.
	first := mail.NewWorker(app.Pool, app.MailConfig)
	first.Start(context.Background())
	apptest.Eventually(t, 10*time.Second, "the first worker to deliver a mail", func() bool { return first.Delivered() > 0 })
	first.Stop()
	afterStop := len(app.SMTP.Messages())
	if afterStop != int(first.Delivered()) {
		t.Errorf("the stopped worker delivered %d but the server has %d", first.Delivered(), afterStop)
	}
	var stuck int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE origin = $1 AND status = 'sending'`,
		app.MailConfig.Origin).Scan(&stuck); err != nil || stuck != 0 {
		t.Errorf("%d mails left claimed after a clean stop (%v)", stuck, err)
	}

	startWorker(t, app, nil)
	got := app.SMTP.WaitCount(t, n, 10*time.Second)
	seen := map[string]int{}
	for _, m := range got {
		seen[m.Rcpt[0]]++
	}
	for i := range n {
		if addr := fmt.Sprintf("%s.%d@example.org", prefix, i); seen[addr] != 1 {
			t.Errorf("%s received %d mails, want 1", addr, seen[addr])
		}
	}
	t.Logf("first worker delivered %d of %d before it stopped", afterStop, n)
}

func TestMailOfADeadWorkerIsTakenOver(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	dead, alive := unique(t, "dead"), unique(t, "alive")
	ids := enqueue(t, app, simple(dead, "Verwaist"), simple(alive, "Frisch"))
	// One mail was claimed by a worker that died an hour ago; the other was
	// claimed just now by one that is still busy with it.
	_, err := app.Pool.Exec(context.Background(), `
		UPDATE mail_outbox SET status = 'sending',
			claimed_at = CASE WHEN id = $1 THEN now() - interval '1 hour' ELSE now() END
		WHERE id = ANY($2)`, ids[0], ids)
	if err != nil {
		t.Fatal(err)
	}
	startWorker(t, app, func(c *mail.WorkerConfig) { c.ClaimTimeout = time.Minute })
	app.SMTP.WaitTo(t, dead, 1, 5*time.Second)
	waitRow(t, app.Pool, ids[0], "sent", func(r outboxRow) bool { return r.Status == "sent" })
	if got := app.SMTP.To(alive); len(got) != 0 {
		t.Errorf("a mail another worker is sending was sent again")
	}
	if r := row(t, app.Pool, ids[1]); r.Status != "sending" {
		t.Errorf("the busy worker's mail is %s, want still sending", r.Status)
	}
}

func TestTemporaryRefusalIsRetried(t *testing.T) {
	app := apptest.Start(t)
	app.SMTP.Reject(451, "Greylisted, try again later")
	to := unique(t, "grey")
	id := enqueue(t, app, simple(to, "Später"))[0]

	r := waitRow(t, app.Pool, id, "a refused attempt", func(r outboxRow) bool { return r.Tries >= 1 })
	if r.Status == "failed" || !strings.Contains(r.LastError, "451") {
		t.Fatalf("after a 451 the row is %+v, want queued for a retry with the error kept", r)
	}
	var kept string
	if err := app.Pool.QueryRow(context.Background(), `SELECT error FROM mail_attempts WHERE mail_id = $1 ORDER BY id LIMIT 1`, id).Scan(&kept); err != nil || !strings.Contains(kept, "Greylisted") {
		t.Errorf("attempt error = %q (%v)", kept, err)
	}
	app.SMTP.Accept()
	app.SMTP.WaitTo(t, to, 1, 10*time.Second)
	r = waitRow(t, app.Pool, id, "sent", func(r outboxRow) bool { return r.Status == "sent" })
	if r.Attempts < 2 {
		t.Errorf("attempts = %d, want the refused ones counted", r.Attempts)
	}
}

func TestTemporaryRefusalGivesUpAfterMaxAttempts(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	app.SMTP.Reject(421, "Service not available")
	startWorker(t, app, func(c *mail.WorkerConfig) { c.MaxAttempts, c.RetryBase = 3, time.Millisecond })
	id := enqueue(t, app, simple(unique(t, "never"), "Nie"))[0]
	r := waitRow(t, app.Pool, id, "failed", func(r outboxRow) bool { return r.Status == "failed" })
	if r.Attempts != 3 || r.Tries != 3 || !strings.Contains(r.LastError, "421") {
		t.Errorf("row = %+v, want failed after 3 attempts with 3 errors kept", r)
	}
}

func TestPermanentRefusalFailsAtOnce(t *testing.T) {
	app := apptest.Start(t)
	app.SMTP.Reject(550, "Mailbox unavailable")
	id := enqueue(t, app, simple(unique(t, "gone"), "Weg"))[0]
	r := waitRow(t, app.Pool, id, "failed", func(r outboxRow) bool { return r.Status == "failed" })
	if r.Attempts != 1 || r.Tries != 1 || !strings.Contains(r.LastError, "550") {
		t.Errorf("row = %+v, want failed after one attempt with the 550 kept", r)
	}
}

func TestBackoffDoubles(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	app.SMTP.Reject(450, "Mailbox busy")
	w := mail.NewWorker(app.Pool, mail.WorkerConfig{SMTP: app.MailConfig.SMTP, Origin: app.MailConfig.Origin})
	id := enqueue(t, app, simple(unique(t, "busy"), "Warte"))[0]
	wants := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute}
	for i, want := range wants {
		if n, err := w.RunOnce(context.Background()); err != nil || n != 1 {
			t.Fatalf("attempt %d: claimed %d (%v)", i+1, n, err)
		}
		var wait time.Duration
		err := app.Pool.QueryRow(context.Background(), `
			SELECT (extract(epoch FROM next_attempt_at - now()) * 1000)::bigint * interval '1 millisecond' FROM mail_outbox WHERE id = $1`, id).Scan(&wait)
		if err != nil {
			t.Fatal(err)
		}
		if wait < want-2*time.Second || wait > want+2*time.Second {
			t.Errorf("after attempt %d the next is in %v, want about %v", i+1, wait, want)
		}
		// Not due yet: nothing to claim.
		if n, _ := w.RunOnce(context.Background()); n != 0 {
			t.Errorf("claimed a mail before its next attempt")
		}
		if _, err := app.Pool.Exec(context.Background(), `UPDATE mail_outbox SET next_attempt_at = now() WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStartTLSIsRequiredByDefault(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	// The test server offers no STARTTLS; sending in the clear must not
	// happen when TLS was asked for.
	startWorker(t, app, func(c *mail.WorkerConfig) { c.SMTP.TLS = "starttls" })
	to := unique(t, "clear")
	id := enqueue(t, app, simple(to, "Klartext"))[0]
	r := waitRow(t, app.Pool, id, "a failed attempt", func(r outboxRow) bool { return r.Tries >= 1 })
	if !strings.Contains(strings.ToLower(r.LastError), "tls") {
		t.Errorf("last error = %q, want it to name TLS", r.LastError)
	}
	if got := app.SMTP.To(to); len(got) != 0 {
		t.Error("mail was sent without TLS")
	}
}

func TestWakesOnNotificationWithoutPolling(t *testing.T) {
	app := apptest.Start(t)
	app.Worker.Stop()
	startWorker(t, app, func(c *mail.WorkerConfig) { c.PollInterval = time.Hour })
	// The worker is running and listening once a first mail got through
	// (its first look finds it, or LISTEN's wake-up does).
	first := unique(t, "first")
	enqueue(t, app, simple(first, "Erste"))
	app.SMTP.WaitTo(t, first, 1, 3*time.Second)
	// Only a worker that has gone back to waiting can prove the
	// notification wakes it: one still looking would find the mail anyway.
	waitIdle(t)
	to := unique(t, "quick")
	enqueue(t, app, simple(to, "Schnell"))
	app.SMTP.WaitTo(t, to, 1, 3*time.Second)
}

// waitIdle waits until the mail worker of the test (the only one running)
// waits for work: Run parked in its select for a wake-up or the poll timer,
// its listener waiting for a notification. The goroutines' stacks are the
// one place that shows it; a worker that polls or sends is never there.
func waitIdle(t *testing.T) {
	t.Helper()
	const pkg = "github.com/pepalumni/memberdb/app/mail."
	apptest.Eventually(t, 5*time.Second, "the mail worker to wait for work", func() bool {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var parked, listening bool
		for _, g := range strings.Split(string(buf), "\n\n") {
			header, frames, _ := strings.Cut(g, "\n")
			switch {
			case strings.Contains(header, "[select") && strings.HasPrefix(frames, pkg+"(*Worker).Run("):
				parked = true
			case strings.Contains(g, pkg+"(*Worker).listenOnce(") && strings.Contains(g, ").WaitForNotification("):
				listening = true
			}
		}
		return parked && listening
	})
}
