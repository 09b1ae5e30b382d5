package admin

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pepalumni/memberdb/app/db"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// querier is what both the pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// table describes one admin table for the generic parts of the console:
// inline edits, the detail form, create and delete. Lists and detail pages
// are written per table; what a table does beyond storing its fields is its
// rules, written in the table's own file.
type table struct {
	name  string // URL segment and the audit log's table name
	sql   string // SQL table
	key   string // primary key column
	intID bool   // the key is a bigint
	// versioned rows carry a version that every edit must name.
	versioned bool
	// touched rows have updated_at.
	touched bool
	// anonymised is an SQL condition on the row: its personal values are
	// not written to the audit log.
	anonymised string
	fields     []*field
	// unique maps unique constraints to the field that broke them.
	unique map[string]string
	// keptWhileUsed names the field that other rows refer to: changing it
	// while they do is refused (23503) with the message admin.<name>.in_use.
	keptWhileUsed string
	// summary names the field naming a row in the audit log when it is
	// created or deleted.
	summary string
	// defaults are the create form's initial values.
	defaults map[string]string
	// guardsAccess: edits and deletes may take away the editor's own
	// role_admin, which keepsRoleAdmin refuses.
	guardsAccess bool
	rules        rules
}

// rules are what a table does beyond storing its fields. Every table says
// how a list row looks, what a row is called and what goes with a deleted
// row; the rest it may leave to noRules.
//
// The writes call them in their transaction in this order. Edit: lock, the
// UPDATE and the fields' own writes, changed. Create: the INSERT, created.
// Delete: lock, deleting, the DELETE.
type rules interface {
	// row renders one list row from the stored data.
	row(ctx context.Context, q querier, id string) (adminui.Row, error)
	// title names a row on its detail and delete pages.
	title(ctx context.Context, id string, st rowState) string
	// consequences says what goes with a deleted row; blocked, when not
	// empty, why it cannot be deleted at all.
	consequences(ctx context.Context, id string) (list []string, blocked string, err error)

	// detail adds the table's facts, sections, related rows and actions.
	detail(ctx context.Context, id string, st rowState, fs formState, v *adminui.DetailView) error
	// check finds problems between fields of a whole form (an end before
	// its start), by field name.
	check(ctx context.Context, values map[string]any) map[string]string
	// extraFields are form elements that are not columns (the "over
	// capacity" choice).
	extraFields(ctx context.Context) []adminui.FormField

	// lock takes the locks domain rules take before the row's own (a
	// registration's event), so the lock order never deadlocks.
	lock(ctx context.Context, tx pgx.Tx, id string) error
	// created follows the insert of a new row.
	created(ctx context.Context, tx pgx.Tx, id string, form url.Values) error
	// submitted refuses a form before anything is written, whether or
	// not it changes the row (an open editor holding a refused value).
	submitted(ctx context.Context, form url.Values) error
	// changed follows an edit that changed the row; form is the submitted
	// form (a confirmation of the edit's consequences).
	changed(ctx context.Context, tx pgx.Tx, id string, before, after rowState, form url.Values) error
	// deleting precedes the delete of a row.
	deleting(ctx context.Context, tx pgx.Tx, id string) error
}

// noRules is the nothing-to-add of the rules a table may leave out.
type noRules struct{}

func (noRules) detail(context.Context, string, rowState, formState, *adminui.DetailView) error {
	return nil
}
func (noRules) check(context.Context, map[string]any) map[string]string   { return nil }
func (noRules) extraFields(context.Context) []adminui.FormField           { return nil }
func (noRules) lock(context.Context, pgx.Tx, string) error                { return nil }
func (noRules) created(context.Context, pgx.Tx, string, url.Values) error { return nil }
func (noRules) submitted(context.Context, url.Values) error               { return nil }
func (noRules) changed(context.Context, pgx.Tx, string, rowState, rowState, url.Values) error {
	return nil
}
func (noRules) deleting(context.Context, pgx.Tx, string) error { return nil }

