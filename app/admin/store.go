package admin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
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
	u := auth.CurrentUser(ctx)
	if u == nil {
		return nil, "system"
	}
	id := u.ID
	return &id, u.Username
}

// entry is an audit entry of the current user.
func entry(ctx context.Context, table, rowID, field string, old, new *string) audit.Entry {
	uid, actor := actorOf(ctx)
	return audit.Entry{UserID: uid, Actor: actor, Table: table, RowID: rowID, Field: field, OldValue: old, NewValue: new}
}

// save writes the given fields of row id if it still has version, and
// records every changed field in the audit log. It returns the row as
// stored afterwards; errVersion comes with the current row.
func (h *Handler) save(ctx context.Context, t *table, id string, version int, values map[string]any, form url.Values) (rowState, error) {
	var saved rowState
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if t.lockFirst != nil {
			if err := t.lockFirst(ctx, tx, id); err != nil {
				return err
			}
		}
		before, err := t.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if t.versioned && before.version != version {
			saved = before
			return errVersion
		}
		var (
			sets []string
			args []any
		)
		for _, f := range t.fields {
			if v, ok := values[f.name]; ok && f.write == nil {
				args = append(args, v)
				sets = append(sets, f.column+" = $"+strconv.Itoa(len(args)))
			}
		}
		if t.versioned {
			sets = append(sets, "version = version + 1")
		}
		if t.touched {
			sets = append(sets, "updated_at = now()")
		}
		if len(sets) > 0 {
			key, _ := t.keyArg(id)
			args = append(args, key)
			sql := "UPDATE " + t.sql + " SET " + strings.Join(sets, ", ") + " WHERE " + t.key + " = $" + strconv.Itoa(len(args))
			// The lock above already holds the row; naming the version
			// again keeps the check with the write should the lock go.
			if t.versioned {
				args = append(args, version)
				sql += " AND version = $" + strconv.Itoa(len(args))
			}
			tag, err := tx.Exec(ctx, sql, args...)
			if err != nil {
				return t.mapWriteError(ctx, err)
			}
			if t.versioned && tag.RowsAffected() == 0 {
				if saved, err = t.load(ctx, tx, id, false); err != nil {
					return err
				}
				return errVersion
			}
		}
		// Domain writes bump the version themselves, so they come after
		// the write that checks it.
		for _, f := range t.fields {
			v, ok := values[f.name]
			if !ok || f.write == nil || fmt.Sprint(v) == before.text(f.name) {
				continue
			}
			if err := f.write(ctx, tx, id, v, form); err != nil {
				return err
			}
		}
		// A renamed row (roles are keyed by name) is found under its new key.
		if f := t.field(t.key); f != nil {
			if v, ok := values[t.key]; ok && f.write == nil {
				id = fmt.Sprint(v)
			}
		}
		after, err := t.load(ctx, tx, id, false)
		if err != nil {
			return err
		}
		entries, changed := t.changes(ctx, id, before, after)
		if !changed {
			saved = before
			return errUnchanged
		}
		if t.after != nil {
			if err := t.after(ctx, tx, id, before, after); err != nil {
				return err
			}
			if after, err = t.load(ctx, tx, id, false); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, entries...); err != nil {
			return err
		}
		if t.guardsAccess {
			if err := keepsRoleAdmin(ctx, tx); err != nil {
				return err
			}
		}
		saved = after
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return saved, nil
	}
	return saved, err
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
		if f.audited {
			continue
		}
		if f.secret || (f.personal && (before.anonymised || after.anonymised)) {
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
	}
	return db.Map(err)
}

// insert creates a row from values and records it; it returns the new key.
func (h *Handler) insert(ctx context.Context, t *table, values map[string]any, extra func(ctx context.Context, tx pgx.Tx, id string) error) (string, error) {
	var id string
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var (
			cols  []string
			marks []string
			args  []any
		)
		for _, f := range t.fields {
			v, ok := values[f.name]
			if !ok || f.write != nil {
				continue
			}
			args = append(args, v)
			cols = append(cols, f.column)
			marks = append(marks, "$"+strconv.Itoa(len(args)))
		}
		sql := "INSERT INTO " + t.sql + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") +
			") RETURNING " + t.key + "::text"
		if err := tx.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			return t.mapWriteError(ctx, err)
		}
		if extra != nil {
			if err := extra(ctx, tx, id); err != nil {
				return err
			}
		}
		after, err := t.load(ctx, tx, id, false)
		if err != nil {
			return err
		}
		created, _ := t.changes(ctx, id, rowState{values: map[string]*string{}}, after)
		if err := audit.Record(ctx, tx, created...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry(ctx, t.name, id, "", nil, t.summaryOf(after, false)))
	})
	return id, err
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

// remove deletes row id and records it. before runs first in the same
// transaction (clearing the audit log's personal values of a person).
func (h *Handler) remove(ctx context.Context, t *table, id string, before func(ctx context.Context, tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if t.lockFirst != nil {
			if err := t.lockFirst(ctx, tx, id); err != nil {
				return err
			}
		}
		st, err := t.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before != nil {
			if err := before(ctx, tx); err != nil {
				return err
			}
		}
		key, _ := t.keyArg(id)
		if _, err := tx.Exec(ctx, "DELETE FROM "+t.sql+" WHERE "+t.key+" = $1", key); err != nil {
			return fmt.Errorf("admin: delete %s %s: %w", t.name, id, db.Map(err))
		}
		if err := audit.Record(ctx, tx, entry(ctx, t.name, id, "", t.summaryOf(st, true), nil)); err != nil {
			return err
		}
		if t.guardsAccess {
			return keepsRoleAdmin(ctx, tx)
		}
		return nil
	})
}
