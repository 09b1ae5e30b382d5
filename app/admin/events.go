package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// shortlinkPattern is the database's check: letters, digits, - and _, with
// at least one non-digit so a shortlink never looks like an id.
var shortlinkPattern = regexp.MustCompile(`^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$`)

// maxHTML bounds descriptions, footers and schemas.
const maxHTML = 100_000

var formalities = []string{"du", "sie"}

// freedPlaces are the ways an event fills a freed place.
var freedPlaces = []string{events.FillConfirm, events.FillOffer}

// maxOfferHours is the longest an offered place can be kept: a month.
const maxOfferHours = 720

// orDefault reads an empty value as def: a form or script from before
// the field existed keeps the event's default.
func orDefault(def string, parse parseFunc) parseFunc {
	return func(ctx context.Context, q querier, raw string) (any, string, error) {
		if strings.TrimSpace(raw) == "" {
			raw = def
		}
		return parse(ctx, q, raw)
	}
}

// offerHoursParser accepts the hours an offered place is kept.
func offerHoursParser(ctx context.Context, q querier, raw string) (any, string, error) {
	v, problem, err := intParser(1, true)(ctx, q, raw)
	if n, ok := v.(int); ok && n > maxOfferHours {
		return nil, tr(ctx, "admin.error.max", maxOfferHours), nil
	}
	return v, problem, err
}

// emptySchema is a new event's registration schema: no fields of its own.
const emptySchema = "{\n    \"type\": \"object\",\n    \"properties\": {\n    }\n}"

func (h *Handler) eventsTable() *table {
	t := &table{
		name: "events", sql: "events", key: "id", intID: true, versioned: true, touched: true,
		unique:   map[string]string{"events_shortlink_key": "shortlink"},
		summary:  "name",
		defaults: map[string]string{"formality": "du", "registration_schema": emptySchema, "freed_places": events.FillConfirm, "offer_hours": "48"},
		fields: []*field{
			{name: "name", column: "name", kind: "text", required: true, inline: true, parse: textParser(true, false, maxText)},
			{name: "name_en", column: "name_en", kind: "text", parse: textParser(false, false, maxText), help: "admin.events.name_en.help"},
			{name: "shortlink", column: "shortlink", kind: "text", inline: true, parse: shortlinkParser},
			{name: "max_participants", column: "max_participants", kind: "number", inline: true, parse: intParser(0, false),
				help: "admin.events.max_participants.help", display: placesDisplay},
			{name: "registration_open", column: "registration_open", kind: "checkbox", inline: true, parse: boolParser, display: boolDisplay},
			{name: "freed_places", column: "freed_places", kind: "select", required: true,
				options: enumOptions("admin.freed_places.", freedPlaces, true), parse: orDefault(events.FillConfirm, enumParser(freedPlaces, true)),
				display: enumDisplay("admin.freed_places.")},
			{name: "offer_hours", column: "offer_hours", kind: "number", required: true, parse: orDefault("48", offerHoursParser)},
			{name: "starts_at", column: "starts_at", read: localTimeSQL("starts_at"), kind: "datetime-local", parse: timeParser},
			{name: "ends_at", column: "ends_at", read: localTimeSQL("ends_at"), kind: "datetime-local", parse: timeParser},
			{name: "location", column: "location", kind: "text", parse: textParser(false, false, maxText)},
			{name: "location_en", column: "location_en", kind: "text", parse: textParser(false, false, maxText), help: "admin.events.location_en.help"},
			{name: "opens_at", column: "opens_at", read: localTimeSQL("opens_at"), kind: "datetime-local", parse: timeParser},
			{name: "closes_at", column: "closes_at", read: localTimeSQL("closes_at"), kind: "datetime-local", parse: timeParser},
			{name: "editing_closes_at", column: "editing_closes_at", read: localTimeSQL("editing_closes_at"), kind: "datetime-local", parse: timeParser},
			{name: "formality", column: "formality", kind: "select", required: true,
				options: enumOptions("admin.formality.", formalities, true), parse: enumParser(formalities, true),
				display: enumDisplay("admin.formality.")},
			{name: "notify_email", column: "notify_email", kind: "email", parse: emailParser(false)},
			{name: "retain_registrations", column: "retain_registrations", read: "retention_period(retain_registrations)",
				kind: "text", parse: periodParser, help: "admin.events.retain_registrations.help", helpRetention: true},
			{name: "allowed_addresses", column: "allowed_addresses", kind: "text", parse: allowedAddressesParser,
				help: "admin.events.allowed_addresses.help"},
			{name: "allowed_addresses_message_de", column: "allowed_addresses_message_de", kind: "text",
				parse: textParser(false, false, events.MaxAllowedAddresses)},
			{name: "allowed_addresses_message_en", column: "allowed_addresses_message_en", kind: "text",
				parse: textParser(false, false, events.MaxAllowedAddresses)},
			{name: "checkin_answers", column: "checkin_answers", kind: "text", parse: textParser(false, false, maxText)},
			{name: "description", column: "description", kind: "html", parse: textParser(false, false, maxHTML),
				preview: "/admin/events/preview/description", rows: 10},
			{name: "description_en", column: "description_en", kind: "html", parse: translationParser(maxHTML),
				preview: "/admin/events/preview/description_en", rows: 10, help: "admin.events.description_en.help"},
			{name: "footer", column: "footer", kind: "html", parse: textParser(false, false, maxHTML),
				preview: "/admin/events/preview/footer", rows: 4},
			{name: "footer_en", column: "footer_en", kind: "html", parse: translationParser(maxHTML),
				preview: "/admin/events/preview/footer_en", rows: 4, help: "admin.events.footer_en.help"},
			{name: "registration_schema", column: "registration_schema", kind: "schema", formValue: indentJSON, same: sameJSON,
				parse: schemaParser, preview: "/admin/events/preview/registration_schema", rows: 20},
		},
	}
	t.rules = eventRules{h: h, t: t}
	return t
}

