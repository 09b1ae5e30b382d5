// Package mail writes mails to the PostgreSQL outbox inside the transaction
// of the change that causes them; a worker delivers them. A rolled-back
// change sends nothing, a committed one always sends.
package mail

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Message is one mail to queue. The sender (From) comes from configuration.
type Message struct {
	// Kind says what caused the mail, e.g. "event_confirmation".
	Kind string
	// Related rows, shown in the admin view and used for GDPR export and
	// anonymisation. Zero means none.
	PersonID       int64
	EventID        int64
	RegistrationID int64

	To, Cc, Bcc []string
	ReplyTo     string
	Subject     string
	Text        string
	HTML        string // optional alternative
	Attachments []Attachment
}

// Attachment is a file sent with a mail.
type Attachment struct {
	Filename    string
	ContentType string
	Content     []byte
	// Blob is the SHA-256 of content stored already with CopyBlob in the
	// same transaction; Enqueue then refers to it and ignores Content, so
	// many mails carry one stored copy.
	Blob []byte
	// Inline attachments are shown inside the HTML body, which refers to
	// them as cid:Filename (a ticket's QR code), not offered as files.
	Inline bool
}

// ErrHeaderInjection refuses a header value with a line break.
var ErrHeaderInjection = errors.New("mail: line break in a header value")

// ErrNoRecipient refuses a mail without To.
var ErrNoRecipient = errors.New("mail: no recipient")

// Notify is the channel the worker listens on for new mail.
const Notify = "mail_outbox"

// Enqueue validates m and writes it to the outbox inside tx. The worker is
// woken when tx commits. Attachment contents are stored once however many
// mails carry them.
func Enqueue(ctx context.Context, tx pgx.Tx, m Message) (int64, error) {
	var b pgx.Batch
	id, err := Queue(&b, m)
	if err != nil {
		return 0, err
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return 0, err
	}
	return *id, nil
}

// Queue validates m and queues its writing to the outbox in b, which the
// caller sends in its transaction together with its own statements: a
// registration's mail costs no round trip of its own. The id is set once
// the batch is sent.
func Queue(b *pgx.Batch, m Message) (*int64, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	names := make([]string, len(m.Attachments))
	types := make([]string, len(m.Attachments))
	sums := make([][]byte, len(m.Attachments))
	contents := make([][]byte, len(m.Attachments))
	inline := make([]bool, len(m.Attachments))
	for i, a := range m.Attachments {
		names[i], types[i], sums[i], inline[i] = AttachmentName(a.Filename), a.ContentType, a.Blob, a.Inline
		if a.Blob == nil {
			contents[i] = a.Content
			if contents[i] == nil {
				contents[i] = []byte{} // nil would be NULL
			}
			sum := sha256.Sum256(contents[i])
			sums[i] = sum[:]
		}
	}
	id := new(int64)
	args := []any{m.Kind, m.PersonID, m.EventID, m.RegistrationID,
		nonNil(m.To), nonNil(m.Cc), nonNil(m.Bcc), m.ReplyTo, m.Subject, m.Text, m.HTML, Notify}
	q := insertSQL
	if len(m.Attachments) > 0 {
		// Without attachments the plain insert: an organiser's mail to
		// 2,000 participants is 2,000 of them.
		q, args = enqueueSQL, append(args, names, types, inline, sums, contents)
	}
	b.Queue(q, args...).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(id, nil); err != nil {
			return fmt.Errorf("mail: enqueue: %w", err)
		}
		return nil
	})
	return id, nil
}

// insertMail writes a mail to the outbox, for insertSQL and enqueueSQL.
const insertMail = `
	INSERT INTO mail_outbox (kind, person_id, event_id, registration_id, to_addrs, cc_addrs, bcc_addrs,
	                         reply_to, subject, body_text, body_html)
	VALUES ($1, nullif($2, 0), nullif($3, 0), nullif($4, 0), $5, $6, $7, $8, $9, $10, $11)`

// insertSQL writes a mail without attachments. NOTIFY rides along: it is
// delivered only at commit, and not at all on rollback.
const insertSQL = insertMail + ` RETURNING id, pg_notify($12, '')`

func (m Message) validate() error {
	if len(m.To) == 0 {
		return ErrNoRecipient
	}
	for _, list := range [][]string{m.To, m.Cc, m.Bcc} {
		for _, addr := range list {
			if err := checkAddress(addr); err != nil {
				return err
			}
		}
	}
	if m.ReplyTo != "" {
		if err := checkAddress(m.ReplyTo); err != nil {
			return err
		}
	}
	if hasLineBreak(m.Subject) || hasLineBreak(m.Kind) {
		return ErrHeaderInjection
	}
	for _, a := range m.Attachments {
		if hasLineBreak(a.Filename) || hasLineBreak(a.ContentType) {
			return ErrHeaderInjection
		}
	}
	return nil
}

func checkAddress(addr string) error {
	if hasLineBreak(addr) {
		return ErrHeaderInjection
	}
	if _, err := mail.ParseAddress(addr); err != nil {
		return fmt.Errorf("mail: address %q: %w", addr, err)
	}
	return nil
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\r\n") }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ValidAddress reports whether s is a bare address memberdb accepts from a
// form: what net/mail reads as exactly s (no display name, no comments), at
// most 254 bytes, with a dot inside the domain. Every form that takes an
// address asks this, so one accepted by one form is accepted by all.
func ValidAddress(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// Address formats a display name and address safely for To or Reply-To.
func Address(name, email string) string {
	return (&mail.Address{Name: name, Address: email}).String()
}
