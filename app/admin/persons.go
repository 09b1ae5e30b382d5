package admin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/fees"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

var languages = []string{"de", "en"}

// personalFields are the persons' fields whose values the audit log drops
// when a person is anonymised or deleted.
var personalFields = []string{"name", "email", "date_of_birth"}

func (h *Handler) personsTable() *table {
	t := &table{
		name: "persons", sql: "persons", key: "id", intID: true, versioned: true, touched: true,
		anonymised: "anonymised_at IS NOT NULL",
		unique:     map[string]string{"persons_email_key": "email"},
		summary:    "name",
		defaults:   map[string]string{"language": "de"},
		fields: []*field{
			{name: "name", column: "name", kind: "text", required: true, inline: true, personal: true,
				parse: textParser(true, false, maxText)},
			{name: "email", column: "email", kind: "email", required: true, inline: true, personal: true,
				parse: emailParser(true)},
			{name: "email_valid", column: "email_valid", kind: "checkbox", parse: boolParser, display: boolDisplay},
			{name: "membership_status", column: "membership_status", kind: "select", inline: true,
				options: enumOptions("admin.status.", members.Statuses, false),
				parse:   enumParser(members.Statuses, false), display: enumDisplay("admin.status.")},
			{name: "membership_type", column: "membership_type", kind: "select", inline: true,
				options: typeOptions, parse: typeParser},
			{name: "tu_status", column: "tu_status_id", kind: "select", inline: true,
				options: tuStatusOptions, parse: tuStatusParser, omitWithoutChoice: true},
			{name: "date_of_birth", column: "date_of_birth", kind: "date", personal: true, parse: dateParser(true)},
			{name: "joining_date", column: "joining_date", kind: "date", parse: dateParser(false), setByRule: true},
			{name: "leaving_date", column: "leaving_date", kind: "date", parse: dateParser(false), setByRule: true},
			{name: "language", column: "language", kind: "select", required: true,
				options: enumOptions("admin.language.", languages, true), parse: enumParser(languages, true),
				display: enumDisplay("admin.language.")},
		},
	}
	t.rules = personRules{h: h, t: t}
	return t
}

type personRules struct {
	noRules
	h *Handler
	t *table
}

func (r personRules) row(ctx context.Context, q querier, id string) (adminui.Row, error) {
	key, ok := r.t.keyArg(id)
	if !ok {
		return adminui.Row{}, errNotFound(r.t, id)
	}
	p, err := queryOne[personRow](ctx, q, "person row", personSelect+" WHERE p.id = $1", key)
	if err != nil {
		return adminui.Row{}, err
	}
	opts, err := tuStatusOptions(ctx, q)
	if err != nil {
		return adminui.Row{}, err
	}
	types, err := typeOptions(ctx, q)
	if err != nil {
		return adminui.Row{}, err
	}
	above, err := personsAbove(ctx, q, []int64{p.ID})
	if err != nil {
		return adminui.Row{}, err
	}
	status, _ := r.t.field("membership_status").options(ctx, nil)
	r.h.relations.seen(opts)
	return personTableRow(ctx, r.t, p, personOptions{tu: opts, types: types, status: status, noTU: !keepsRelations(opts), above: above}), nil
}

// title is the name; an anonymised person has none left.
func (personRules) title(ctx context.Context, id string, st rowState) string {
	if st.anonymised {
		return tr(ctx, "admin.persons.anonymised_title", id)
	}
	return st.text("name")
}

// personRow is one person as the list shows it. Its fields are in the
// order of personColumns, as searches read them by position.
type personRow struct {
	ID               int64
	Name             string
	Email            string
	MembershipStatus *string
	MembershipType   *string
	TUStatusID       *int64
	TUName           *string
	TUNameEN         *string
	JoiningDate      *time.Time
	Anonymised       bool
	Version          int
}

const personColumns = `p.id, p.name, p.email, p.membership_status, p.membership_type, p.tu_status_id,
	t.name AS tu_name, t.name_en AS tu_name_en, p.joining_date, p.anonymised_at IS NOT NULL AS anonymised, p.version`

const personSelect = `SELECT ` + personColumns + ` FROM persons p LEFT JOIN tu_status t ON t.id = p.tu_status_id`

