// Package mail renders the outbox for admins (/admin/mail) and the
// development mailbox (/dev/mail). View models are plain structs shaped by
// app/mail/mailweb before rendering.
package mail

import (
	"strconv"
	"strings"
)

// Statuses are the outbox states, in the order the filter offers them.
var Statuses = []string{"queued", "sending", "sent", "failed", "captured"}

// OutboxRow is one mail in the admin view.
type OutboxRow struct {
	ID         int64
	Kind       string
	Recipients string
	Subject    string
	Status     string
	Attempts   int
	LastError  string
	CreatedAt  string
	SentAt     string // empty until sent
	// Query keeps the list's filter so a retry without JavaScript returns
	// to the same view.
	Query string
}

// CanRetry reports whether the row offers the retry button.
func (r OutboxRow) CanRetry() bool { return r.Status == "failed" }

// Outbox is the admin view's list with its filter and pages.
type Outbox struct {
	Status string // "" shows all
	Query  string // part of a recipient address
	Rows   []OutboxRow
	Total  int
	Page   int
	Pages  int
	// PrevURL and NextURL are empty on the first and last page.
	PrevURL string
	NextURL string
}

// DevMail is one mail in the development mailbox.
type DevMail struct {
	ID          int64
	Kind        string
	Status      string
	CreatedAt   string
	To, Cc, Bcc string
	ReplyTo     string
	Subject     string
	Body        []BodyPart
	HasHTML     bool
	Attachments []string
}

// MailDetail is one mail of the outbox for admins: as its recipients read
// it (links hidden), with its state and every delivery attempt.
type MailDetail struct {
	Mail     DevMail
	Row      OutboxRow
	Attempts []MailAttempt
}

// MailAttempt is one failed try to deliver a mail and the server's answer.
type MailAttempt struct {
	At     string
	Answer string
}

// BodyPart is a run of plain text or, when URL is set, a link.
type BodyPart struct {
	Text string
	URL  string
}

// DevMailbox is the development mailbox, newest first.
type DevMailbox struct {
	Mails []DevMail
	// Limit is how many mails the page shows at most.
	Limit int
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func statusClass(status string) string {
	switch status {
	case "sent":
		return "text-bg-success"
	case "failed":
		return "text-bg-danger"
	case "sending":
		return "text-bg-info"
	case "captured":
		return "text-bg-primary"
	}
	return "text-bg-secondary"
}

// errorClass colours the last error: red while it matters (the mail failed
// or waits for its next attempt), grey once the mail went out after all.
func errorClass(status string) string {
	switch status {
	case "failed":
		return "text-danger"
	case "queued", "sending":
		return "text-warning-emphasis"
	}
	return "text-body-secondary"
}

// lines splits a body into lines of parts, so the page can wrap long lines
// on a phone instead of scrolling a <pre>.
func lines(parts []BodyPart) [][]BodyPart {
	var out [][]BodyPart
	var cur []BodyPart
	for _, p := range parts {
		if p.URL != "" {
			cur = append(cur, p)
			continue
		}
		segs := strings.Split(p.Text, "\n")
		for i, s := range segs {
			if i > 0 {
				out = append(out, cur)
				cur = nil
			}
			if s != "" {
				cur = append(cur, BodyPart{Text: s})
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
