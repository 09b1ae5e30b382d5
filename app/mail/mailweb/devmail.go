package mailweb

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/mail"
)

// devMailLimit is how many mails the development mailbox shows.
const devMailLimit = 100

// devMailbox is GET /dev/mail (development mode only): the newest mails,
// optionally only those to an address containing ?to=.
func (h *Handler) devMailbox(w http.ResponseWriter, r *http.Request) {
	mails, err := h.devMails(r.Context(), strings.TrimSpace(r.URL.Query().Get("to")))
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "mail.dev.title"), view.DevMailboxPage(view.DevMailbox{Mails: mails, Limit: devMailLimit}))
}

// mailSelect reads a mail as a recipient would see it; scanMail scans it.
const mailSelect = `
	SELECT o.id, o.kind, o.status, o.created_at, o.to_addrs, o.cc_addrs, o.bcc_addrs, o.reply_to, o.subject,
	       o.body_text, o.body_html <> '',
	       coalesce((SELECT array_agg(filename ORDER BY id) FROM mail_attachments WHERE mail_id = o.id), '{}')
	FROM mail_outbox o`

func scanMail(ctx context.Context) pgx.RowToFunc[view.DevMail] {
	return func(row pgx.CollectableRow) (view.DevMail, error) { return scanMailRow(ctx, row) }
}

func scanMailRow(ctx context.Context, row pgx.CollectableRow) (view.DevMail, error) {
	var m view.DevMail
	var created time.Time
	var toAddrs, cc, bcc []string
	var body string
	err := row.Scan(&m.ID, &m.Kind, &m.Status, &created, &toAddrs, &cc, &bcc, &m.ReplyTo, &m.Subject,
		&body, &m.HasHTML, &m.Attachments)
	m.CreatedAt = web.LocalTime(ctx, created)
	m.To, m.Cc, m.Bcc = mail.DisplayAddresses(toAddrs), mail.DisplayAddresses(cc), mail.DisplayAddresses(bcc)
	m.ReplyTo = mail.DisplayAddresses([]string{m.ReplyTo})
	m.Body = linkify(body)
	return m, err
}

func (h *Handler) devMails(ctx context.Context, to string) ([]view.DevMail, error) {
	const q = mailSelect + `
		WHERE $1 = '' OR EXISTS (SELECT 1 FROM unnest(o.to_addrs || o.cc_addrs || o.bcc_addrs) AS a WHERE a ILIKE $2)
		ORDER BY o.id DESC
		LIMIT $3`
	rows, err := h.pool.Query(ctx, q, to, likePattern(to), devMailLimit)
	if err != nil {
		return nil, fmt.Errorf("mailweb: dev mailbox: %w", err)
	}
	mails, err := pgx.CollectRows(rows, scanMail(ctx))
	if err != nil {
		return nil, fmt.Errorf("mailweb: dev mailbox: %w", err)
	}
	return mails, nil
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkify splits plain text into text and links. Punctuation that ends a
// sentence after a URL is not part of it.
func linkify(text string) []view.BodyPart {
	var parts []view.BodyPart
	rest := 0
	for _, loc := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		end = start + len(trimURL(text[start:end]))
		if start > rest {
			parts = append(parts, view.BodyPart{Text: text[rest:start]})
		}
		parts = append(parts, view.BodyPart{Text: text[start:end], URL: text[start:end]})
		rest = end
	}
	if rest < len(text) {
		parts = append(parts, view.BodyPart{Text: text[rest:]})
	}
	return parts
}

func trimURL(u string) string {
	for u != "" {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?", last) >= 0:
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
