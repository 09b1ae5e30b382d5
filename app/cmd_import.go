package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/server"
	"github.com/pepalumni/memberdb/migrations"
)

const importUsage = "import-legacy --from URL [--dry-run] [--merge]"

func runImportLegacy(ctx context.Context, e *env, args []string) error {
	flags := flag.NewFlagSet("import-legacy", flag.ContinueOnError)
	flags.SetOutput(e.stderr)
	from := flags.String("from", "", "the old database: sqlite:///path/to/file.sqlite or postgres://user:password@host/dbname")
	dryRun := flags.Bool("dry-run", false, "print what would be imported and change nothing")
	merge := flags.Bool("merge", false, "import into a database that already holds data: persons are matched by email, nothing existing is overwritten")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usagef("%s", importUsage)
	}
	if *from == "" || flags.NArg() > 0 {
		return usagef("%s", importUsage)
	}
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *dryRun {
		// Migrating is a change too, so a dry run needs the schema as it is.
		if err := requireMigrated(ctx, pool); err != nil {
			return err
		}
	} else if _, err := db.MigrateUp(pool); err != nil {
		return err
	}
	// Old access levels memberdb's routes do not declare are created unused.
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: e.logger})
	if err != nil {
		return err
	}
	declared := srv.Registry.Levels()
	srv.Close()

	rep, err := legacy.Import(ctx, pool, *from, legacy.Options{DryRun: *dryRun, Merge: *merge, Declared: declared})
	var notEmpty *legacy.NotEmptyError
	if errors.As(err, &notEmpty) {
		return fmt.Errorf("%w; nothing was imported. Run again with --merge to add the old data to it "+
			"(persons are matched by email, nothing existing is overwritten)", err)
	}
	if err != nil {
		return err
	}
	return rep.Write(e.stdout)
}

// requireMigrated refuses a database with pending migrations, reading
// sql-migrate's bookkeeping table without creating it.
func requireMigrated(ctx context.Context, pool *pgxpool.Pool) error {
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return err
	}
	applied := map[string]bool{}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('gorp_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if exists {
		rows, _ := pool.Query(ctx, `SELECT id FROM gorp_migrations`)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("check migrations: %w", err)
		}
		for _, id := range ids {
			applied[id] = true
		}
	}
	var pending []string
	for _, f := range files {
		if !applied[f] {
			pending = append(pending, f)
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database lacks the migrations %s; a dry run changes nothing, so run `memberdb migrate up` first",
			strings.Join(pending, ", "))
	}
	return nil
}
