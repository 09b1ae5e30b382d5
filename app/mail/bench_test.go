package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strings"
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

// BenchmarkEnqueueTicketMail is a confirmation's mail: text, HTML, and two
// attachments of new content (the ticket's QR code, the calendar entry),
// each in a transaction of its own. The blobs pile up as it runs, so a
// lookup that scanned them would show as time growing with -benchtime.
func BenchmarkEnqueueTicketMail(b *testing.B) {
	app := apptest.Start(b)
	app.Worker.Stop()
	text := strings.Repeat("Hallo Bench Person, du bist angemeldet.\n", 25)
	html := strings.Repeat("<p>Hallo Bench Person, du bist angemeldet.</p>\n", 60)
	for b.Loop() {
		qr := []byte(rand.Text() + rand.Text())
		m := mail.Message{
			Kind: "event_registration_confirmed", To: []string{"p@example.org"}, Subject: "Angemeldet", Text: text, HTML: html,
			Attachments: []mail.Attachment{
				{Filename: "ticket.png", ContentType: "image/png", Content: bytes.Repeat(qr, 100), Inline: true},
				{Filename: "fest.ics", ContentType: "text/calendar", Content: []byte("BEGIN:VCALENDAR\n" + rand.Text())},
			},
		}
		err := pgx.BeginFunc(context.Background(), app.Pool, func(tx pgx.Tx) error {
			_, err := mail.Enqueue(context.Background(), tx, m)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
