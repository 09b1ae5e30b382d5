package db

import (
	"database/sql"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	migrate "github.com/rubenv/sql-migrate"

	"github.com/pepalumni/memberdb/migrations"
)

func source() migrate.MigrationSource {
	return migrate.EmbedFileSystemMigrationSource{FileSystem: migrations.FS, Root: "."}
}

func sqlDB(pool *pgxpool.Pool) *sql.DB { return stdlib.OpenDBFromPool(pool) }

// MigrateUp applies every pending migration and returns how many ran.
func MigrateUp(pool *pgxpool.Pool) (int, error) {
	d := sqlDB(pool)
	defer d.Close()
	n, err := migrate.Exec(d, "postgres", source(), migrate.Up)
	if err != nil {
		return n, fmt.Errorf("db: migrate up: %w", err)
	}
	return n, nil
}

// MigrateDown rolls back the newest max migrations (0 means all).
func MigrateDown(pool *pgxpool.Pool, max int) (int, error) {
	d := sqlDB(pool)
	defer d.Close()
	n, err := migrate.ExecMax(d, "postgres", source(), migrate.Down, max)
	if err != nil {
		return n, fmt.Errorf("db: migrate down: %w", err)
	}
	return n, nil
}

// MigrateStatus writes one line per migration: applied or pending.
func MigrateStatus(pool *pgxpool.Pool, w io.Writer) error {
	d := sqlDB(pool)
	defer d.Close()
	all, err := source().FindMigrations()
	if err != nil {
		return fmt.Errorf("db: %w", err)
	}
	records, err := migrate.GetMigrationRecords(d, "postgres")
	if err != nil {
		return fmt.Errorf("db: %w", err)
	}
	applied := make(map[string]string, len(records))
	for _, r := range records {
		applied[r.Id] = r.AppliedAt.Format("2006-01-02 15:04:05")
	}
	for _, m := range all {
		state := "pending"
		if at, ok := applied[m.Id]; ok {
			state = "applied " + at
		}
		fmt.Fprintf(w, "%-40s %s\n", m.Id, state)
	}
	return nil
}
