package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Registrations change status only through the events domain's rules: the
// event is locked, places are counted, the waiting list moves up and the
// participant is mailed. Confirming beyond max_participants needs the
// explicit "over capacity" choice.
func (h *Handler) registrationsTable() *table {
	t := &table{
		name: "registrations", sql: "registrations", key: "id", intID: true, versioned: true, touched: true,
		anonymised: "EXISTS (SELECT 1 FROM persons p WHERE p.id = person_id AND p.anonymised_at IS NOT NULL)",
		unique:     map[string]string{"registrations_event_id_person_id_key": "person"},
		summary:    "person",
		defaults:   map[string]string{"status": events.StatusPending},
		fields: []*field{
			{name: "event", column: "event_id", kind: "select", required: true, createOnly: true,
				options: eventOptions, parse: eventParser},
			{name: "person", column: "person_id", kind: "email", required: true, createOnly: true, parse: personParser},
			{name: "status", column: "status", kind: "select", required: true, inline: true, audited: true,
				options: enumOptions(events.StatusKeyPrefix, events.Statuses, true),
				parse:   enumParser(events.Statuses, true), display: enumDisplay(events.StatusKeyPrefix)},
			{name: "data", column: "data", read: "jsonb_pretty(data)", kind: "textarea", editOnly: true, personal: true,
				parse: answersParser, rows: 10},
		},
	}
	t.field("status").write = h.writeStatus
	t.field("data").write = writeAnswers
	t.rules = registrationRules{h: h, t: t}
	return t
}

type registrationRules struct {
	noRules
	h *Handler
	t *table
}

