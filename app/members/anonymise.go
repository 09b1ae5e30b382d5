package members

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/mail"
)

// AnonymisedName replaces the name of an anonymised person.
const AnonymisedName = "Anonymisiert"

// Actor is who erases a person's data, as the audit log names them.
type Actor struct {
	UserID *int64 // nil for the person themselves, through their GDPR link
	Name   string // username, or audit.ActorParticipant
}

// Anonymise erases the personal data of person id inside tx: name and
// address are replaced, date of birth and relation to the university
// removed, registration answers emptied, mails about them scrubbed (their
// attachments deleted, and the attachment contents no other mail carries)
// and their address taken out of every other mail, their links made useless,
// their user account disabled, their name and address taken off organiser
// mail drafts, and old values in the audit log removed.
// What is kept are the rows themselves, so counts (members per year,
// participants per event) stay right. The erasure is recorded with when and
// by whom, never with the old values. It returns db.ErrNotFound for an
// unknown person and ErrAnonymised for one erased already. The admin
// console uses it too.
func Anonymise(ctx context.Context, tx pgx.Tx, id int64, by Actor) error {
	var (
		email string
		done  *time.Time
	)
	err := tx.QueryRow(ctx, `SELECT email, anonymised_at FROM persons WHERE id = $1 FOR UPDATE`, id).Scan(&email, &done)
	if err != nil {
		return fmt.Errorf("members: anonymise: %w", db.Map(err))
	}
	if done != nil {
		return ErrAnonymised
	}
	args := pgx.NamedArgs{
		"id":          id,
		"email":       email,
		"name":        AnonymisedName,
		"placeholder": "anonymised-" + strconv.FormatInt(id, 10) + "@invalid",
	}
	for _, step := range anonymiseSteps() {
		if _, err := tx.Exec(ctx, step.sql, args); err != nil {
			return fmt.Errorf("members: anonymise %s: %w", step.what, err)
		}
	}
	// The attachments deleted above leave their content behind unless
	// another mail still carries it.
	if err := mail.DeleteUnusedBlobs(ctx, tx); err != nil {
		return fmt.Errorf("members: anonymise: %w", err)
	}
	return audit.Record(ctx, tx, audit.Entry{UserID: by.UserID, Actor: by.Name, Table: "persons",
		RowID: strconv.FormatInt(id, 10), NewValue: audit.Value("anonymised")})
}

type anonymiseStep struct{ what, sql string }

// anonymiseSteps run in order: links are disabled while the applications
// and registrations that name them still exist.
func anonymiseSteps() []anonymiseStep {
	const regs = `(SELECT id FROM registrations WHERE person_id = @id)`
	const users = `(SELECT id FROM users WHERE person_id = @id)`
	// Mails about the person: caused by them or by their registrations, or
	// addressed to nobody else (a mail that names no person still speaks
	// to them).
	about := `(person_id = @id OR registration_id IN ` + regs + `
		OR (cardinality(to_addrs || cc_addrs || bcc_addrs) > 0 AND NOT EXISTS (
		    SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs) AS a WHERE NOT ` + addressIs("a") + `)))`
	mentions := `EXISTS (SELECT 1 FROM unnest(to_addrs || cc_addrs || bcc_addrs || ARRAY[reply_to]) AS a WHERE ` + addressIs("a") + `)`
	return []anonymiseStep{
		{"links", `
			UPDATE tokens SET used_at = now()
			WHERE used_at IS NULL AND (
			    (purpose IN ('membership_edit', 'gdpr_view') AND subject_id = @id)
			 OR (purpose = 'membership_verify' AND subject_id IN (SELECT id FROM membership_applications WHERE person_id = @id))
			 OR (purpose IN ('registration_manage', 'registration_resend') AND subject_id IN ` + regs + `)
			 OR (purpose = 'password_reset' AND subject_id IN ` + users + `))`},
		{"applications", `DELETE FROM membership_applications WHERE person_id = @id`},
		{"deletion requests", `UPDATE deletion_requests SET done_at = now() WHERE person_id = @id AND done_at IS NULL`},
		{"person", `
			UPDATE persons SET name = @name, email = @placeholder, email_valid = false,
			       date_of_birth = NULL, tu_status_id = NULL,
			       membership_status = CASE WHEN membership_status IN ('email_unverified', 'pending')
			                                THEN NULL ELSE membership_status END,
			       anonymised_at = now(), version = version + 1, updated_at = now()
			WHERE id = @id`},
		{"registrations", `UPDATE registrations SET data = '{}', version = version + 1, updated_at = now() WHERE person_id = @id`},
		{"mail attempts", `DELETE FROM mail_attempts WHERE mail_id IN (SELECT id FROM mail_outbox WHERE ` + about + ` OR ` + mentions + `)`},
		{"mail attachments", `DELETE FROM mail_attachments WHERE mail_id IN (SELECT id FROM mail_outbox WHERE ` + about + `)`},
		// Mails about them lose their content; a queued one is not sent.
		{"mails about", `
			UPDATE mail_outbox SET subject = '', body_text = '', body_html = '', last_error = '',
			       status = CASE WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status END
			WHERE ` + about},
		// Their address leaves every mail; mails to others still go out.
		{"mail addresses", `
			UPDATE mail_outbox SET
			    to_addrs = ARRAY(SELECT CASE WHEN ` + addressIs("a") + ` THEN @placeholder ELSE a END
			                     FROM unnest(to_addrs) WITH ORDINALITY AS t(a, n) ORDER BY n),
			    cc_addrs = ARRAY(SELECT a FROM unnest(cc_addrs) WITH ORDINALITY AS t(a, n) WHERE NOT ` + addressIs("a") + ` ORDER BY n),
			    bcc_addrs = ARRAY(SELECT a FROM unnest(bcc_addrs) WITH ORDINALITY AS t(a, n) WHERE NOT ` + addressIs("a") + ` ORDER BY n),
			    reply_to = CASE WHEN ` + addressIs("reply_to") + ` THEN '' ELSE reply_to END,
			    last_error = ''
			WHERE ` + mentions},
		{"user account", `
			UPDATE users SET username = 'anonymised-' || id, password_hash = '!',
			       disabled_at = coalesce(disabled_at, now()), session_epoch = session_epoch + 1, version = version + 1
			WHERE person_id = @id`},
		// Drafts of organiser mails carry the sender's name and address.
		{"mail drafts", `
			UPDATE organiser_mail_drafts SET sender_name = @name, sender_email = @placeholder
			WHERE user_id IN ` + users + ` OR lower(sender_email) = lower(@email)`},
		{"audit values", `
			UPDATE audit_log SET old_value = NULL, new_value = NULL
			WHERE (table_name = 'persons' AND row_id = @id::bigint::text)
			   OR (table_name = 'registrations' AND row_id IN (SELECT id::text FROM registrations WHERE person_id = @id))
			   OR (table_name = 'users' AND row_id IN (SELECT id::text FROM users WHERE person_id = @id))`},
		{"audit actors", `UPDATE audit_log SET actor = 'anonymised-' || user_id WHERE user_id IN ` + users},
	}
}

// isAnonymised reports whether err says the person is erased already.
func isAnonymised(err error) bool { return errors.Is(err, ErrAnonymised) }