type eventRules struct {
	noRules
	h *Handler
	t *table
}

func (r eventRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	e, err := queryOne[eventRow](ctx, q, "event row", eventSelect+" WHERE e.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	return eventTableRow(ctx, r.t, e), nil
}

func (eventRules) title(_ context.Context, _ string, st rowState) string { return st.text("name") }

// allowedAddressesParser accepts a regular expression for the addresses
// that may register, or nothing for anyone.
func allowedAddressesParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if utf8.RuneCountInString(s) > events.MaxAllowedAddresses {
		return nil, tr(ctx, "admin.error.too_long", events.MaxAllowedAddresses), nil
	}
	if _, err := events.CompileAllowed(s); err != nil {
		return nil, tr(ctx, "admin.events.allowed_addresses.invalid"), nil
	}
	return s, "", nil
}

// periodParser reads an event's own retention period for its answers:
// empty for the default (RETAIN_REGISTRATIONS).
func periodParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, "", nil
	}
	p, err := config.ParsePeriod(strings.ToLower(s))
	if err != nil {
		return nil, tr(ctx, "admin.events.error.retain_registrations"), nil
	}
	return p.Interval(), "", nil
}

// shortlinkParser accepts an empty shortlink (none) or one the event's URL
// can carry.
func shortlinkParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return nil, "", nil
	case len(s) > 64 || !shortlinkPattern.MatchString(s):
		return nil, tr(ctx, "admin.events.error.shortlink"), nil
	}
	return s, "", nil
}

// schemaParser accepts a registration schema the form renderer supports;
// otherwise the problems, each with its location, refuse the save.
func schemaParser(ctx context.Context, _ querier, raw string) (any, string, error) {
	// As stored: indented, which may double what was typed.
	if len(raw) > schema.MaxBytes || len(indentJSON(raw)) > schema.MaxBytes {
		return nil, tr(ctx, "admin.error.too_long", schema.MaxBytes), nil
	}
	if _, problems := parseSchema(ctx, raw); len(problems) > 0 {
		texts := make([]string, len(problems))
		for i, p := range problems {
			texts[i] = p.Text
		}
		return nil, strings.Join(texts, "; "), nil
	}
	return json.RawMessage(indentJSON(raw)), "", nil
}

