package events

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// NoticeAhead is how long before their registrations are anonymised the
// organisers of an event are told, and the least time between that mail
// and the anonymisation: two weeks.
var NoticeAhead = pgtype.Interval{Days: 14, Valid: true}

// endedAt is SQL for when event e is over: its end, else its start, else
// its last registration.
const endedAt = `coalesce(e.ends_at, e.starts_at, (SELECT max(x.created_at) FROM registrations x WHERE x.event_id = e.id))`

// anonymiseAt is SQL for when the answers of event e's registrations go:
// its end plus its own period or the default ($2). An event whose
// organisers were told later than NoticeAhead before that waits until
// NoticeAhead after the notice.
const anonymiseAt = `CASE WHEN e.retention_notice_at IS NOT NULL
	THEN greatest(` + endedAt + ` + coalesce(e.retain_registrations, $2::interval), e.retention_notice_at + $3::interval)
	ELSE ` + endedAt + ` + coalesce(e.retain_registrations, $2::interval) END`

// hasNotice is SQL true for an event whose organisers can be told.
const hasNotice = `coalesce(trim(e.notify_email), '') <> ''`

// toAnonymise is SQL true for a registration r that still names someone
// or still has answers.
const toAnonymise = `(r.data <> '{}'::jsonb OR NOT EXISTS (
	SELECT 1 FROM persons p WHERE p.id = r.person_id AND p.anonymised_at IS NOT NULL))`

// AnonymiseEnded anonymises the registrations of the events whose time
// has come (RETAIN_REGISTRATIONS, or the event's own period): the answers
// go, and each registration is cut off from its person and pointed at a
// placeholder of its own, so the event's counts by status stay. Events
// with organisers to tell wait for the notice (NoticeAnonymisation) and
// NoticeAhead after it.
func AnonymiseEnded(ctx context.Context, tx pgx.Tx, now time.Time, def config.Period) (persons.Purged, error) {
	rows, err := tx.Query(ctx, `
		SELECT r.id, r.created_at FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE `+toAnonymise+` AND `+anonymiseAt+` <= $1
		  AND (NOT `+hasNotice+` OR e.retention_notice_at IS NOT NULL)
		ORDER BY r.id
		FOR UPDATE OF r`, now, def.Interval(), NoticeAhead)
	if err != nil {
		return persons.Purged{}, err
	}
	type due struct {
		ID      int64
		Created time.Time
	}
	regs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[due])
	if err != nil || len(regs) == 0 {
		return persons.Purged{}, err
	}
	ids := make([]int64, len(regs))
	var p persons.Purged
	for i, r := range regs {
		ids[i] = r.ID
		p.Add(persons.Purged{Count: 1, Oldest: &r.Created})
	}
	placeholders, err := persons.NewPlaceholders(ctx, tx, len(ids))
	if err != nil {
		return p, err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE registrations r SET person_id = x.placeholder, data = '{}', version = version + 1, updated_at = now()
		FROM unnest($1::bigint[], $2::bigint[]) AS x(id, placeholder) WHERE r.id = x.id`, ids, placeholders); err != nil {
		return p, err
	}
	if _, err := tx.Exec(ctx, `UPDATE events SET registrations_anonymised_at = now()
		WHERE id IN (SELECT DISTINCT event_id FROM registrations WHERE id = ANY($1))`, ids); err != nil {
		return p, err
	}
	if err := tokens.Spend(ctx, tx, "registration", ids); err != nil {
		return p, err
	}
	return p, audit.StripRows(ctx, tx, "registrations", ids)
}

// NoticeAnonymisation tells the organisers (notify_email) of each event
// whose registrations will be anonymised within NoticeAhead when that
// happens, with a link to the CSV export, once per event.
func (s *Service) NoticeAnonymisation(ctx context.Context, tx pgx.Tx, now time.Time, def config.Period) (persons.Purged, error) {
	rows, err := tx.Query(ctx, `
		SELECT e.id, e.name, trim(e.notify_email), greatest(`+anonymiseAt+`, $1::timestamptz + $3::interval),
		       (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND `+toAnonymise+`)
		FROM events e
		WHERE `+hasNotice+` AND e.retention_notice_at IS NULL
		  AND `+anonymiseAt+` <= $1::timestamptz + $3::interval
		  AND EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = e.id AND `+toAnonymise+`)
		ORDER BY e.id
		FOR UPDATE OF e`, now, def.Interval(), NoticeAhead)
	if err != nil {
		return persons.Purged{}, err
	}
	type notice struct {
		ID          int64
		Name, To    string
		At          time.Time
		Registrants int
	}
	due, err := pgx.CollectRows(rows, pgx.RowToStructByPos[notice])
	if err != nil {
		return persons.Purged{}, err
	}
	var p persons.Purged
	for _, n := range due {
		// A mistyped address is not mailed; the answers still wait for
		// NoticeAhead after this, as if the mail had gone.
		if mail.ValidAddress(n.To) {
			id := strconv.FormatInt(n.ID, 10)
			msg, err := s.texts.Message(i18n.DE, "registration_retention", map[string]any{
				"EventName":   oneLine(n.Name),
				"When":        n.At.In(web.Berlin).Format(i18n.DayLayout(i18n.DE)),
				"Registrants": n.Registrants,
				"CSV":         s.cfg.URL("/events/" + id + "/participants.csv"),
				"Edit":        s.cfg.URL("/admin/events/" + id),
			}, n.To)
			if err != nil {
				return p, err
			}
			msg.Kind, msg.EventID = "event_registration_retention", n.ID
			if _, err := mail.Enqueue(ctx, tx, msg); err != nil {
				return p, fmt.Errorf("events: retention notice: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE events SET retention_notice_at = $2 WHERE id = $1`, n.ID, now); err != nil {
			return p, err
		}
		at := n.At
		p.Add(persons.Purged{Count: 1, Oldest: &at})
	}
	return p, nil
}
