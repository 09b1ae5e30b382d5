package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/pepalumni/memberdb/app/metrics"
)

// deliver sends a claimed batch over one SMTP connection. Failures are
// recorded at once, deliveries together at the end of the batch: one
// commit instead of one per mail, which lets a single worker keep up with
// a registration rush. A crash in between repeats at most one batch, and
// the stable Message-ID lets mail clients drop those copies.
func (w *Worker) deliver(ctx context.Context, batch []claimed) (err error) {
	// Results are recorded even while shutting down: they happened.
	record := context.WithoutCancel(ctx)
	from := w.cfg.SMTP.Sender
	if w.cfg.Sender != nil {
		lookup, cancel := context.WithTimeout(ctx, 5*time.Second)
		from, err = w.cfg.Sender(lookup)
		cancel()
		if err != nil {
			// The batch waits for the next try; the error makes the worker
			// wait its poll interval, not claim the same mails at once.
			return errors.Join(fmt.Errorf("mail: the sender cannot be read: %w", err), w.release(record, batch))
		}
	}
	client, err := w.dial(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return w.release(record, batch)
		}
		for _, c := range batch {
			if err := w.markFailed(record, c, fmt.Errorf("connecting to the mail server: %w", err), false); err != nil {
				return err
			}
		}
		return nil
	}
	defer func() { _ = client.Close() }()
	var sent []claimed
	defer func() {
		err = errors.Join(err, w.markSent(record, sent))
	}()
	for i, c := range batch {
		if ctx.Err() != nil {
			return w.release(record, batch[i:])
		}
		msg, err := w.compose(c, from)
		if err != nil {
			if err := w.markFailed(record, c, err, true); err != nil {
				return err
			}
			continue
		}
		if err := client.Send(msg); err != nil {
			if err := w.markFailed(record, c, err, permanent(err)); err != nil {
				return err
			}
			continue
		}
		w.delivered.Add(1)
		metrics.MailDelivered.Inc()
		sent = append(sent, c)
	}
	return nil
}

func (w *Worker) dial(ctx context.Context) (*gomail.Client, error) {
	s := w.cfg.SMTP
	opts := []gomail.Option{
		gomail.WithPort(s.Port),
		gomail.WithTimeout(w.cfg.SendTimeout),
		// The connection is fresh per batch and a broken one shows at MAIL
		// FROM anyway; NOOP and RSET would only cost round trips.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	client, err := gomail.NewClient(s.Server, opts...)
	if err != nil {
		return nil, err
	}
	if err := client.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return client, nil
}

// compose builds the MIME message. The outbox may have been written by
// something other than Enqueue, so it is validated again here.
func (w *Worker) compose(c claimed, from string) (*gomail.Msg, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("mail: sender: %w", err)
	}
	if err := m.To(c.To...); err != nil {
		return nil, fmt.Errorf("mail: to: %w", err)
	}
	if len(c.Cc) > 0 {
		if err := m.Cc(c.Cc...); err != nil {
			return nil, fmt.Errorf("mail: cc: %w", err)
		}
	}
	if len(c.Bcc) > 0 {
		if err := m.Bcc(c.Bcc...); err != nil {
			return nil, fmt.Errorf("mail: bcc: %w", err)
		}
	}
	if c.ReplyTo != "" {
		if err := m.ReplyTo(c.ReplyTo); err != nil {
			return nil, fmt.Errorf("mail: reply-to: %w", err)
		}
	}
	m.Subject(c.Subject)
	// A stable Message-ID lets mail clients drop the copy a retry after a
	// crash may produce.
	m.SetMessageIDWithValue(fmt.Sprintf("memberdb.%d.%d@%s", c.ID, c.CreatedAt.Unix(), senderDomain(from)))
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, c.Text)
	if c.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, c.HTML)
	}
	for _, a := range c.Attachments {
		if a.Inline {
			// go-mail names the part's Content-ID after the file.
			err := m.EmbedReader(a.Filename, bytes.NewReader(a.Content), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
			if err != nil {
				return nil, fmt.Errorf("mail: inline %s: %w", a.Filename, err)
			}
			continue
		}
		err := m.AttachReader(a.Filename, bytes.NewReader(a.Content), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		if err != nil {
			return nil, fmt.Errorf("mail: attachment %s: %w", a.Filename, err)
		}
	}
	return m, nil
}

func senderDomain(sender string) string {
	if a, err := mail.ParseAddress(sender); err == nil {
		if _, domain, ok := strings.Cut(a.Address, "@"); ok {
			return domain
		}
	}
	return "localhost"
}

// permanent reports whether the server refused for good (5xx) or the mail
// itself cannot be sent; everything else (4xx, network) is worth a retry.
func permanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	if code := se.ErrorCode(); code >= 500 && code < 600 {
		return true
	}
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return true
	}
	return false
}
