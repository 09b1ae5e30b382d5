package admin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
)

// Errors of the generic writes.
var (
	// errVersion: someone else changed the row since the form was shown.
	errVersion = errors.New("admin: row changed meanwhile")
	// errUnchanged rolls back a save that changed nothing.
	errUnchanged = errors.New("admin: nothing changed")
)

// problemError is a refusal the user can fix; Field names the field it
// belongs to ("" for the whole form). Text is translated.
type problemError struct {
	Field string
	Text  string
}

func (e *problemError) Error() string { return "admin: refused: " + e.Field + ": " + e.Text }

// confirmError refuses a save whose consequences the user has not seen
// yet (people moved up from the waiting list and mailed): Text says what
// would happen, and the save goes through when the form carries Name=true.
type confirmError struct {
	Field string
	Text  string
	Name  string
}

func (e *confirmError) Error() string { return "admin: needs confirmation: " + e.Field + ": " + e.Text }

// load reads the row as the forms show it, locking it when lock is set.
func (t *table) load(ctx context.Context, q querier, id string, lock bool) (rowState, error) {
	key, ok := t.keyArg(id)
	if !ok {
		return rowState{}, db.ErrNotFound
	}
	cols := []string{"0", "false"}
	if t.versioned {
		cols[0] = "version"
	}
	if t.anonymised != "" {
		cols[1] = t.anonymised
	}
	for _, f := range t.fields {
		cols = append(cols, f.readSQL())
	}
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + t.sql + " WHERE " + t.key + " = $1"
	if lock {
		sql += " FOR UPDATE"
	}
	st := rowState{values: map[string]*string{}}
	dest := []any{&st.version, &st.anonymised}
	texts := make([]*string, len(t.fields))
	for i := range t.fields {
		dest = append(dest, &texts[i])
	}
	if err := q.QueryRow(ctx, sql, key).Scan(dest...); err != nil {
		return rowState{}, fmt.Errorf("admin: load %s %s: %w", t.name, id, db.Map(err))
	}
	for i, f := range t.fields {
		st.values[f.name] = texts[i]
	}
	return st, nil
}

// actorOf is the logged-in user as the audit log names them.
func actorOf(ctx context.Context) (userID *int64, name string) {
	e := auth.AuditActor(ctx, "system")
	return e.UserID, e.Actor
}

// entry is an audit entry of the current user.
func entry(ctx context.Context, table, rowID, field string, old, new *string) audit.Entry {
	uid, actor := actorOf(ctx)
	return audit.Entry{UserID: uid, Actor: actor, Table: table, RowID: rowID, Field: field, OldValue: old, NewValue: new}
}

// save writes the given fields of row id if it still holds what exp
// expects, and records every changed field in the audit log. It returns
// the row as stored before and after; errVersion comes with the current
// row as after.
func (h *Handler) save(ctx context.Context, t *table, id string, exp expected, values map[string]any, form url.Values) (before, saved rowState, err error) {
	if err := t.rules.submitted(ctx, form); err != nil {
		return before, saved, err
	}
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := t.rules.lock(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if before, err = t.load(ctx, tx, id, true); err != nil {
			return err
		}
		// The row is locked: before stays the current row until the end,
		// so what the check finds is what the rules below work on.
		saved = before
		if !exp.holds(t, before) {
			return errVersion
		}
		values = exp.unchanged(before, values)
		if err := t.update(ctx, tx, id, before.version, values); err != nil {
			return err
		}
		// Domain writes bump the version themselves, so they come after
		// the update that checks it.
		for _, f := range t.fields {
			v, ok := values[f.name]
			if !ok || f.write == nil || fmt.Sprint(v) == before.text(f.name) {
				continue
			}
			if err := f.write(ctx, tx, id, v, form); err != nil {
				return err
			}
		}
		id = t.keyAfter(id, values)
		after, err := t.load(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if err := keepsErased(ctx, t, before, after); err != nil {
			return err
		}
		entries, changed := t.changes(ctx, id, before, after)
		if !changed {
			return errUnchanged
		}
		if err := t.rules.changed(ctx, tx, id, before, after, form); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, entries...); err != nil {
			return err
		}
		// Read again: a rule may have changed more (a joining date), which
		// an undo must put back too.
		if saved, err = t.load(ctx, tx, id, false); err != nil {
			return err
		}
		return t.keepsAccess(ctx, tx)
	})
	if errors.Is(err, errUnchanged) {
		return before, saved, nil
	}
	return before, saved, err
}

// update writes the plain fields among values (fields with a write of
// their own are left to it), counts the version up and touches updated_at.
// A row whose version is no longer version (the locked row's) is
// errVersion.
func (t *table) update(ctx context.Context, tx pgx.Tx, id string, version int, values map[string]any) error {
	key, _ := t.keyArg(id)
	args := pgx.NamedArgs{"row_key": key, "row_version": version}
	var sets []string
	for _, f := range t.fields {
		if v, ok := values[f.name]; ok && f.write == nil {
			sets = append(sets, f.column+" = @"+f.name)
			args[f.name] = v
		}
	}
	if t.versioned {
		sets = append(sets, "version = version + 1")
	}
	if t.touched {
		sets = append(sets, "updated_at = now()")
	}
	if len(sets) == 0 {
		return nil
	}
	sql := "UPDATE " + t.sql + " SET " + strings.Join(sets, ", ") + " WHERE " + t.key + " = @row_key"
	if t.versioned {
		// The caller's lock holds the row; naming the version again keeps
		// the check with the write should the lock go.
		sql += " AND version = @row_version"
	}
	tag, err := tx.Exec(ctx, sql, args)
	if err != nil {
		return t.mapWriteError(ctx, err)
	}
	if t.versioned && tag.RowsAffected() == 0 {
		return errVersion
	}
	return nil
}

