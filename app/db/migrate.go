package db

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	migrate "github.com/rubenv/sql-migrate"

	"github.com/pepalumni/memberdb/migrations"
)

// migrateLock is the advisory lock every migration run holds ("mdbmigr"
// truncated), so that instances starting together take turns: the first
// applies the migrations, the others wait and find nothing left to do.
const migrateLock int64 = 0x6d64626d696772

func source() migrate.MigrationSource {
	return migrate.EmbedFileSystemMigrationSource{FileSystem: migrations.FS, Root: "."}
}

func sqlDB(pool *pgxpool.Pool) *sql.DB { return stdlib.OpenDBFromPool(pool) }

// MigrateUp applies every pending migration and returns how many ran.
func MigrateUp(pool *pgxpool.Pool) (int, error) {
	var n int
	err := whileMigrating(pool, func(d *sql.DB) (err error) {
		n, err = migrate.Exec(d, "postgres", source(), migrate.Up)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("db: migrate up: %w", err)
	}
	return n, nil
}

// MigrateDown rolls back the newest max migrations (0 means all).
func MigrateDown(pool *pgxpool.Pool, max int) (int, error) {
	var n int
	err := whileMigrating(pool, func(d *sql.DB) (err error) {
		n, err = migrate.ExecMax(d, "postgres", source(), migrate.Down, max)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("db: migrate down: %w", err)
	}
	return n, nil
}

// whileMigrating runs fn under the migration lock. sql-migrate works
// through database/sql on the pool's connections, any of which it may
// close or swap, so the lock is held on a connection of its own that stays
// open until fn returns. If this process dies, PostgreSQL ends that
// connection and the lock with it.
func whileMigrating(pool *pgxpool.Pool, fn func(*sql.DB) error) error {
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("waiting for the migration lock: %w", err)
	}
	d := sqlDB(pool)
	defer d.Close()
	runErr := fn(d)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrateLock); err != nil && runErr == nil {
		return err
	}
	return runErr
}

// Pending is how many embedded migrations the database has not applied;
// /readyz is not ready while there are any.
func Pending(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	all, err := source().FindMigrations()
	if err != nil {
		return 0, fmt.Errorf("db: %w", err)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('gorp_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("db: pending migrations: %w", err)
	}
	if !exists {
		return len(all), nil
	}
	rows, _ := pool.Query(ctx, `SELECT id FROM gorp_migrations`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("db: pending migrations: %w", err)
	}
	applied := make(map[string]bool, len(ids))
	for _, id := range ids {
		applied[id] = true
	}
	n := 0
	for _, m := range all {
		if !applied[m.Id] {
			n++
		}
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
