package legacy

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/members"
)

// Actor names the import in the audit log.
const Actor = "import-legacy"

// writer maps the old rows into memberdb inside one transaction and
// remembers which old id became which new one.
type writer struct {
	tx   pgx.Tx
	d    *Data
	opts Options
	rep  *Report

	tuIDs, personIDs, eventIDs, userIDs map[int64]int64
	// newUsers are users this import created; only they get roles.
	newUsers map[int64]bool
	// types are memberdb's membership type keys (membership_types).
	types []string
	audit []audit.Entry
}

// memberdbTable names the memberdb table an old table's rows go to.
var memberdbTable = map[string]string{
	"tu_status":          "tu_status",
	"person":             "persons",
	"event":              "events",
	"event_registration": "registrations",
	"user":               "users",
	"role":               "roles",
	"access_level":       "access_levels",
	"access_levels":      "role_access_levels",
	"roles":              "user_roles",
}

// countOrder is the order of the report's table.
var countOrder = []string{
	"tu_status", "membership_status", "membership_type", "persons", "events",
	"registration_status", "registrations", "access_levels", "roles",
	"role_access_levels", "users", "user_roles",
}

// write maps d into memberdb inside tx and fills rep.
func write(ctx context.Context, tx pgx.Tx, d *Data, opts Options, rep *Report) error {
	// Nobody may add rows while ids are chosen and the database is
	// checked for emptiness; reading stays possible.
	const lock = `LOCK TABLE persons, events, registrations, users, roles, access_levels,
		role_access_levels, user_roles, tu_status IN EXCLUSIVE MODE`
	if _, err := tx.Exec(ctx, lock); err != nil {
		return fmt.Errorf("legacy: lock tables: %w", err)
	}
	if !opts.Merge {
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
	}
	w := &writer{
		tx: tx, d: d, opts: opts, rep: rep,
		tuIDs: map[int64]int64{}, personIDs: map[int64]int64{}, eventIDs: map[int64]int64{},
		userIDs: map[int64]int64{}, newUsers: map[int64]bool{},
	}
	for _, t := range countOrder {
		rep.count(t)
	}
	for _, p := range d.Unreadable {
		c := rep.count(memberdbTable[p.Table])
		c.Old++
		c.Skipped++
		rep.Problems = append(rep.Problems, Problem{Table: p.Table, ID: p.ID, Reason: "cannot be read: " + p.Reason + "; not imported"})
	}
	steps := []func(context.Context) error{
		w.lookups, w.tuStatuses, w.persons, w.events, w.registrations,
		w.accessLevels, w.roles, w.users, w.userRoles, w.sequences,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if opts.DryRun {
		// The audit log's id sequence would advance despite the rollback.
		return nil
	}
	if err := audit.Record(ctx, tx, w.audit...); err != nil {
		return fmt.Errorf("legacy: %w", err)
	}
	return nil
}

func checkEmpty(ctx context.Context, tx pgx.Tx) error {
	var e NotEmptyError
	const q = `SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM events),
		(SELECT count(*) FROM registrations), (SELECT count(*) FROM users)`
	if err := tx.QueryRow(ctx, q).Scan(&e.Persons, &e.Events, &e.Registrations, &e.Users); err != nil {
		return fmt.Errorf("legacy: count existing rows: %w", err)
	}
	if e.Persons+e.Events+e.Registrations+e.Users > 0 {
		return &e
	}
	return nil
}

// created notes a new row for the audit log.
func (w *writer) created(table string, newID any, oldTable string, oldID any) {
	w.audit = append(w.audit, audit.Entry{
		Actor:    Actor,
		Table:    table,
		RowID:    fmt.Sprint(newID),
		NewValue: audit.Value(fmt.Sprintf("imported from the old member database (%s %v)", oldTable, oldID)),
	})
}

// ids hands out the ids of new rows: the old id where it is free, else one
// past the highest. Ids are chosen here, not by the sequences, because
// sequences do not roll back and a dry run must change nothing.
type ids struct {
	taken map[int64]bool
	max   int64
}

// keep claims id and reports whether it was free.
func (a *ids) keep(id int64) bool {
	if a.taken[id] {
		return false
	}
	a.taken[id] = true
	a.max = max(a.max, id)
	return true
}

// next claims a new id past every claimed one; call it after keep.
func (a *ids) next() int64 {
	a.max++
	a.taken[a.max] = true
	return a.max
}

// takenIDs returns the ids table already uses.
func (w *writer) takenIDs(ctx context.Context, table string) (*ids, error) {
	rows, err := w.tx.Query(ctx, "SELECT id FROM "+pgx.Identifier{table}.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("legacy: ids of %s: %w", table, err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("legacy: ids of %s: %w", table, err)
	}
	a := &ids{taken: make(map[int64]bool, len(list))}
	for _, id := range list {
		a.keep(id)
	}
	return a, nil
}

// moveSequence sets table's id sequence past its highest id, never back.
func (w *writer) moveSequence(ctx context.Context, table string) error {
	q := fmt.Sprintf(`
		SELECT setval(s.seq, m.max_id)
		FROM (SELECT pg_get_serial_sequence('%[1]s', 'id')::regclass AS seq) s,
		     (SELECT max(id) AS max_id FROM %[1]s) m
		WHERE m.max_id IS NOT NULL AND m.max_id > coalesce(pg_sequence_last_value(s.seq), 0)`, table)
	if _, err := w.tx.Exec(ctx, q); err != nil {
		return fmt.Errorf("legacy: move the id sequence of %s: %w", table, err)
	}
	return nil
}

// sequences moves the id sequences past the imported ids; a dry run
// leaves them, as setval would outlive the rollback.
func (w *writer) sequences(ctx context.Context) error {
	if w.opts.DryRun {
		return nil
	}
	for _, t := range []string{"tu_status", "persons", "events", "registrations", "users"} {
		if err := w.moveSequence(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// lower lowercases strings the way the database's unique indexes do, so
// the import matches exactly what PostgreSQL would call a duplicate.
func (w *writer) lower(ctx context.Context, in []string) ([]string, error) {
	rows, err := w.tx.Query(ctx, `SELECT lower(s) FROM unnest($1::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n`, in)
	if err != nil {
		return nil, fmt.Errorf("legacy: lower: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("legacy: lower: %w", err)
	}
	return out, nil
}

// orNull turns "" into SQL NULL.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// lookups checks the old fixed value lists against memberdb's (the values
// of its CHECK constraints, migrations 0002 and 0003, and its membership
// types, which PeP's two are seeded as).
func (w *writer) lookups(ctx context.Context) error {
	ts, err := members.LoadTypes(ctx, w.tx)
	if err != nil {
		return fmt.Errorf("legacy: %w", err)
	}
	w.types = ts.Keys()
	lists := []struct {
		table string
		old   []string
		known []string
	}{
		{"membership_status", w.d.MembershipStatuses, members.Statuses},
		{"membership_type", w.d.MembershipTypes, w.types},
		{"registration_status", w.d.RegistrationStatuses, events.Statuses},
	}
	for _, l := range lists {
		c := w.rep.count(l.table)
		c.Old = len(l.old)
		for _, v := range l.old {
			if slices.Contains(l.known, v) {
				c.Matched++
				continue
			}
			c.Skipped++
			w.rep.problem(l.table, v, "memberdb knows no such value; rows holding it are listed below")
		}
	}
	return nil
}
