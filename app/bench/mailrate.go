package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/mail"
)

// MailResult is the mail scenario: one organiser mail to n participants.
type MailResult struct {
	N         int
	Enqueue   time.Duration // the one transaction, commit included
	Delivery  time.Duration // from the commit until the sink has all n
	Delivered int
}

// RunMail enqueues n mails in one transaction, as an organiser's mail to
// every participant does, and waits for memberdb's worker to deliver them
// to the sink.
func RunMail(ctx context.Context, pool *pgxpool.Pool, sink *Sink, n int, timeout time.Duration) (MailResult, error) {
	res := MailResult{N: n}
	before, _ := sink.Total()
	body := organiserMail()
	start := time.Now()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for i := range n {
			to := mail.Address(fmt.Sprintf("Teilnehmerin %d", i), fmt.Sprintf("teilnehmerin-%d@example.org", i))
			_, err := mail.Enqueue(ctx, tx, mail.Message{
				Kind:    "organiser_message",
				To:      []string{to},
				ReplyTo: "sommerakademie@example.org",
				Subject: "Sommerakademie: Anreise und Programm",
				Text:    body,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	res.Enqueue = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("enqueueing %d mails: %w", n, err)
	}
	committed := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last, err := sink.WaitTotal(waitCtx, before+n)
	total, _ := sink.Total()
	res.Delivered = total - before
	if err != nil {
		res.Delivery = time.Since(committed)
		return res, fmt.Errorf("delivery: %w", err)
	}
	res.Delivery = last.Sub(committed)
	return res, nil
}

// Rows are the table lines of the scenario; workers is how many worker
// delivered.
func (m MailResult) Rows(workers int) []Row {
	rate := -1.0
	if m.Delivery > 0 {
		rate = float64(m.Delivered) / m.Delivery.Seconds()
	}
	return []Row{
		{Scenario: fmt.Sprintf("mail: enqueue %d in one transaction (p50 = p99 = its time)", m.N), Rate: float64(m.N) / m.Enqueue.Seconds(),
			P50: m.Enqueue, P99: m.Enqueue},
		{Scenario: fmt.Sprintf("mail: delivery to the SMTP sink, %d worker(s) (mails/s)", workers), Rate: rate, NoLatency: true, Errors: m.N - m.Delivered},
	}
}

// organiserMail is a typical message to participants, about 1.5 kB.
func organiserMail() string {
	var b strings.Builder
	b.WriteString("Hallo,\n\nin einer Woche beginnt die Sommerakademie. Hier das Wichtigste:\n\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "%d. Programmpunkt %d: Vortrag, Diskussion und gemeinsames Abendessen im Gästehaus.\n", i, i)
	}
	b.WriteString("\nBitte bringt Bettwäsche mit. Bei Fragen antwortet einfach auf diese Mail.\n\nViele Grüße\nDas Orga-Team\n")
	return b.String()
}