func (r registrationRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	reg, err := queryOne[registrationRow](ctx, q, "registration row", registrationSelect+" WHERE r.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	return registrationTableRow(ctx, r.t, reg), nil
}

func (registrationRules) title(ctx context.Context, id string, _ rowState) string {
	return tr(ctx, "admin.registrations.one", id)
}

// consequences: a deleted registration frees its place, and one the door
// let in leaves the door's count, which the page says as changing its
// status does.
func (r registrationRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	out := []string{tr(ctx, "admin.registrations.delete.place")}
	at, _, err := events.LetIn(ctx, r.h.pool, intID(id))
	if err != nil && !errors.Is(err, events.ErrNotFound) {
		return nil, "", err
	}
	if at != nil {
		out = append(out, tr(ctx, "admin.registrations.confirm.checked_in", web.LocalTime(ctx, *at)))
	}
	return out, "", nil
}

// lock locks the registration's event before the registration, in the
// order the events domain locks them.
func (registrationRules) lock(ctx context.Context, tx pgx.Tx, id string) error {
	var eventID int64
	err := tx.QueryRow(ctx, `SELECT e.id FROM events e JOIN registrations r ON r.event_id = e.id
		WHERE r.id = $1 FOR NO KEY UPDATE OF e`, intID(id)).Scan(&eventID)
	if err != nil {
		return fmt.Errorf("admin: lock registration's event: %w", db.Map(err))
	}
	return nil
}

// confirmStatus names the choice to change a status knowing whom the
// change mails.
const confirmStatus = "confirm_status"

// writeStatus changes the status by the events domain's rules, which also
// write its audit entry and mails. A change that mails anyone (the person,
// and whoever moves up or is offered the freed place) is first tried in a
// savepoint and undone, and the form asks, naming them, until it carries
// confirm_status.
func (h *Handler) writeStatus(ctx context.Context, tx pgx.Tx, id string, value any, form url.Values) error {
	over := form.Get("over_capacity") == "true"
	change := func(tx pgx.Tx) error {
		_, err := h.eventsSvc.ChangeStatus(ctx, tx, intID(id), value.(string), eventActor(ctx), over)
		if errors.Is(err, events.ErrEventFull) {
			return &problemError{Field: "status", Text: tr(ctx, "admin.registrations.error.full")}
		}
		return err
	}
	if form.Get(confirmStatus) == "true" {
		return change(tx)
	}
	// Someone the door let in is at the event: cancelling them, or putting
	// them back on a list, is asked about first.
	var asks []string
	if value.(string) != events.StatusConfirmed {
		at, _, err := events.LetIn(ctx, tx, intID(id))
		if err != nil {
			return err
		}
		if at != nil {
			asks = append(asks, tr(ctx, "admin.registrations.confirm.checked_in", web.LocalTime(ctx, *at)))
		}
	}
	mark, err := mail.MarkOutbox(ctx, tx)
	if err != nil {
		return err
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = sp.Rollback(ctx) }()
	if err := change(sp); err != nil {
		return err
	}
	mailed, err := mail.QueuedSince(ctx, sp, mark)
	if err != nil {
		return err
	}
	if len(mailed) > 0 {
		names, err := recipientNames(ctx, sp, mailed)
		if err != nil {
			return err
		}
		asks = append(asks, i18n.N(ctx, "admin.registrations.confirm.mails", len(mailed), strings.Join(names, ", ")))
	}
	if len(asks) == 0 {
		return sp.Commit(ctx)
	}
	return &confirmError{Field: "status", Name: confirmStatus, Text: strings.Join(asks, " ")}
}

// recipientNames names each person mailed once, in order: by name, or by
// address for a mail that concerns nobody in the person table.
func recipientNames(ctx context.Context, q querier, mailed []mail.Queued) ([]string, error) {
	var ids []int64
	for _, m := range mailed {
		ids = append(ids, m.PersonID)
	}
	rows, err := q.Query(ctx, `SELECT id, name FROM persons WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("admin: names of the mailed: %w", err)
	}
	byID := map[int64]string{}
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { byID[id] = name; return nil }); err != nil {
		return nil, fmt.Errorf("admin: names of the mailed: %w", err)
	}
	var names []string
	for _, m := range mailed {
		n, ok := byID[m.PersonID]
		if !ok {
			n = strings.Join(m.To, ", ")
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// created gives a new registration its chosen status through the same
// rules as a change (it is inserted pending).
func (r registrationRules) created(ctx context.Context, tx pgx.Tx, id string, form url.Values) error {
	status := form.Get("status")
	if status == "" || status == events.StatusPending {
		return nil
	}
	if err := r.lock(ctx, tx, id); err != nil {
		return err
	}
	return r.h.writeStatus(ctx, tx, id, status, form)
}

// extraFields is the explicit choice to confirm beyond the limit.
func (registrationRules) extraFields(ctx context.Context) []adminui.FormField {
	return []adminui.FormField{{Name: "over_capacity", Kind: "checkbox", Label: tr(ctx, "admin.registrations.over_capacity"),
		Help: tr(ctx, "admin.registrations.over_capacity.help")}}
}

// answersParser accepts a JSON object; writeAnswers checks it against the
// event's form.
func answersParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	var answers map[string]any
	if err := json.Unmarshal([]byte(raw), &answers); err != nil || answers == nil {
		return nil, tr(ctx, "admin.registrations.error.data"), nil
	}
	return json.RawMessage(raw), "", nil
}

// writeAnswers stores edited answers if the event's form accepts them.
func writeAnswers(ctx context.Context, tx pgx.Tx, id string, value any, _ url.Values) error {
	var raw []byte
	err := tx.QueryRow(ctx, `SELECT e.registration_schema FROM events e JOIN registrations r ON r.event_id = e.id
		WHERE r.id = $1`, intID(id)).Scan(&raw)
	if err != nil {
		return fmt.Errorf("admin: registration's schema: %w", db.Map(err))
	}
	fm, err := schema.ParseCached(raw)
	if err != nil {
		return fmt.Errorf("admin: stored schema of registration %s: %w", id, err)
	}
	data := value.(json.RawMessage)
	answers := map[string]any{}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&answers); err != nil {
		return &problemError{Field: "data", Text: tr(ctx, "admin.registrations.error.data")}
	}
	if errs := schema.CheckAnswers(fm, normaliseNumbers(answers), i18n.LangOf(ctx)); len(errs) > 0 {
		var texts []string
		for path, msg := range errs {
			if path != "" {
				msg = path + ": " + msg
			}
			texts = append(texts, msg)
		}
		sort.Strings(texts)
		return &problemError{Field: "data", Text: strings.Join(texts, "; ")}
	}
	if _, err := tx.Exec(ctx, `UPDATE registrations SET data = $2 WHERE id = $1`, intID(id), data); err != nil {
		return fmt.Errorf("admin: write answers: %w", err)
	}
	return nil
}

// normaliseNumbers types decoded numbers as the schema checker expects:
// whole numbers as int64, others as float64.
func normaliseNumbers(v map[string]any) map[string]any {
	for k, x := range v {
		switch n := x.(type) {
		case json.Number:
			if i, err := n.Int64(); err == nil {
				v[k] = i
			} else if f, err := n.Float64(); err == nil {
				v[k] = f
			}
		case map[string]any:
			v[k] = normaliseNumbers(n)
		}
	}
	return v
}

// eventOptions offers the events, newest first.
func eventOptions(ctx context.Context, q querier) ([]adminui.Option, error) {
	rows, err := q.Query(ctx, `SELECT id::text, name || ' (#' || id || ')' FROM events ORDER BY id DESC LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("admin: event options: %w", err)
	}
	out := []adminui.Option{{Value: "", Label: "–"}}
	for rows.Next() {
		var o adminui.Option
		if err := rows.Scan(&o.Value, &o.Label); err != nil {
			rows.Close()
			return nil, fmt.Errorf("admin: event options: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// eventParser accepts the id of an existing event.
func eventParser(ctx context.Context, q querier, raw string) (any, string, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return nil, tr(ctx, "admin.error.required"), nil
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE id = $1)`, id).Scan(&exists); err != nil {
		return nil, "", fmt.Errorf("admin: event exists: %w", err)
	}
	if !exists {
		return nil, tr(ctx, "admin.error.choice"), nil
	}
	return id, "", nil
}

// personParser finds a person by address (or id): registrations and user
// accounts belong to persons that exist already.
func personParser(ctx context.Context, q querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, tr(ctx, "admin.error.required"), nil
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM persons WHERE lower(email) = lower($1) OR id::text = $1 ORDER BY lower(email) = lower($1) DESC LIMIT 1`, s).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, tr(ctx, "admin.error.no_person"), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("admin: find person: %w", err)
	}
	return id, "", nil
}

// registrationRow is one registration as the list shows it.
type registrationRow struct {
	ID          int64
	EventID     int64
	EventName   string
	PersonID    int64
	PersonName  string
	PersonEmail string
	Status      string
	ConfirmedAt *time.Time
	CreatedAt   time.Time
	Version     int
}

const registrationSelect = `
	SELECT r.id, r.event_id, e.name AS event_name, r.person_id, p.name AS person_name, p.email AS person_email,
	       r.status, r.confirmed_at, r.created_at, r.version
	FROM registrations r JOIN events e ON e.id = r.event_id JOIN persons p ON p.id = r.person_id`

func registrationTableRow(ctx context.Context, t *table, reg registrationRow) adminui.Row {
	id := strconv.FormatInt(reg.ID, 10)
	confirmed := ""
	if reg.ConfirmedAt != nil {
		confirmed = web.LocalTime(ctx, *reg.ConfirmedAt)
	}
	status := editCellOpts(ctx, t, id, reg.Version, t.field("status"), reg.Status)
	status.Edit.OverCapacity = true
	eventID := strconv.FormatInt(reg.EventID, 10)
	personID := strconv.FormatInt(reg.PersonID, 10)
	return adminui.Row{
		DomID: "registrations-" + id, URL: t.detailURL(id), DeleteURL: t.detailURL(id) + "/delete",
		Cells: []adminui.Cell{
			{Text: id, Href: t.detailURL(id)},
			{Text: reg.EventName, Href: "/admin/events/" + eventID},
			{Text: reg.PersonName, Href: "/admin/persons/" + personID},
			{Text: reg.PersonEmail, Small: true},
			status,
			{Text: confirmed, Small: true, NoWrap: true},
			{Text: web.LocalTime(ctx, reg.CreatedAt), Small: true, NoWrap: true},
		},
	}
}

// detail adds the registration's event, person and times.
func (r registrationRules) detail(ctx context.Context, id string, _ rowState, _ formState, v *adminui.DetailView) error {
	rows, err := r.h.pool.Query(ctx, registrationSelect+" WHERE r.id = $1", intID(id))
	if err != nil {
		return fmt.Errorf("admin: registration facts: %w", err)
	}
	reg, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[registrationRow])
	if err != nil {
		return fmt.Errorf("admin: registration facts: %w", db.Map(err))
	}
	v.Facts = []adminui.Fact{
		{Label: "ID", Value: id},
		{Label: tr(ctx, "admin.registrations.event"), Value: reg.EventName, Href: "/admin/events/" + strconv.FormatInt(reg.EventID, 10)},
		{Label: tr(ctx, "admin.registrations.person"), Value: reg.PersonName + " <" + reg.PersonEmail + ">",
			Href: "/admin/persons/" + strconv.FormatInt(reg.PersonID, 10)},
		{Label: tr(ctx, "admin.created_at"), Value: web.LocalTime(ctx, reg.CreatedAt)},
	}
	if reg.ConfirmedAt != nil {
		v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.registrations.confirmed_at"),
			Value: web.LocalTime(ctx, *reg.ConfirmedAt)})
	}
	at, by, err := events.LetIn(ctx, r.h.pool, reg.ID)
	if err != nil {
		return err
	}
	if at != nil {
		// As the door says it: when, and by whom.
		in := web.LocalTime(ctx, *at)
		if by != "" {
			in += " " + tr(ctx, "admin.registrations.checked_in_by", by)
		}
		v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.registrations.checked_in_at"), Value: in})
	}
	return nil
}
