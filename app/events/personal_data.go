package events

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/components/i18n"
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
		SELECT r.id, e.id, e.name, e.name_en, e.starts_at, r.status, r.data, r.created_at, r.confirmed_at, r.canceled_at,
		       coalesce(v.registration_schema, e.registration_schema)::text
		FROM registrations r JOIN events e ON e.id = r.event_id
		LEFT JOIN event_form_versions v ON v.event_id = r.event_id AND v.version = r.form_version
		WHERE r.person_id = $1 ORDER BY r.created_at, r.id`
	rows, err := tx.Query(ctx, q, s.ID)
	if err != nil {
		return err
	}
	lang := i18n.LangOf(ctx)
	ex.Registrations, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportRegistration, error) {
		var (
			reg                        views.ExportRegistration
			ev                         Event
			start, confirmed, canceled *time.Time
			created                    time.Time
			data, form                 []byte
		)
		err := row.Scan(&reg.ID, &reg.EventID, &ev.Name, &ev.NameEN, &start, &reg.Status, &data, &created, &confirmed, &canceled, &form)
		// The event as its pages name it to the reader.
		reg.EventName = ev.NameIn(lang)
		reg.EventStart, reg.ConfirmedAt, reg.CanceledAt = persons.ISOTimePtr(start), persons.ISOTimePtr(confirmed), persons.ISOTimePtr(canceled)
		reg.CreatedAt = persons.ISOTime(created)
		reg.Answers = json.RawMessage(data)
		reg.AnswerList = answerList(form, data, lang)
		return reg, err
	})
	return err
}

// answerList is a registration's answers for the person's view of their
// data: under the questions of the form they answered, ticks in words,
// texts whole; answers the form does not ask for (any more) by their keys.
func answerList(form, data []byte, lang i18n.Lang) []views.Answer {
	fm, err := schema.ParseCached(form)
	var answers map[string]any
	if err != nil || json.Unmarshal(data, &answers) != nil || answers == nil {
		return views.FlattenAnswers(data)
	}
	fm = fm.In(lang)
	var out []views.Answer
	eachAnswer(fm, answers, func(f *schema.Field, label string, v any) {
		out = append(out, views.Answer{Label: label, Value: fieldText(f, v, lang)})
	})
	// What the form asks for is shown (or was not answered); the rest
	// follows under its keys.
	var asked func(fields []*schema.Field)
	asked = func(fields []*schema.Field) {
		for _, f := range fields {
			if f.Type == "object" {
				asked(f.Children)
			} else {
				forget(answers, strings.Split(f.Path, "."))
			}
		}
	}
	asked(fm.Fields)
	if rest, err := json.Marshal(answers); err == nil {
		out = append(out, views.FlattenAnswers(rest)...)
	}
	return out
}

// forget removes the answer at path, and the groups it leaves empty.
func forget(answers map[string]any, path []string) {
	if len(path) == 1 {
		delete(answers, path[0])
		return
	}
	if group, ok := answers[path[0]].(map[string]any); ok {
		forget(group, path[1:])
		if len(group) == 0 {
			delete(answers, path[0])
		}
	}
}
