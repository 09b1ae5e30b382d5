package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/mail"
)

// The limit: what PostgreSQL alone achieves doing the SQL of one
// registration and its confirmation, through pgx with the same number of
// concurrent clients and no HTTP. memberdb's registrations/s are divided
// by it. It runs in a database of its own (migrated like memberdb's), so
// the server's mail worker never delivers its outbox.

// Shape is how registrations are spread over events.
type Shape struct {
	Name   string
	Events int
	// Capacity is max_participants of each event: small enough that the
	// hot event fills up and the waiting list is used, as on the day
	// registration opens.
	Capacity int
}

// The two shapes of issue 8: everyone registers for one event (the event's
// row lock serialises confirmations), or registrations spread over 20.
var (
	HotEvent = Shape{Name: "one hot event", Events: 1, Capacity: 500}
	Spread   = Shape{Name: "spread over 20 events", Events: 20, Capacity: 100}
)

const (
	stepLimitRegister = "register tx"
	stepLimitConfirm  = "confirm tx"
)

// RunLimit measures the direct-SQL registrations/s for shape at clients.
func RunLimit(ctx context.Context, pool *pgxpool.Pool, shape Shape, clients int, d time.Duration, run string) (Result, error) {
	events := make([]int64, shape.Events)
	for i := range events {
		err := pool.QueryRow(ctx, `INSERT INTO events (name, registration_open, registration_schema, max_participants)
			VALUES ($1, true, $2, $3) RETURNING id `+benchMark,
			fmt.Sprintf("limit %s %d", run, i), string(schema("graduation-ceremony")), shape.Capacity).Scan(&events[i])
		if err != nil {
			return Result{}, err
		}
	}
	data := map[string]any{"course": "Physik", "degree": "Master", "chair": "E4", "guests": 2,
		"title": "Messung der $W$-Boson-Masse", "valid_exam_date": true, "allow_contact": false}
	seq := make([]int, clients)
	res := RunClients(ctx, clients, d, func(ctx context.Context, client int, rec *Recorder) {
		seq[client]++
		email := fmt.Sprintf("limit-%s-%d-%d@example.org", run, client, seq[client])
		event := events[rand.IntN(len(events))]
		start := time.Now()
		regID, personID, err := limitRegister(ctx, pool, event, email, data)
		if err != nil {
			rec.Fail(stepLimitRegister, err)
			return
		}
		rec.Since(stepLimitRegister, start)
		start2 := time.Now()
		if err := limitConfirm(ctx, pool, event, regID, personID, email); err != nil {
			rec.Fail(stepLimitConfirm, err)
			return
		}
		rec.Since(stepLimitConfirm, start2)
		rec.Since(stepRegistration, start)
	})
	return res, checkCapacity(ctx, pool, events)
}

// limitRegister is the registration transaction: upsert the person, check
// the event is open, insert the registration and queue the mail with the
// confirmation link.
func limitRegister(ctx context.Context, pool *pgxpool.Pool, event int64, email string, data map[string]any) (regID, personID int64, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		const upsert = `
			INSERT INTO persons (name, email, language) VALUES ($1, $2, 'de')
			ON CONFLICT ((lower(email))) DO UPDATE SET name = excluded.name, updated_at = now()
			RETURNING id`
		if err := tx.QueryRow(ctx, upsert, "Bench Person", email).Scan(&personID); err != nil {
			return err
		}
		var open bool
		if err := tx.QueryRow(ctx, `SELECT registration_open FROM events WHERE id = $1`, event).Scan(&open); err != nil {
			return err
		}
		if !open {
			return fmt.Errorf("event %d closed", event)
		}
		const insert = `INSERT INTO registrations (event_id, person_id, data) VALUES ($1, $2, $3) RETURNING id`
		if err := tx.QueryRow(ctx, insert, event, personID, data).Scan(&regID); err != nil {
			return err
		}
		_, err := mail.Enqueue(ctx, tx, limitMail("event_confirm_request", email, event, personID, regID))
		return err
	})
	return regID, personID, err
}

// limitConfirm is the confirmation transaction: lock the event, read its
// confirmed places (the count memberdb's triggers keep), confirm or put on
// the waiting list, queue the mail.
func limitConfirm(ctx context.Context, pool *pgxpool.Pool, event, regID, personID int64, email string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var capacity *int
		if err := tx.QueryRow(ctx, `SELECT max_participants FROM events WHERE id = $1 FOR NO KEY UPDATE`, event).Scan(&capacity); err != nil {
			return err
		}
		var confirmed int
		if err := tx.QueryRow(ctx, `SELECT confirmed FROM event_counts WHERE event_id = $1`, event).Scan(&confirmed); err != nil {
			return err
		}
		status := "confirmed"
		if capacity != nil && confirmed >= *capacity {
			status = "waitinglist"
		}
		const update = `
			UPDATE registrations SET status = $2, confirmed_at = CASE WHEN $2 = 'confirmed' THEN now() END,
			       version = version + 1, updated_at = now()
			WHERE id = $1 AND status = 'pending'`
		tag, err := tx.Exec(ctx, update, regID, status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("registration %d was not pending", regID)
		}
		_, err = mail.Enqueue(ctx, tx, limitMail("event_"+status, email, event, personID, regID))
		return err
	})
}

func limitMail(kind, to string, event, person, reg int64) mail.Message {
	return mail.Message{
		Kind: kind, EventID: event, PersonID: person, RegistrationID: reg,
		To:      []string{mail.Address("Bench Person", to)},
		Subject: "Bitte bestätige deine Anmeldung zur Absolventenfeier",
		Text:    limitMailText,
	}
}

// limitMailText is about as long as memberdb's confirmation mails.
const limitMailText = `Hallo Bench Person,

du hast dich zur Absolventenfeier angemeldet. Bitte bestätige deine Anmeldung
über diesen Link, sonst verfällt sie:

http://127.0.0.1:8080/events/registration/0123456789abcdef0123456789abcdef0123456789a/

Deine Angaben:
  Studiengang: Physik
  Abschluss: Master
  Lehrstuhl: E4
  Anzahl der Gäste (inklusive dir): 2
  Titel der Arbeit: Messung der $W$-Boson-Masse

Wenn du dich nicht angemeldet hast, ignoriere diese Mail einfach.

Viele Grüße
PeP et al. e.V.
https://pep-dortmund.org
`

// checkCapacity reports events with more confirmed registrations than
// places.
func checkCapacity(ctx context.Context, pool *pgxpool.Pool, events []int64) error {
	const q = `
		SELECT e.id, e.max_participants, count(r.id)
		FROM events e JOIN registrations r ON r.event_id = e.id AND r.status = 'confirmed'
		WHERE e.id = ANY($1) AND e.max_participants IS NOT NULL
		GROUP BY e.id HAVING count(r.id) > e.max_participants ` + benchMark
	rows, err := pool.Query(ctx, q, events)
	if err != nil {
		return err
	}
	type over struct{ ID, Max, Confirmed int64 }
	overs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[over])
	if err != nil {
		return err
	}
	if len(overs) > 0 {
		return fmt.Errorf("overbooked: %d events have more confirmed registrations than places, e.g. event %d: %d of %d",
			len(overs), overs[0].ID, overs[0].Confirmed, overs[0].Max)
	}
	return nil
}