// sameJSON reports two JSON documents that differ in white space only
// (the order of keys is the order of the form's fields, so it counts).
func sameJSON(a, b string) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, []byte(a)) == nil && json.Compact(&cb, []byte(b)) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// placesDisplay words an event's places: none set is no limit, which a
// dash left to guess ("Plätze: – gespeichert").
func placesDisplay(ctx context.Context, stored string) string {
	if stored == "" {
		return tr(ctx, "admin.events.unlimited")
	}
	return stored
}

// indentJSON formats a JSON document for the editor, keeping the order of
// its keys (the order of the form's fields). A document nested deeper than
// any form stays as typed: indenting ten thousand "[" wrote 200 MB.
func indentJSON(raw string) string {
	if schema.Nesting(raw) > schema.MaxNesting {
		return raw
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(strings.TrimSpace(raw)), "", "    "); err != nil {
		return raw
	}
	return buf.String()
}

// check refuses an end before its start.
func (eventRules) check(ctx context.Context, values map[string]any) map[string]string {
	problems := map[string]string{}
	for _, pair := range [][2]string{{"starts_at", "ends_at"}, {"opens_at", "closes_at"}} {
		start, ok1 := values[pair[0]].(time.Time)
		end, ok2 := values[pair[1]].(time.Time)
		if ok1 && ok2 && end.Before(start) {
			problems[pair[1]] = tr(ctx, "admin.events.error.order")
		}
	}
	// The answers shown at check-in must be fields of the form.
	raw, ok1 := values["registration_schema"].(json.RawMessage)
	keys, ok2 := values["checkin_answers"].(string)
	if ok1 && ok2 && strings.TrimSpace(keys) != "" {
		if fm, err := schema.Parse(raw); err == nil {
			for key := range strings.SplitSeq(keys, ",") {
				if key = strings.TrimSpace(key); key != "" && fm.Field(key) == nil {
					problems["checkin_answers"] = tr(ctx, "admin.events.error.checkin_answer", key)
					break
				}
			}
		}
	}
	return problems
}

// eventActor is the current user as the events domain names actors.
func eventActor(ctx context.Context) events.Actor {
	u := auth.CurrentUser(ctx)
	if u == nil {
		return events.Actor{Name: "system"}
	}
	id := u.ID
	return events.Actor{UserID: &id, Name: u.Username}
}

// confirmCapacity is the form value that confirms a change of places
// with consequences.
const confirmCapacity = "confirm_capacity"