func (t *table) listURL() string            { return "/admin/" + t.name }
func (t *table) detailURL(id string) string { return "/admin/" + t.name + "/" + escapePath(id) }
func (t *table) listTitle(ctx context.Context) string {
	return i18n.T(ctx, "admin."+t.name+".title")
}

// field is one editable column.
type field struct {
	name   string // form name and the audit log's field name
	column string
	// read is the SQL expression giving the value as the form shows it;
	// column::text when empty.
	read     string
	kind     string // input kind of adminui.FormField
	required bool
	inline   bool
	// createOnly fields are set once (a user's first password); editOnly
	// fields are not asked when creating.
	createOnly bool
	editOnly   bool
	// personal values are not taken for rows of anonymised persons
	// (keepsErased) and left out of deletion entries; secret values never
	// reach the audit log.
	personal bool
	secret   bool
	options  func(ctx context.Context, q querier) ([]adminui.Option, error)
	// omitWithoutChoice leaves the field out of forms while its options
	// offer nothing but "none" and it holds nothing: an association that
	// keeps no university relations is not asked for one.
	omitWithoutChoice bool
	// parse turns the submitted text into the value to store; problem is
	// the translated message when the text is not acceptable.
	parse func(ctx context.Context, q querier, raw string) (value any, problem string, err error)
	// formValue turns a stored value into what the form's input shows
	// (a schema, indented).
	formValue func(stored string) string
	// same reports two stored values as one, written differently (a
	// schema indented otherwise); such a change is not recorded.
	same func(a, b string) bool
	// display turns a stored value into what a cell shows (enum labels).
	display func(ctx context.Context, stored string) string
	// write replaces the plain UPDATE for fields that domain rules change
	// (a registration's status).
	write func(ctx context.Context, tx pgx.Tx, id string, value any, form url.Values) error
	// setByRule fields may be set by a rule along with another field's
	// save (a joining date with the membership): undoing that save puts
	// them back too (undoWith).
	setByRule bool
	// audited fields are recorded by their write (the domain's own entry).
	audited bool
	// preview is the URL rendering a preview of the field (html, schema).
	preview string
	rows    int
	// help is a catalog key of a hint under the input; helpRetention
	// fills it with the default retention period.
	help          string
	helpRetention bool
}

func (t *table) field(name string) *field {
	for _, f := range t.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

// keyArg turns a URL's id into the key's SQL argument; false when it
// cannot name a row.
func (t *table) keyArg(id string) (any, bool) {
	if !t.intID {
		return id, id != ""
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0
}

func (f *field) readSQL() string {
	if f.read != "" {
		return f.read
	}
	return f.column + "::text"
}

func (f *field) label(ctx context.Context, t *table) string {
	return i18n.T(ctx, "admin."+t.name+"."+f.name)
}

func (f *field) show(ctx context.Context, stored string) string {
	switch {
	case f.display != nil:
		return f.display(ctx, stored)
	case f.kind == "date":
		return i18n.Day(i18n.LangOf(ctx), stored)
	case f.kind == "datetime-local":
		return i18n.DayTime(i18n.LangOf(ctx), stored)
	}
	return stored
}

// rowState is a row as stored: its version and every field's value as the
// form shows it (nil for NULL).
type rowState struct {
	version    int
	anonymised bool
	values     map[string]*string
}

func (s rowState) text(name string) string {
	if v := s.values[name]; v != nil {
		return *v
	}
	return ""
}

// queryOne reads the single row sql selects as a T; what names it in the
// error, which is db.ErrNotFound when there is no such row.
func queryOne[T any](ctx context.Context, q querier, what, sql string, args ...any) (T, error) {
	var zero T
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return zero, fmt.Errorf("admin: %s: %w", what, err)
	}
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if err != nil {
		return zero, fmt.Errorf("admin: %s: %w", what, db.Map(err))
	}
	return v, nil
}
