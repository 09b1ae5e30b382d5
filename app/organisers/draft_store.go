package organisers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/mail"
)

// Draft is a mail to participants between writing and sending.
type Draft struct {
	Key          string     `db:"key"`
	EventID      int64      `db:"event_id"`
	UserID       int64      `db:"user_id"`
	SenderName   string     `db:"sender_name"`
	SenderEmail  string     `db:"sender_email"`
	Subject      string     `db:"subject"`
	Body         string     `db:"body"`
	Statuses     []string   `db:"statuses"`
	CopyToSender bool       `db:"copy_to_sender"`
	SentAt       *time.Time `db:"sent_at"`
}

// Attachment is a file uploaded with a draft.
type Attachment struct {
	Filename    string
	ContentType string
	Content     []byte
}

// AttachmentInfo describes a stored attachment without its content.
type AttachmentInfo struct {
	ID          int64  `db:"id"`
	Filename    string `db:"filename"`
	ContentType string `db:"content_type"`
	Size        int64  `db:"size"`
}

// draftLifetime is how long an unsent draft is kept; drafts are meant to
// live for the minutes between preview and send.
const draftLifetime = 7 * 24 * time.Hour

// draftsKept is how many unsent drafts a user keeps: a preview in another
// tab still sends, but a script posting drafts with large attachments
// fills the database with no more than this many of them.
const draftsKept = 5

// Keep names attachments of an earlier draft of the same mail to carry over.
type Keep struct {
	DraftKey string
	IDs      []int64
}