// changed moves people up from the waiting list when more places became
// free (a raised or removed max_participants). A change that moves people
// up (and mails them) or leaves more confirmed than places is refused with
// what it would do until the form confirms it.
func (r eventRules) changed(ctx context.Context, tx pgx.Tx, id string, before, after rowState, form url.Values) error {
	if err := r.schemaChanged(ctx, tx, id, before, after, form); err != nil {
		return err
	}
	if before.text("ends_at") != after.text("ends_at") && len(before.values) > 0 {
		if err := events.FollowDates(ctx, tx, intID(id)); err != nil {
			return err
		}
	}
	old, new := before.values["max_participants"], after.values["max_participants"]
	if ptrEq(old, new) {
		return nil
	}
	var confirmed, waiting, offered int
	if err := tx.QueryRow(ctx, `SELECT coalesce(c.confirmed, 0), coalesce(c.waiting, 0),
			(SELECT count(*) FROM waitinglist_offers o WHERE o.event_id = e.id AND o.state = 'open')::int
		FROM events e LEFT JOIN event_counts c ON c.event_id = e.id WHERE e.id = $1`, intID(id)).Scan(&confirmed, &waiting, &offered); err != nil {
		return fmt.Errorf("admin: event counts: %w", err)
	}
	// Without a limit everyone waiting is confirmed, offers or not; with
	// one, places on offer are taken and only those beyond them move
	// anyone up.
	moves, places, withdrawn := waiting, -1, 0
	if new != nil {
		places, _ = strconv.Atoi(*new)
		moves = min(max(waiting-offered, 0), max(places-confirmed-offered, 0))
		withdrawn = events.OffersBeyond(&places, confirmed, offered)
	}
	if form.Get(confirmCapacity) != "true" {
		switch {
		case withdrawn > 0:
			text := i18n.N(ctx, "admin.events.confirm.withdraw", withdrawn)
			if confirmed > places {
				text += " " + i18n.N(ctx, "admin.events.confirm.over", confirmed, places)
			}
			return &confirmError{Field: "max_participants", Name: confirmCapacity, Text: text}
		case moves > 0 && after.text("freed_places") == events.FillOffer && places >= 0:
			return &confirmError{Field: "max_participants", Name: confirmCapacity, Text: i18n.N(ctx, "admin.events.confirm.offers", moves)}
		case moves > 0:
			return &confirmError{Field: "max_participants", Name: confirmCapacity, Text: i18n.N(ctx, "admin.events.confirm.moves", moves)}
		case places >= 0 && confirmed > places:
			return &confirmError{Field: "max_participants", Name: confirmCapacity,
				Text: i18n.N(ctx, "admin.events.confirm.over", confirmed, places)}
		}
	}
	if withdrawn > 0 {
		_, err := r.h.eventsSvc.WithdrawOffers(ctx, tx, intID(id), eventActor(ctx))
		return err
	}
	if moves == 0 {
		return nil
	}
	_, err := r.h.eventsSvc.FillFreePlaces(ctx, tx, intID(id), eventActor(ctx))
	return err
}

// eventRow is one event as the list shows it.
type eventRow struct {
	ID               int64
	Name             string
	StartsAt         *time.Time
	RegistrationOpen bool
	Shortlink        *string
	MaxParticipants  *int
	Confirmed        int
	Waiting          int
	Version          int
}

const eventSelect = `
	SELECT e.id, e.name, e.starts_at, e.registration_open, e.shortlink, e.max_participants, e.version,
	       coalesce(c.confirmed, 0) AS confirmed, coalesce(c.waiting, 0) AS waiting
	FROM events e LEFT JOIN event_counts c ON c.event_id = e.id`

func eventTableRow(ctx context.Context, t *table, e eventRow) adminui.Row {
	id := strconv.FormatInt(e.ID, 10)
	starts := ""
	if e.StartsAt != nil {
		starts = web.LocalTime(ctx, *e.StartsAt)
	}
	max := ""
	if e.MaxParticipants != nil {
		max = strconv.Itoa(*e.MaxParticipants)
	}
	return adminui.Row{
		DomID: "events-" + id, URL: t.detailURL(id), DeleteURL: t.detailURL(id) + "/delete",
		Cells: []adminui.Cell{
			{Text: id, Href: t.detailURL(id)},
			editCell(ctx, t, id, e.Version, t.field("name"), e.Name, nil),
			{Text: starts, Small: true, NoWrap: true},
			editCell(ctx, t, id, e.Version, t.field("registration_open"), strconv.FormatBool(e.RegistrationOpen), nil),
			editCell(ctx, t, id, e.Version, t.field("shortlink"), deref(e.Shortlink, ""), nil),
			editCell(ctx, t, id, e.Version, t.field("max_participants"), max, nil),
			{Text: strconv.Itoa(e.Confirmed), Href: "/admin/registrations?event=" + id + "&status=confirmed"},
			{Text: strconv.Itoa(e.Waiting), Href: "/admin/registrations?event=" + id + "&status=waitinglist"},
		},
	}
}

