package events

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// Registrations keep their row, event and status when their person is
// erased, so the event's counts stay right; the answers go. An event's
// notification address is an organiser's and goes when they are erased.
func init() {
	persons.Register(persons.Domain{
		Name:   "events",
		Tables: []string{"registrations", "events"},
		Holds:  `EXISTS (SELECT 1 FROM registrations WHERE person_id = p.id)`,
		Data: []persons.Category{
			{What: "privacy.data.registrations", Where: "registrations",
				Why: "privacy.why.registrations", HowLong: "privacy.retain.registrations"},
			{What: "privacy.data.notify", Where: "events.notify_email",
				Why: "privacy.why.notify", HowLong: "privacy.while_event"},
		},
		Refs: persons.RefsQuery("registration", `SELECT id FROM registrations WHERE person_id = $1`),
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			if _, err := tx.Exec(ctx, `UPDATE registrations SET data = '{}', version = version + 1, updated_at = now()
				WHERE person_id = $1`, s.ID); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE events SET notify_email = NULL, version = version + 1, updated_at = now()
				WHERE lower(notify_email) = lower($1)`, s.Email)
			return err
		},
		Export: exportRegistrations,
	})
}

func exportRegistrations(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	const q = `
		SELECT r.id, e.id, e.name, e.starts_at, r.status, r.data, r.created_at, r.confirmed_at, r.canceled_at
		FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 ORDER BY r.created_at, r.id`
	rows, err := tx.Query(ctx, q, s.ID)
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
		reg.EventStart, reg.ConfirmedAt, reg.CanceledAt = persons.ISOTimePtr(start), persons.ISOTimePtr(confirmed), persons.ISOTimePtr(canceled)
		reg.CreatedAt = persons.ISOTime(created)
		reg.Answers = json.RawMessage(data)
		reg.AnswerList = views.FlattenAnswers(data)
		return reg, err
	})
	return err
}