// CreateDraft stores d with its new and kept attachments and returns its
// key. The draft it was edited from is removed.
func (s *Store) CreateDraft(ctx context.Context, d Draft, files []Attachment, keep Keep) (string, error) {
	key, err := newDraftKey()
	if err != nil {
		return "", err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		const cleanup = `DELETE FROM organiser_mail_drafts
			WHERE sent_at IS NULL AND created_at < now() - make_interval(secs => $1)`
		if _, err := tx.Exec(ctx, cleanup, draftLifetime.Seconds()); err != nil {
			return err
		}
		const ins = `
			INSERT INTO organiser_mail_drafts (key, event_id, user_id, sender_name, sender_email, subject, body,
			                                   statuses, copy_to_sender)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
		if _, err := tx.Exec(ctx, ins, key, d.EventID, d.UserID, d.SenderName, d.SenderEmail, d.Subject, d.Body,
			d.Statuses, d.CopyToSender); err != nil {
			return err
		}
		if keep.DraftKey != "" {
			const carry = `
				INSERT INTO organiser_mail_attachments (draft_key, filename, content_type, size, content)
				SELECT $1, a.filename, a.content_type, a.size, a.content
				FROM organiser_mail_attachments a
				JOIN organiser_mail_drafts d ON d.key = a.draft_key
				WHERE d.key = $2 AND d.event_id = $3 AND d.user_id = $4 AND d.sent_at IS NULL AND a.id = ANY($5)
				ORDER BY a.id`
			if _, err := tx.Exec(ctx, carry, key, keep.DraftKey, d.EventID, d.UserID, keep.IDs); err != nil {
				return err
			}
		}
		for _, f := range files {
			const att = `INSERT INTO organiser_mail_attachments (draft_key, filename, content_type, size, content)
				VALUES ($1, $2, $3, $4, $5)`
			if _, err := tx.Exec(ctx, att, key, f.Filename, f.ContentType, len(f.Content), f.Content); err != nil {
				return err
			}
		}
		if keep.DraftKey != "" {
			const drop = `DELETE FROM organiser_mail_drafts
				WHERE key = $1 AND event_id = $2 AND user_id = $3 AND sent_at IS NULL`
			if _, err := tx.Exec(ctx, drop, keep.DraftKey, d.EventID, d.UserID); err != nil {
				return err
			}
		}
		const oldest = `DELETE FROM organiser_mail_drafts WHERE user_id = $1 AND sent_at IS NULL AND key NOT IN (
				SELECT key FROM organiser_mail_drafts WHERE user_id = $1 AND sent_at IS NULL
				ORDER BY created_at DESC, key LIMIT $2)`
		_, err := tx.Exec(ctx, oldest, d.UserID, draftsKept)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("organisers: create draft: %w", err)
	}
	return key, nil
}

func newDraftKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("organisers: draft key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Draft returns the draft key of the event written by user, and its
// attachments. Other users' drafts are ErrNotFound: a draft is private
// until it is sent.
func (s *Store) Draft(ctx context.Context, key string, eventID, userID int64) (Draft, []AttachmentInfo, error) {
	const q = `
		SELECT key, event_id, user_id, sender_name, sender_email, subject, body, statuses, copy_to_sender, sent_at
		FROM organiser_mail_drafts WHERE key = $1 AND event_id = $2 AND user_id = $3`
	rows, err := s.pool.Query(ctx, q, key, eventID, userID)
	if err != nil {
		return Draft{}, nil, fmt.Errorf("organisers: draft: %w", err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Draft])
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, nil, ErrNotFound
	}
	if err != nil {
		return Draft{}, nil, fmt.Errorf("organisers: draft: %w", err)
	}
	atts, err := s.attachments(ctx, key)
	if err != nil {
		return Draft{}, nil, err
	}
	return d, atts, nil
}

func (s *Store) attachments(ctx context.Context, key string) ([]AttachmentInfo, error) {
	const q = `SELECT id, filename, content_type, size FROM organiser_mail_attachments WHERE draft_key = $1 ORDER BY id`
	rows, err := s.pool.Query(ctx, q, key)
	if err != nil {
		return nil, fmt.Errorf("organisers: draft attachments: %w", err)
	}
	atts, err := pgx.CollectRows(rows, pgx.RowToStructByName[AttachmentInfo])
	if err != nil {
		return nil, fmt.Errorf("organisers: draft attachments: %w", err)
	}
	return atts, nil
}

// Recipient is a participant a mail goes to.
type Recipient struct {
	RegistrationID int64  `db:"registration_id"`
	PersonID       int64  `db:"person_id"`
	Name           string `db:"name"`
	Email          string `db:"email"`
	Language       string `db:"language"`
}

// recipientsQuery selects the participants of an event with one of the
// statuses; anonymised persons have no address left to write to.
const recipientsQuery = `
	SELECT r.id AS registration_id, p.id AS person_id, p.name, p.email, coalesce(r.language, p.language) AS language
	FROM registrations r
	JOIN persons p ON p.id = r.person_id
	WHERE r.event_id = $1 AND r.status = ANY($2) AND p.anonymised_at IS NULL AND p.email <> ''
	ORDER BY r.confirmed_at NULLS LAST, r.created_at, r.id`

// Recipients lists the participants with the statuses.
func (s *Store) Recipients(ctx context.Context, eventID int64, sts []string) ([]Recipient, error) {
	rows, err := s.pool.Query(ctx, recipientsQuery, eventID, sts)
	if err != nil {
		return nil, fmt.Errorf("organisers: recipients: %w", err)
	}
	recipients, err := pgx.CollectRows(rows, pgx.RowToStructByName[Recipient])
	if err != nil {
		return nil, fmt.Errorf("organisers: recipients: %w", err)
	}
	return recipients, nil
}

// Sender is the logged-in organiser sending a draft.
type Sender struct {
	UserID   int64
	PersonID int64
	Username string
	// Name and Email are the user's own, where "a copy to me" goes:
	// the reply address typed in the form may be anyone's.
	Name, Email string
}

// Compose renders the mail of a draft for one recipient.
type Compose func(d Draft, to Recipient) (mail.Message, error)

// SendDraft queues one mail per recipient of the draft (and the sender's
// copy) and marks it sent, all in one transaction. Only the first of
// several concurrent sends finds the draft unsent; the others get
// ErrAlreadySent, so a double submit sends once.
func (s *Store) SendDraft(ctx context.Context, key string, eventID int64, by Sender, compose Compose) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		const claim = `
			UPDATE organiser_mail_drafts SET sent_at = now()
			WHERE key = $1 AND event_id = $2 AND user_id = $3 AND sent_at IS NULL
			RETURNING key, event_id, user_id, sender_name, sender_email, subject, body, statuses, copy_to_sender, sent_at`
		rows, err := tx.Query(ctx, claim, key, eventID, by.UserID)
		if err != nil {
			return err
		}
		d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Draft])
		if errors.Is(err, pgx.ErrNoRows) {
			return s.whyNotSendable(ctx, tx, key, eventID, by.UserID)
		}
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, recipientsQuery, eventID, d.Statuses)
		if err != nil {
			return err
		}
		recipients, err := pgx.CollectRows(rows, pgx.RowToStructByName[Recipient])
		if err != nil {
			return err
		}
		if len(recipients) == 0 {
			return ErrNoRecipients
		}
		if d.CopyToSender {
			recipients = append(recipients, Recipient{PersonID: by.PersonID, Name: by.Name, Email: by.Email})
		}
		atts, err := storeAttachments(ctx, tx, key)
		if err != nil {
			return err
		}
		for _, to := range recipients {
			m, err := compose(d, to)
			if err != nil {
				return err
			}
			m.Kind, m.EventID, m.PersonID, m.RegistrationID = mailKind, eventID, to.PersonID, to.RegistrationID
			m.Attachments = atts
			if _, err := mail.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		n = len(recipients)
		if d.CopyToSender {
			n--
		}
		// The mails refer to the stored copy now.
		if _, err := tx.Exec(ctx, `DELETE FROM organiser_mail_attachments WHERE draft_key = $1`, key); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE organiser_mail_drafts SET recipients = $2 WHERE key = $1`, key, n); err != nil {
			return err
		}
		uid := by.UserID
		return audit.Record(ctx, tx, audit.Entry{
			UserID: &uid, Actor: by.Username, Table: "organiser_mail_drafts", RowID: key,
			Field: "sent_at", NewValue: audit.Value(strconv.Itoa(n) + " recipients, event " + strconv.FormatInt(eventID, 10)),
		})
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrAlreadySent) || errors.Is(err, ErrNoRecipients) {
			return 0, err
		}
		return 0, fmt.Errorf("organisers: send draft: %w", err)
	}
	return n, nil
}