// consequences: an event's registrations go with it.
func (r eventRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	var regs int
	if err := r.h.pool.QueryRow(ctx, `SELECT count(*) FROM registrations WHERE event_id = $1`, intID(id)).Scan(&regs); err != nil {
		return nil, "", fmt.Errorf("admin: event consequences: %w", err)
	}
	list := []string{tr(ctx, "admin.events.delete.mails")}
	if regs > 0 {
		list = append([]string{i18n.N(ctx, "admin.events.delete.registrations", regs)}, list...)
	}
	return list, "", nil
}

// detail adds the event's counts, links and the duplicate action.
func (r eventRules) detail(ctx context.Context, id string, _ rowState, _ formState, v *adminui.DetailView) error {
	const q = `
		SELECT e.created_at, e.updated_at, coalesce(e.shortlink, e.id::text),
		       count(r.id) FILTER (WHERE r.status = 'confirmed'),
		       count(r.id) FILTER (WHERE r.status = 'waitinglist'),
		       count(r.id) FILTER (WHERE r.status = 'pending'),
		       count(r.id) FILTER (WHERE r.status = 'canceled')
		FROM events e LEFT JOIN registrations r ON r.event_id = e.id
		WHERE e.id = $1 GROUP BY e.id`
	var (
		created, updated                       time.Time
		ref                                    string
		confirmed, waiting, pending, cancelled int
	)
	if err := r.h.pool.QueryRow(ctx, q, intID(id)).Scan(&created, &updated, &ref, &confirmed, &waiting, &pending, &cancelled); err != nil {
		return fmt.Errorf("admin: event facts: %w", err)
	}
	regs := "/admin/registrations?event=" + id
	v.Facts = []adminui.Fact{
		{Label: "ID", Value: id},
		{Label: tr(ctx, "admin.created_at"), Value: web.LocalTime(ctx, created)},
		{Label: tr(ctx, "admin.updated_at"), Value: web.LocalTime(ctx, updated)},
		{Label: tr(ctx, "admin.events.count.confirmed"), Value: strconv.Itoa(confirmed), Href: regs + "&status=confirmed"},
		{Label: tr(ctx, "admin.events.count.waitinglist"), Value: strconv.Itoa(waiting), Href: regs + "&status=waitinglist"},
		{Label: tr(ctx, "admin.events.count.pending"), Value: strconv.Itoa(pending), Href: regs + "&status=pending"},
		{Label: tr(ctx, "admin.events.count.canceled"), Value: strconv.Itoa(cancelled), Href: regs + "&status=canceled"},
		{Label: tr(ctx, "admin.events.public_page"), Value: "/events/" + ref + "/registration/", Href: "/events/" + ref + "/registration/"},
		{Label: tr(ctx, "admin.events.participants"), Value: "/events/" + id + "/participants/", Href: "/events/" + id + "/participants/"},
		{Label: tr(ctx, "admin.events.checkin"), Value: "/events/" + id + "/checkin/", Href: "/events/" + id + "/checkin/"},
	}
	v.Sections = append(v.Sections, adminui.EventsScript())
	v.Actions = append(v.Actions, adminui.Action{Label: tr(ctx, "admin.events.duplicate"), URL: "/admin/events/" + id + "/duplicate",
		Style: "secondary", TestID: "duplicate"})
	return nil
}

// translationParser reads an English text of an event: optional, but
// one that shows nothing once sanitised (a comment, an empty paragraph,
// a script) is refused, since English readers would see neither it nor
// the German they get where the English is left empty.
func translationParser(max int) parseFunc {
	text := textParser(false, false, max)
	return func(ctx context.Context, q querier, raw string) (any, string, error) {
		v, problem, err := text(ctx, q, raw)
		if s, _ := v.(string); problem == "" && err == nil && s != "" && !schema.Shows(s) {
			return nil, tr(ctx, "admin.error.shows_nothing"), nil
		}
		return v, problem, err
	}
}
