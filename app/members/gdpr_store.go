package members

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	views "github.com/pepalumni/memberdb/components/members"
)

// addressIs is SQL matching a stored recipient (bare, or "Name <addr>")
// against @email without case.
func addressIs(col string) string {
	return "(lower(" + col + ") = lower(@email) OR right(lower(" + col + "), length(@email) + 2) = '<' || lower(@email) || '>')"
}

// collectExport gathers everything stored about the person, read in one
// snapshot so the parts agree with each other.
func collectExport(ctx context.Context, tx pgx.Tx, personID int64) (views.Export, error) {
	p, err := loadPerson(ctx, tx, personID, false)
	if err != nil {
		return views.Export{}, err
	}
	ex := views.Export{GeneratedAt: isoTime(time.Now()), Person: exportPerson(p)}
	if p.TUStatusID != nil {
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM tu_status WHERE id = $1`, *p.TUStatusID).Scan(&name); err != nil {
			return views.Export{}, fmt.Errorf("members: export: university relation: %w", err)
		}
		ex.Person.TUStatus = &name
	}
	for _, part := range []func(context.Context, pgx.Tx, Person, *views.Export) error{
		exportApplications, exportRegistrations, exportUsers, exportMails, exportDeletions,
	} {
		if err := part(ctx, tx, p, &ex); err != nil {
			return views.Export{}, fmt.Errorf("members: export: %w", err)
		}
	}
	return ex, nil
}

func exportPerson(p Person) views.ExportPerson {
	return views.ExportPerson{
		PersonJSON: views.PersonJSON{
			ID:               p.ID,
			Name:             p.Name,
			Email:            p.Email,
			EmailValid:       p.EmailValid,
			DateOfBirth:      isoDatePtr(p.DateOfBirth),
			JoiningDate:      isoDatePtr(p.JoiningDate),
			MembershipStatus: nullable(p.MembershipStatus),
			MembershipType:   nullable(p.MembershipType),
		},
		Language:  p.Language,
		CreatedAt: isoTime(p.CreatedAt),
		UpdatedAt: isoTime(p.UpdatedAt),
	}
}

func exportApplications(ctx context.Context, tx pgx.Tx, p Person, ex *views.Export) error {
	rows, err := tx.Query(ctx, `SELECT name, membership_type, created_at, verified_at
		FROM membership_applications WHERE person_id = $1 ORDER BY created_at, id`, p.ID)
	if err != nil {
		return err
	}
	ex.Applications, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportApplication, error) {
		var (
			a        views.ExportApplication
			at       time.Time
			verified *time.Time
		)
		err := row.Scan(&a.Name, &a.MembershipType, &at, &verified)
		a.CreatedAt, a.VerifiedAt = isoTime(at), isoTimePtr(verified)
		return a, err
	})
	return err
}

func exportRegistrations(ctx context.Context, tx pgx.Tx, p Person, ex *views.Export) error {
	const q = `
		SELECT r.id, e.id, e.name, e.starts_at, r.status, r.data, r.created_at, r.confirmed_at, r.canceled_at
		FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 ORDER BY r.created_at, r.id`
	rows, err := tx.Query(ctx, q, p.ID)
	if err != nil {
		return err
	}
	ex.Registrations, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportRegistration, error) {
		var (
			reg                        views.ExportRegistration
			start, confirmed, canceled *time.Time
			created                    time.Time
			data                       []byte
		)
		err := row.Scan(&reg.ID, &reg.EventID, &reg.EventName, &start, &reg.Status, &data, &created, &confirmed, &canceled)
		reg.EventStart, reg.ConfirmedAt, reg.CanceledAt = isoTimePtr(start), isoTimePtr(confirmed), isoTimePtr(canceled)
		reg.CreatedAt = isoTime(created)
		reg.Answers = json.RawMessage(data)
		reg.AnswerList = flattenAnswers(data)
		return reg, err
	})
	return err
}

func exportUsers(ctx context.Context, tx pgx.Tx, p Person, ex *views.Export) error {
	const q = `
		SELECT u.username, u.created_at, u.disabled_at,
		       coalesce(array_agg(ur.role ORDER BY ur.role) FILTER (WHERE ur.role IS NOT NULL), '{}')
		FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id
		WHERE u.person_id = $1 GROUP BY u.id ORDER BY u.id`
	rows, err := tx.Query(ctx, q, p.ID)
	if err != nil {
		return err
	}
	ex.Users, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportUser, error) {
		var (
			u        views.ExportUser
			created  time.Time
			disabled *time.Time
		)
		err := row.Scan(&u.Username, &created, &disabled, &u.Roles)
		u.CreatedAt, u.DisabledAt = isoTime(created), isoTimePtr(disabled)
		return u, err
	})
	return err
}

// exportMails lists the mails about the person and those addressed to them.
// Of a mail to many, only the person's own address is shown: the others'
// addresses are not theirs to see.
func exportMails(ctx context.Context, tx pgx.Tx, p Person, ex *views.Export) error {
	q := `
		WITH regs AS (SELECT id FROM registrations WHERE person_id = @id)
		SELECT m.created_at, m.sent_at, m.kind, m.status, m.subject, m.body_text,
		       CASE WHEN m.person_id = @id OR m.registration_id IN (SELECT id FROM regs)
		            THEN m.to_addrs ELSE ARRAY[@email::text] END
		FROM mail_outbox m
		WHERE m.person_id = @id
		   OR m.registration_id IN (SELECT id FROM regs)
		   OR EXISTS (SELECT 1 FROM unnest(m.to_addrs || m.cc_addrs || m.bcc_addrs) AS a WHERE ` + addressIs("a") + `)
		ORDER BY m.created_at, m.id`
	rows, err := tx.Query(ctx, q, pgx.NamedArgs{"id": p.ID, "email": p.Email})
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
		m.CreatedAt, m.SentAt = isoTime(created), isoTimePtr(sent)
		return m, err
	})
	return err
}

func exportDeletions(ctx context.Context, tx pgx.Tx, p Person, ex *views.Export) error {
	rows, err := tx.Query(ctx, `SELECT requested_at, done_at FROM deletion_requests
		WHERE person_id = $1 ORDER BY requested_at`, p.ID)
	if err != nil {
		return err
	}
	ex.DeletionRequests, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportDeletion, error) {
		var (
			d    views.ExportDeletion
			at   time.Time
			done *time.Time
		)
		err := row.Scan(&at, &done)
		d.RequestedAt, d.DoneAt = isoTime(at), isoTimePtr(done)
		return d, err
	})
	return err
}

// flattenAnswers turns stored answers into label/value pairs; nested
// objects' fields are labelled with their path.
func flattenAnswers(data []byte) []views.Answer {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return []views.Answer{{Label: "data", Value: string(data)}}
	}
	var out []views.Answer
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				label := k
				if prefix != "" {
					label = prefix + " › " + k
				}
				walk(label, t[k])
			}
		case []any:
			parts := make([]string, len(t))
			for i, e := range t {
				b, _ := json.Marshal(e)
				parts[i] = strings.Trim(string(b), `"`)
			}
			out = append(out, views.Answer{Label: prefix, Value: strings.Join(parts, ", ")})
		case string:
			out = append(out, views.Answer{Label: prefix, Value: t})
		case bool:
			out = append(out, views.Answer{Label: prefix, Value: strconv.FormatBool(t)})
		case nil:
			out = append(out, views.Answer{Label: prefix, Value: ""})
		default:
			b, _ := json.Marshal(t)
			out = append(out, views.Answer{Label: prefix, Value: string(b)})
		}
	}
	walk("", v)
	return out
}
