package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// A mail worker running apart from the web servers sends, without
// MAIL_SENDER, from the association's name as set in the browser, and a
// new name reaches it at once: before, it kept the old one for minutes.
func TestMailWorkerHearsANewName(t *testing.T) {
	dbURL := dbtest.NewDatabase(t, "memberdb_mailworker")
	smtp := mailtest.Start(t)
	env := instanceEnv(dbURL, "http://127.0.0.1:1", smtp)
	delete(env, "MAIL_SENDER")
	// serve migrates the database; it stops before the mails are queued,
	// so only the worker sends them.
	serve := startInstance(t, env)
	serve.waitReady(t, 60*time.Second)
	serve.stop()
	pool, err := db.Open(ctxTimeout(t), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	setName := func(name string) {
		t.Helper()
		if _, err := pool.Exec(ctxTimeout(t), `UPDATE site_settings SET org_name = $1`, name); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	// send queues a mail and returns its sender as it arrived.
	send := func() string {
		t.Helper()
		n++
		to := fmt.Sprintf("empfang.%d@example.org", n)
		err := pgx.BeginFunc(ctxTimeout(t), pool, func(tx pgx.Tx) error {
			_, err := mail.Enqueue(ctxTimeout(t), tx, mail.Message{Kind: "test", To: []string{to}, Subject: "Nr. " + fmt.Sprint(n), Text: "Hallo\n"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return smtp.WaitTo(t, to, 1, 20*time.Second)[0].Header.Get("From")
	}

	setName("Verein Eins")
	startCommand(t, env, "mail-worker")
	if from := send(); !strings.Contains(from, "Verein Eins") {
		t.Fatalf("the first mail is from %q, want Verein Eins", from)
	}
	setName("Verein Zwei")
	// The change is heard, not read at once: a mail queued in the same
	// moment may still go out under the old name.
	apptest.Eventually(t, 15*time.Second, "a mail from the new name", func() bool {
		return strings.Contains(send(), "Verein Zwei")
	})
}