func (s *Store) whyNotSendable(ctx context.Context, tx pgx.Tx, key string, eventID, userID int64) error {
	var sent bool
	const q = `SELECT sent_at IS NOT NULL FROM organiser_mail_drafts WHERE key = $1 AND event_id = $2 AND user_id = $3`
	err := tx.QueryRow(ctx, q, key, eventID, userID).Scan(&sent)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return err
	case sent:
		return ErrAlreadySent
	}
	return ErrNotFound
}

// mailKind marks organiser mails in the outbox.
const mailKind = "organiser_mail"

// storeAttachments stores the draft's attachments once for all its mails,
// copying them inside the database: a 10 MB attachment for a hundred
// participants travels from the app to PostgreSQL not even once, and is
// stored once.
func storeAttachments(ctx context.Context, tx pgx.Tx, key string) ([]mail.Attachment, error) {
	const q = `SELECT id, filename, content_type FROM organiser_mail_attachments WHERE draft_key = $1 ORDER BY id`
	rows, err := tx.Query(ctx, q, key)
	if err != nil {
		return nil, fmt.Errorf("organisers: draft attachments: %w", err)
	}
	type draftFile struct {
		ID          int64  `db:"id"`
		Filename    string `db:"filename"`
		ContentType string `db:"content_type"`
	}
	files, err := pgx.CollectRows(rows, pgx.RowToStructByName[draftFile])
	if err != nil {
		return nil, fmt.Errorf("organisers: draft attachments: %w", err)
	}
	atts := make([]mail.Attachment, len(files))
	for i, f := range files {
		const content = `SELECT content FROM organiser_mail_attachments WHERE id = $1`
		sum, err := mail.CopyBlob(ctx, tx, content, f.ID)
		if err != nil {
			return nil, fmt.Errorf("organisers: store attachment %d: %w", f.ID, err)
		}
		atts[i] = mail.Attachment{Filename: f.Filename, ContentType: f.ContentType, Blob: sum}
	}
	return atts, nil
}
