package members

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Kinds of the mails this domain sends (mail_outbox.kind).
const (
	mailVerify          = "membership_verify"
	mailApplyPending    = "membership_apply_pending"
	mailApplyMember     = "membership_apply_member"
	mailApplyDenied     = "membership_apply_denied"
	mailBoardApplied    = "membership_board_application"
	mailWelcome         = "membership_welcome"
	mailDenied          = "membership_denied"
	mailEditLink        = "membership_edit_link"
	mailGDPRLink        = "gdpr_link"
	mailCanceled        = "membership_canceled"
	mailBoardCanceled   = "membership_board_canceled"
	mailBoardErasureReq = "gdpr_board_erasure_request"
	mailErased          = "gdpr_erased"
)

// outgoing is one mail to queue: text is the name of the text file in
// mails/, personID the person it concerns (GDPR export and anonymisation
// find it by that).
type outgoing struct {
	kind     string
	text     string
	lang     i18n.Lang
	to       string
	personID int64
	data     any
}

// board is where the board's mails go (new applications, members leaving,
// deletion requests): APPROVE_MAIL, else the association's contact
// address as the browser settings have it, so that an association which
// set its own address there does not mail its members' data to the
// configured default.
func (h *Handler) board() string {
	if h.cfg.ApproveMailSet {
		return h.cfg.ApproveMail
	}
	if e := h.texts.Org().Email; e != "" {
		return e
	}
	return h.cfg.ApproveMail
}

// send renders m and queues it inside tx.
func (h *Handler) send(ctx context.Context, tx pgx.Tx, m outgoing) error {
	msg, err := h.texts.Message(m.lang, m.text, m.data, m.to)
	if err != nil {
		return fmt.Errorf("members: mail %s: %w", m.text, err)
	}
	msg.Kind = m.kind
	msg.PersonID = m.personID
	if _, err := mail.Enqueue(ctx, tx, msg); err != nil {
		return fmt.Errorf("members: mail %s: %w", m.text, err)
	}
	return nil
}

// langOf is a stored language, German when unknown.
func langOf(s string) i18n.Lang {
	if l, ok := i18n.Parse(s); ok {
		return l
	}
	return i18n.DE
}

// validity says how long a link is valid, in words of lang.
func validity(lang i18n.Lang, d time.Duration) string {
	m := int(d.Minutes())
	if m >= 120 && m%60 == 0 {
		return i18n.InN(lang, "members.validity.hours", m/60)
	}
	return i18n.InN(lang, "members.validity.minutes", m)
}

// dateIn writes a date the way lang's readers expect it in a mail.
func dateIn(lang i18n.Lang, t *time.Time) string {
	if t == nil {
		return ""
	}
	if lang == i18n.DE {
		return t.Format("02.01.2006")
	}
	return t.Format("2 January 2006")
}
