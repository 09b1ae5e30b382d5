// Package legacy moves the data of the old Flask member database (SQLite or
// PostgreSQL, at one of the Alembic revisions it knows) into memberdb's
// database in one transaction: persons, memberships, events with their
// forms, registrations with their answers, users with their password
// hashes, roles and grants.
//
// It is used only by `memberdb import-legacy`; the pure-Go SQLite driver it
// needs is linked for that command alone.
package legacy

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options say how to import.
type Options struct {
	// DryRun runs the whole import and rolls it back.
	DryRun bool
	// Merge allows importing into a database that already holds data:
	// persons are matched by email and nothing existing is overwritten.
	Merge bool
	// Declared are the access levels memberdb's code uses; old levels
	// outside it are created marked unused.
	Declared []string
}

// ErrSchema means the source is not the old member database, or not at a
// revision this importer knows.
var ErrSchema = errors.New("not an old member database this importer can read")

// NotEmptyError refuses an import without Merge into a database that
// already holds data.
type NotEmptyError struct {
	Persons, Events, Registrations, Users int
}

// Error names what the database holds.
func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("memberdb's database already holds data (%d persons, %d events, %d registrations, %d users)",
		e.Persons, e.Events, e.Registrations, e.Users)
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// Import reads the old database at sourceURL (sqlite:///path or
// postgres://…) and writes it into target in one transaction. The report
// lists what was (or, in a dry run, would be) imported and every row that
// could not be mapped as it was.
func Import(ctx context.Context, target *pgxpool.Pool, sourceURL string, opts Options) (*Report, error) {
	src, err := Open(ctx, sourceURL)
	if err != nil {
		return nil, err
	}
	data, err := src.Read(ctx)
	src.Close()
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: src.Display, Revision: data.Revision, DryRun: opts.DryRun, Merge: opts.Merge}
	err = pgx.BeginFunc(ctx, target, func(tx pgx.Tx) error {
		if err := write(ctx, tx, data, opts, rep); err != nil {
			return err
		}
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return rep, nil
}