// personOptions are the choices of a person row's editors, the same for
// every row of a list.
type personOptions struct {
	tu, types, status []adminui.Option
	// noTU leaves out the relation's column: the association keeps none.
	noTU bool
	// above are the persons whose address the editor may not change
	// (personsAbove), with why.
	above map[int64]string
}

func personTableRow(ctx context.Context, t *table, p personRow, opts personOptions) adminui.Row {
	id := strconv.FormatInt(p.ID, 10)
	tu := ""
	if p.TUStatusID != nil {
		tu = strconv.FormatInt(*p.TUStatusID, 10)
	}
	joined := ""
	if p.JoiningDate != nil {
		joined = p.JoiningDate.Format(i18n.DayLayout(i18n.LangOf(ctx)))
	}
	tuCell := editCell(ctx, t, id, p.Version, t.field("tu_status"), tu, opts.tu)
	// The relation in the reader's language, read with the row: a
	// search's fragment has no options loaded (its editors load them).
	tuCell.Text = ""
	if p.TUName != nil {
		tuCell.Text = members.TUStatusName(i18n.LangOf(ctx), *p.TUName, p.TUNameEN)
	}
	typeCell := editCell(ctx, t, id, p.Version, t.field("membership_type"), deref(p.MembershipType, ""), opts.types)
	typeCell.Text = optionLabel(opts.types, deref(p.MembershipType, ""))
	// A person whose accounts hold levels the editor lacks keeps their
	// address and is not deleted by them (personWithin): the row offers
	// neither.
	email, deleteURL := editCell(ctx, t, id, p.Version, t.field("email"), p.Email, nil), t.detailURL(id)+"/delete"
	if why := opts.above[p.ID]; why != "" {
		email, deleteURL = adminui.Cell{Text: p.Email, Hint: why}, ""
	}
	cells := []adminui.Cell{
		{Text: id, Href: t.detailURL(id)},
		editCell(ctx, t, id, p.Version, t.field("name"), p.Name, nil),
		email,
		editCell(ctx, t, id, p.Version, t.field("membership_status"), deref(p.MembershipStatus, ""), opts.status),
		typeCell,
		tuCell,
		{Text: joined, Small: true, NoWrap: true},
	}
	if opts.noTU {
		cells = slices.Delete(cells, 5, 6)
	}
	return adminui.Row{
		DomID: "persons-" + id, URL: t.detailURL(id), DeleteURL: deleteURL, Muted: p.Anonymised,
		Cells: cells,
	}
}

// editCellOpts is editCell for fields whose choices are fixed.
func editCellOpts(ctx context.Context, t *table, id string, version int, f *field, stored string) adminui.Cell {
	opts, _ := f.options(ctx, nil)
	return editCell(ctx, t, id, version, f, stored, opts)
}

