package mail

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// addressIs is SQL matching a stored recipient (bare, or "Name <addr>")
// against @email without case.
func addressIs(col string) string {
	return "(lower(" + col + ") = lower(@email) OR right(lower(" + col + "), length(@email) + 2) = '<' || lower(@email) || '>')"
}

// The outbox keeps whole mails: about the person (caused by them or their
// registrations, or addressed to nobody else) they lose their content and
// attachments; in mails to others only their address is replaced, so the
// others' mails still go out.
func init() {
	persons.Register(persons.Domain{
		Name:   "mail",
		Tables: []string{"mail_outbox", "mail_attachments", "mail_attempts", "mail_blobs"},
		Data: []persons.Category{{What: "privacy.data.mails", Where: "mail_outbox, mail_attachments, mail_blobs",
			Why: "privacy.why.mails", HowLong: "privacy.retain.mail"}},
		Erase:  eraseMails,
		Export: exportMails,
	})
}

func mailArgs(s *persons.Subject) pgx.NamedArgs {
	return pgx.NamedArgs{"id": s.ID, "email": s.Email, "regs": s.Ref("registration"),
		"placeholder": persons.Placeholder(s.ID)}
}

// aboutSQL matches the mails about the person.
var aboutSQL = `(person_id = @id OR registration_id = ANY(@regs)
	OR (cardinality(to_addrs || cc_addrs || bcc_addrs) > 0 AND NOT EXISTS (
	    SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs) AS a WHERE NOT ` + addressIs("a") + `)))`

var mentionsSQL = `EXISTS (SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs || ARRAY[reply_to]) AS a WHERE ` + addressIs("a") + `)`

func eraseMails(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
	steps := []string{
		`DELETE FROM mail_attempts WHERE mail_id IN (SELECT id FROM mail_outbox WHERE ` + aboutSQL + ` OR ` + mentionsSQL + `)`,
		`DELETE FROM mail_attachments WHERE mail_id IN (SELECT id FROM mail_outbox WHERE ` + aboutSQL + `)`,
		// A queued mail about them is not sent.
		`UPDATE mail_outbox SET subject = '', body_text = '', body_html = '', last_error = '',
		        status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END
		 WHERE ` + aboutSQL,
		`UPDATE mail_outbox SET
		    to_addrs = ARRAY(SELECT CASE WHEN ` + addressIs("a") + ` THEN @placeholder ELSE a END
		                     FROM unnest(to_addrs) WITH ORDINALITY AS t(a, n) ORDER BY n),
		    cc_addrs = ARRAY(SELECT a FROM unnest(cc_addrs) WITH ORDINALITY AS t(a, n) WHERE NOT ` + addressIs("a") + ` ORDER BY n),
		    bcc_addrs = ARRAY(SELECT a FROM unnest(bcc_addrs) WITH ORDINALITY AS t(a, n) WHERE NOT ` + addressIs("a") + ` ORDER BY n),
		    reply_to = CASE WHEN ` + addressIs("reply_to") + ` THEN '' ELSE reply_to END,
		    last_error = ''
		 WHERE ` + mentionsSQL,
	}
	args := mailArgs(s)
	for _, q := range steps {
		if _, err := tx.Exec(ctx, q, args); err != nil {
			return err
		}
	}
	// The attachments deleted above leave their content behind unless
	// another mail still carries it.
	return DeleteUnusedBlobs(ctx, tx)
}

// linkKey is the key a mailed link carries (app/tokens: 32 random bytes,
// base64url) after its slash; ticketCode a ticket's check-in code as
// mails write it (app/events.FormatCode: Crockford's base32, 5-5).
var (
	linkKey    = regexp.MustCompile(`/[A-Za-z0-9_-]{43}`)
	ticketCode = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)
)

// withoutLinkKeys shortens the keys of the links in a mail's text and its
// ticket codes to "…": shown on the data page and in its download, a key
// that still works would let whoever is shown or sent the export edit the
// person's data, and a code would let them in at the door in their name.
func withoutLinkKeys(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range linkKey.FindAllStringIndex(text, -1) {
		// A key ends where the base64url letters do: a longer run is
		// something else.
		if m[1] < len(text) && isKeyByte(text[m[1]]) {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString("/…")
		last = m[1]
	}
	b.WriteString(text[last:])
	return ticketCode.ReplaceAllString(b.String(), "…")
}

func isKeyByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// exportMails lists the mails about the person and those addressed to
// them. Their links' keys are left out (withoutLinkKeys). Of a mail to many, only the person's own address is shown: the
// others' addresses are not theirs to see.
func exportMails(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	q := `
		SELECT created_at, sent_at, kind, status, subject, body_text,
		       CASE WHEN person_id = @id OR registration_id = ANY(@regs)
		            THEN to_addrs ELSE ARRAY[@email::text] END
		FROM mail_outbox
		WHERE person_id = @id OR registration_id = ANY(@regs)
		   OR EXISTS (SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs) AS a WHERE ` + addressIs("a") + `)
		ORDER BY created_at, id`
	rows, err := tx.Query(ctx, q, mailArgs(s))
	if err != nil {
		return err
	}
	ex.Mails, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportMail, error) {
		var (
			m       views.ExportMail
			created time.Time
			sent    *time.Time
		)
		err := row.Scan(&created, &sent, &m.Kind, &m.Status, &m.Subject, &m.Text, &m.To)
		m.Text = withoutLinkKeys(m.Text)
		m.CreatedAt, m.SentAt = persons.ISOTime(created), persons.ISOTimePtr(sent)
		// Names as the person reads them, not MIME-encoded as stored.
		for i, a := range m.To {
			m.To[i] = DisplayAddress(a)
		}
		return m, err
	})
	return err
}