// keyAfter is the key of row id after values are written: a renamed row
// (roles are keyed by name) is found under its new one.
func (t *table) keyAfter(id string, values map[string]any) string {
	if f := t.field(t.key); f != nil && f.write == nil {
		if v, ok := values[t.key]; ok {
			return fmt.Sprint(v)
		}
	}
	return id
}

// keepsAccess refuses a write that took the editor's own role_admin, for
// the tables whose rows grant access levels.
func (t *table) keepsAccess(ctx context.Context, tx pgx.Tx) error {
	if !t.guardsAccess {
		return nil
	}
	return keepsRoleAdmin(ctx, tx)
}

// changes are the audit entries of the fields that differ; changed is
// also true for fields whose writes record themselves.
func (t *table) changes(ctx context.Context, id string, before, after rowState) (out []audit.Entry, changed bool) {
	for _, f := range t.fields {
		old, new := before.values[f.name], after.values[f.name]
		if ptrEq(old, new) {
			continue
		}
		changed = true
		if f.same != nil && old != nil && new != nil && f.same(*old, *new) {
			continue
		}
		if f.audited {
			continue
		}
		if f.secret {
			old, new = nil, nil
		}
		out = append(out, entry(ctx, t.name, id, f.name, old, new))
	}
	return out, changed
}

func ptrEq(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// mapWriteError turns constraint violations into problems the user can
// fix; the rest stays an error.
func (t *table) mapWriteError(ctx context.Context, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "23505":
		return &problemError{Field: t.unique[pgErr.ConstraintName], Text: tr(ctx, "admin.error.taken")}
	case "23514", "22001", "22003":
		return &problemError{Text: tr(ctx, "admin.error.invalid")}
	case "23503":
		if t.keptWhileUsed != "" {
			return &problemError{Field: t.keptWhileUsed, Text: tr(ctx, "admin."+t.name+".in_use")}
		}
	}
	return db.Map(err)
}

// insert creates a row from values and records it; it returns the new key.
func (h *Handler) insert(ctx context.Context, t *table, values map[string]any, form url.Values) (string, error) {
	var id string
	if err := t.rules.submitted(ctx, form); err != nil {
		return "", err
	}
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		args := pgx.NamedArgs{}
		var cols, marks []string
		for _, f := range t.fields {
			if v, ok := values[f.name]; ok && f.write == nil {
				cols = append(cols, f.column)
				marks = append(marks, "@"+f.name)
				args[f.name] = v
			}
		}
		sql := "INSERT INTO " + t.sql + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") +
			") RETURNING " + t.key + "::text"
		if err := tx.QueryRow(ctx, sql, args).Scan(&id); err != nil {
			return t.mapWriteError(ctx, err)
		}
		if err := t.rules.created(ctx, tx, id, form); err != nil {
			return err
		}
		after, err := t.load(ctx, tx, id, false)
		if err != nil {
			return err
		}
		created, _ := t.changes(ctx, id, rowState{values: map[string]*string{}}, after)
		// A field left empty is no change worth a line of the history.
		created = slices.DeleteFunc(created, func(e audit.Entry) bool {
			return (e.NewValue == nil || *e.NewValue == "") && !t.field(e.Field).secret
		})
		if err := audit.Record(ctx, tx, created...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(ctx, t.name, id, "", nil, t.summaryOf(after, false)))
	})
	return id, err
}

// keepsErased refuses personal values for a row whose person was
// anonymised (a person, a registration of theirs): erased is erased, and
// nobody types a name, an address or answers back in.
func keepsErased(ctx context.Context, t *table, before, after rowState) error {
	if !before.anonymised {
		return nil
	}
	for _, f := range t.fields {
		if f.personal && before.text(f.name) != after.text(f.name) {
			return &problemError{Field: f.name, Text: tr(ctx, "admin.error.anonymised")}
		}
	}
	return nil
}

// summaryOf names the row in the audit log's create and delete entries.
// It is never nil, so that a creation (old nil) and a deletion (new nil)
// stay apart; a personal name is left out when deleting or anonymised.
func (t *table) summaryOf(st rowState, deleting bool) *string {
	if t.summary == "" {
		return audit.Value("")
	}
	f := t.field(t.summary)
	if f.personal && (deleting || st.anonymised) {
		return audit.Value("")
	}
	return audit.Value(st.text(t.summary))
}

// remove deletes row id and records it.
func (h *Handler) remove(ctx context.Context, t *table, id string) error {
	return pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := t.rules.lock(ctx, tx, id); err != nil {
			return err
		}
		st, err := t.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := t.rules.deleting(ctx, tx, id); err != nil {
			return err
		}
		key, _ := t.keyArg(id)
		if _, err := tx.Exec(ctx, "DELETE FROM "+t.sql+" WHERE "+t.key+" = $1", key); err != nil {
			return fmt.Errorf("admin: delete %s %s: %w", t.name, id, db.Map(err))
		}
		if err := audit.Record(ctx, tx, entry(ctx, t.name, id, "", t.summaryOf(st, true), nil)); err != nil {
			return err
		}
		return t.keepsAccess(ctx, tx)
	})
}