// optionLabel is the label of the option with value; "" for none.
func optionLabel(opts []adminui.Option, value string) string {
	if value == "" {
		return ""
	}
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// changed refuses a new address of a person whose accounts hold levels
// the editor lacks (personWithin), and to give a person a hidden membership type: hidden types
// are offered for no new choice, and a person who has one keeps it. A
// person made a member without a joining date joins today, as an accepted
// application does: the fee runs and the member lists count from it. A
// member set to have left leaves today unless a day is given, and one
// set back to member loses the day they left. Whichever way the days were
// set, a leaving day before the joining day is refused.
func (r personRules) changed(ctx context.Context, tx pgx.Tx, id string, before, after rowState, form url.Values) error {
	// A new address would take the person's accounts along: their
	// password reset goes there.
	if len(before.values) > 0 && after.text("email") != before.text("email") {
		if err := personWithin(ctx, tx, intID(id)); err != nil {
			var pe *problemError
			if errors.As(err, &pe) {
				pe.Field = "email"
			}
			return err
		}
	}
	status, was := after.text("membership_status"), before.text("membership_status")
	// An applicant denied here as by the board's decision: a mandate
	// given with the application would stand for good. (A member set to
	// "denied" is a correction, not an application refused.)
	if status == "denied" && was == "pending" && r.h.endMandate != nil {
		// It mails them and cannot be undone: asked first, as the
		// applications page says it beforehand.
		held, err := persons.HeldBy(ctx, tx, persons.DomainFees, intID(id))
		if err != nil {
			return err
		}
		if held && form.Get(confirmDenial) != "true" {
			return &confirmError{Field: "membership_status", Name: confirmDenial, Text: tr(ctx, "admin.persons.confirm_denial")}
		}
		uid, actor := actorOf(ctx)
		if err := r.h.endMandate(ctx, tx, intID(id), members.Actor{UserID: uid, Name: actor}); err != nil {
			return err
		}
	}
	// The applications page's "Annehmen" mails a welcome; a status set
	// here does not, which the board did not know.
	if status == "confirmed" && was == "pending" && form.Get(confirmAccept) != "true" {
		return &confirmError{Field: "membership_status", Name: confirmAccept, Text: tr(ctx, "admin.persons.confirm_accept")}
	}
	today := web.Today()
	// One who left and is a member again (a leaving date the save left
	// as it was) has not left. Accepted after applying anew, they join
	// today, as accepting them on the applications page does; set back
	// from "Ausgetreten" (a correction, or a return) they keep their day.
	returning := status == "confirmed" && was != "confirmed" && was != "" &&
		after.text("leaving_date") != "" && after.text("leaving_date") == before.text("leaving_date")
	rejoins := returning && was == "pending" && after.text("joining_date") == before.text("joining_date")
	if status == "confirmed" && was != "confirmed" && (after.text("joining_date") == "" || rejoins) {
		if err := setByRule(ctx, tx, id, before, after, "joining_date", &today); err != nil {
			return err
		}
	}
	switch {
	// A member who leaves leaves today, as leaving through their link
	// does.
	case status == "canceled" && was == "confirmed" && after.text("leaving_date") == "":
		if err := setByRule(ctx, tx, id, before, after, "leaving_date", &today); err != nil {
			return err
		}
	case returning:
		if err := setByRule(ctx, tx, id, before, after, "leaving_date", nil); err != nil {
			return err
		}
	}
	if err := daysOutOfBounds(ctx, before, after); err != nil {
		return err
	}
	if err := leftBeforeJoining(ctx, tx, id, before); err != nil {
		return err
	}
	key := after.text("membership_type")
	if key == "" || key == before.text("membership_type") {
		return nil
	}
	ts, err := members.LoadTypes(ctx, tx)
	if err != nil {
		return err
	}
	if mt, ok := ts.Find(key); ok && mt.Hidden {
		return &problemError{Field: "membership_type", Text: tr(ctx, "admin.membership-types.hidden_refused")}
	}
	return nil
}

// confirmDenial is the form value that confirms denying an applicant who
// gave a mandate, which is revoked and mailed.
const confirmDenial = "confirm_denial"

// confirmAccept confirms making an applicant a member without the
// welcome mail the applications page sends.
const confirmAccept = "confirm_accept"

// setByRule sets column (joining_date or leaving_date, which the rules
// set) to day (nil empties it) after the save that left it at after's
// value, and records it; a new person's creation records all of its
// fields, this one too.
func setByRule(ctx context.Context, tx pgx.Tx, id string, before, after rowState, column string, day *string) error {
	if column != "joining_date" && column != "leaving_date" {
		return fmt.Errorf("admin: %s is set by no rule", column)
	}
	if _, err := tx.Exec(ctx, `UPDATE persons SET `+column+` = $2::date WHERE id = $1`, intID(id), day); err != nil {
		return fmt.Errorf("admin: %s: %w", column, err)
	}
	if creating := len(before.values) == 0; creating {
		return nil
	}
	return audit.Record(ctx, tx, entry(ctx, "persons", id, column, after.values[column], day))
}

// created refuses a new person with a hidden membership type.
func (r personRules) created(ctx context.Context, tx pgx.Tx, id string, form url.Values) error {
	st, err := r.t.load(ctx, tx, id, false)
	if err != nil {
		return err
	}
	return r.changed(ctx, tx, id, rowState{values: map[string]*string{}}, st, form)
}

// detail adds the person's facts, user accounts and registrations.
func (r personRules) detail(ctx context.Context, id string, _ rowState, _ formState, v *adminui.DetailView) error {
	const q = `SELECT created_at, updated_at, anonymised_at FROM persons WHERE id = $1`
	var (
		created, updated time.Time
		anonymised       *time.Time
	)
	if err := r.h.pool.QueryRow(ctx, q, intID(id)).Scan(&created, &updated, &anonymised); err != nil {
		return fmt.Errorf("admin: person facts: %w", err)
	}
	v.Facts = []adminui.Fact{
		{Label: "ID", Value: id},
		{Label: tr(ctx, "admin.created_at"), Value: web.LocalTime(ctx, created)},
		{Label: tr(ctx, "admin.updated_at"), Value: web.LocalTime(ctx, updated)},
	}
	if anonymised != nil {
		v.Facts = append(v.Facts, adminui.Fact{Label: tr(ctx, "admin.persons.anonymised_at"), Value: web.LocalTime(ctx, *anonymised)})
	}
	users, err := r.h.links(ctx, `SELECT username, '/admin/users/' || id FROM users WHERE person_id = $1 ORDER BY id`, intID(id))
	if err != nil {
		return err
	}
	regs, err := r.h.personRegistrations(ctx, id)
	if err != nil {
		return err
	}
	if anonymised == nil && auth.CurrentUser(ctx).Has(fees.LevelFeeAdmin) {
		// The treasurer sets a reduced category before a first run.
		v.Actions = append(v.Actions, adminui.Action{Label: tr(ctx, "admin.persons.fees"), URL: "/admin/fees/members/" + id,
			Style: "secondary", TestID: "fees", Method: "get"})
	}
	// A person whose account holds levels the editor lacks keeps their
	// address and is not anonymised by them: the page says so instead of
	// offering what would be refused.
	above, err := refusal(personWithin(ctx, r.h.pool, intID(id)))
	if err != nil {
		return err
	}
	if above != "" && v.Form != nil {
		for i := range v.Form.Fields {
			if f := &v.Form.Fields[i]; f.Name == "email" {
				f.ReadOnly, f.Help = true, above
			}
		}
	}
	if above != "" {
		v.DeleteURL = ""
	}
	if anonymised == nil && above == "" {
		v.Actions = append(v.Actions, adminui.Action{Label: tr(ctx, "admin.persons.anonymise"), URL: r.h.persons.detailURL(id) + "/anonymise",
			Style: "warning", TestID: "anonymise", Method: "get"})
	}
	v.Related = []adminui.Related{
		{Title: tr(ctx, "admin.users.title"), Items: users, Empty: tr(ctx, "admin.persons.no_user")},
		{Title: tr(ctx, "admin.registrations.title"), Items: regs, Empty: tr(ctx, "admin.persons.no_registrations")},
	}
	return nil
}

// personRegistrations links a person's registrations, named by event and
// status.
func (h *Handler) personRegistrations(ctx context.Context, id string) ([]adminui.Link, error) {
	rows, err := h.pool.Query(ctx, `SELECT r.id, e.name, r.status FROM registrations r JOIN events e ON e.id = r.event_id
		WHERE r.person_id = $1 ORDER BY r.created_at DESC LIMIT 200`, intID(id))
	if err != nil {
		return nil, fmt.Errorf("admin: person's registrations: %w", err)
	}
	var out []adminui.Link
	for rows.Next() {
		var (
			regID         int64
			event, status string
		)
		if err := rows.Scan(&regID, &event, &status); err != nil {
			rows.Close()
			return nil, fmt.Errorf("admin: person's registrations: %w", err)
		}
		out = append(out, adminui.Link{Label: event + " (" + tr(ctx, events.StatusKeyPrefix+status) + ")",
			URL: h.registrations.detailURL(strconv.FormatInt(regID, 10))})
	}
	return out, rows.Err()
}

// links reads label and URL pairs for a detail page's related lists.
func (h *Handler) links(ctx context.Context, q string, args ...any) ([]adminui.Link, error) {
	rows, err := h.pool.Query(ctx, q+" LIMIT 200", args...)
	if err != nil {
		return nil, fmt.Errorf("admin: related rows: %w", err)
	}
	var out []adminui.Link
	for rows.Next() {
		var l adminui.Link
		if err := rows.Scan(&l.Label, &l.URL); err != nil {
			rows.Close()
			return nil, fmt.Errorf("admin: related rows: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
