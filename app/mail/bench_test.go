package mail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

// organiserMail is one organiser mail to n participants, one mail each.
func organiserMail(n int) []mail.Message {
	msgs := make([]mail.Message, n)
	for i := range msgs {
		msgs[i] = mail.Message{
			Kind:    "organiser_mail",
			To:      []string{mail.Address(fmt.Sprintf("Teilnehmer %d", i), fmt.Sprintf("p%d@example.org", i))},
			ReplyTo: "orga@example.org",
			Subject: "Infos zum Sommerfest",
			Text:    "Hallo,\n\nhier die Infos zum Sommerfest: https://example.org/e/1\n\n-- \nPeP et al. e.V.\n",
		}
	}
	return msgs
}

func enqueueAll(b *testing.B, app *apptest.App, msgs []mail.Message) {
	err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
		for _, m := range msgs {
			if _, err := mail.Enqueue(context.Background(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkEnqueue2000 is the goal: one organiser mail to 2,000
// participants queued in one transaction in under a second.
func BenchmarkEnqueue2000(b *testing.B) {
	app := apptest.Start(b)
	app.Worker.Stop()
	msgs := organiserMail(2000)
	for b.Loop() {
		enqueueAll(b, app, msgs)
	}
}

// BenchmarkDelivery reports mails per second one worker hands to the local
// SMTP server.
func BenchmarkDelivery(b *testing.B) {
	app := apptest.Start(b)
	app.Worker.Stop()
	const n = 500
	msgs := organiserMail(n)
	w := mail.NewWorker(app.Pool, app.MailConfig)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		enqueueAll(b, app, msgs)
		b.StartTimer()
		start := time.Now()
		if got, err := w.Drain(context.Background()); err != nil || got != n {
			b.Fatalf("drained %d (%v), want %d", got, err, n)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(w.Delivered())/elapsed.Seconds(), "mails/s")
}
