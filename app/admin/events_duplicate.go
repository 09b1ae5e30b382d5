package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/components/i18n"
)

// duplicateEvent answers POST /admin/events/{id}/duplicate: a copy for the
// next edition, with registration closed, no shortlink (it is unique) and
// no registrations. The admin lands on the copy's form to adjust it. An
// English name is marked as a copy in English, as the German one is in
// the admin's language, so that it too is seen to need adjusting.
func (h *Handler) duplicateEvent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	src, ok := h.events.keyArg(rowID(r))
	if !ok {
		h.site.NotFound(w, r)
		return
	}
	suffix := tr(ctx, "admin.events.copy_suffix")
	var id int64
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		// A double click (or a form sent twice) makes one copy: this
		// admin's copy of this event made seconds ago, under this lock,
		// is the one asked for, and the admin lands on it again.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('events/duplicate ' || $1::bigint, 0))`, src); err != nil {
			return fmt.Errorf("admin: duplicate event: %w", err)
		}
		uid, _ := actorOf(ctx)
		err := tx.QueryRow(ctx, `SELECT e.id FROM events e
			JOIN audit_log a ON a.table_name = 'events' AND a.row_id = e.id::text AND a.field = 'duplicated_from'
			WHERE e.created_at > now() - interval '10 seconds' AND a.new_value = $1::bigint::text
			  AND a.user_id IS NOT DISTINCT FROM $2
			ORDER BY e.id DESC LIMIT 1`, src, uid).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("admin: duplicate event: %w", err)
		}
		const q = `
			INSERT INTO events (name, description, footer, name_en, description_en, footer_en,
			                    notify_email, allowed_addresses, allowed_addresses_message_de,
			                    allowed_addresses_message_en, shortlink, max_participants,
			                    registration_open, registration_schema, starts_at, ends_at, opens_at, closes_at,
			                    editing_closes_at, formality, location, location_en, checkin_answers,
			                    freed_places, offer_hours, retain_registrations)
			SELECT name || $2, description, footer, CASE WHEN name_en = '' THEN '' ELSE name_en || $3 END,
			       description_en, footer_en, notify_email, allowed_addresses,
			       allowed_addresses_message_de, allowed_addresses_message_en, NULL, max_participants,
			       false, registration_schema, starts_at, ends_at, opens_at, closes_at, editing_closes_at, formality,
			       location, location_en, checkin_answers, freed_places, offer_hours, retain_registrations
			FROM events WHERE id = $1
			RETURNING id`
		if err := tx.QueryRow(ctx, q, src, suffix, i18n.In(i18n.EN, "admin.events.copy_suffix")).Scan(&id); err != nil {
			return fmt.Errorf("admin: duplicate event: %w", db.Map(err))
		}
		newID := strconv.FormatInt(id, 10)
		var name string
		if err := tx.QueryRow(ctx, `SELECT name FROM events WHERE id = $1`, id).Scan(&name); err != nil {
			return fmt.Errorf("admin: duplicate event: %w", err)
		}
		return audit.Record(ctx, tx,
			entry(ctx, "events", newID, "", nil, audit.Value(name)),
			entry(ctx, "events", newID, "duplicated_from", nil, audit.Value(strconv.FormatInt(src.(int64), 10))))
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.site.Flash(r, "success", tr(ctx, "admin.events.duplicated"))
	http.Redirect(w, r, h.events.detailURL(strconv.FormatInt(id, 10)), http.StatusSeeOther)
}
