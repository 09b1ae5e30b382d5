package organisers

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// Drafts of organiser mails carry the sender's name and address and may
// name participants in their text: an erased person's name and address
// are replaced wherever they stand in a draft; the drafts stay, as the
// record that a mail went out. Column choices of their accounts go. The
// export lists the drafts they wrote.
func init() {
	persons.Register(persons.Domain{
		Name:   "organisers",
		Tables: []string{"organiser_mail_drafts", "organiser_mail_attachments", "organiser_columns"},
		Data: []persons.Category{{What: "privacy.data.drafts", Where: "organiser_mail_drafts, organiser_mail_attachments",
			Why: "privacy.why.drafts", HowLong: "privacy.retain.drafts"}},
		Export: exportDrafts,
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			args := pgx.NamedArgs{"users": s.Ref("user"), "email": s.Email, "name": s.Name,
				"anon": persons.AnonymisedName, "placeholder": persons.Placeholder(s.ID)}
			for _, q := range []string{
				`DELETE FROM organiser_columns WHERE user_id = ANY(@users)`,
				`UPDATE organiser_mail_drafts SET sender_name = @anon, sender_email = @placeholder
				 WHERE user_id = ANY(@users) OR lower(sender_email) = lower(@email)`,
				// A name shorter than three letters would cut words apart.
				`UPDATE organiser_mail_drafts SET
				    subject = replace(replace(subject, @email, @placeholder), @name, CASE WHEN length(@name) >= 3 THEN @anon ELSE @name END),
				    body = replace(replace(body, @email, @placeholder), @name, CASE WHEN length(@name) >= 3 THEN @anon ELSE @name END)
				 WHERE strpos(subject || body, @email) > 0 OR (length(@name) >= 3 AND strpos(subject || body, @name) > 0)`,
			} {
				if _, err := tx.Exec(ctx, q, args); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

func exportDrafts(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	rows, err := tx.Query(ctx, `
		SELECT e.name, d.subject, d.created_at, d.sent_at
		FROM organiser_mail_drafts d JOIN events e ON e.id = d.event_id
		WHERE d.user_id = ANY($1) ORDER BY d.created_at`, s.Ref("user"))
	if err != nil {
		return err
	}
	ex.Drafts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportDraft, error) {
		var (
			d       views.ExportDraft
			created time.Time
			sent    *time.Time
		)
		err := row.Scan(&d.Event, &d.Subject, &created, &sent)
		d.CreatedAt, d.SentAt = persons.ISOTime(created), persons.ISOTimePtr(sent)
		return d, err
	})
	return err
}
