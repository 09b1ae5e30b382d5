package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
)

// runBackup writes a pg_dump of the database in its custom format, which
// pg_restore (and `memberdb restore`) reads back.
func runBackup(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usagef("backup FILE")
	}
	file := args[0]
	cfg, err := config.LoadWithoutSMTP(".env")
	if err != nil {
		return err
	}
	conn, err := libpqConnection(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	// Written next to FILE and renamed at the end: a failed dump never
	// leaves a file that looks like a backup.
	partial := file + ".partial"
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+partial, "--dbname="+conn.dbname)
	cmd.Env, cmd.Stdout, cmd.Stderr = conn.env, e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		_ = os.Remove(partial)
		return fmt.Errorf("pg_dump: %w", err)
	}
	if err := os.Rename(partial, file); err != nil {
		_ = os.Remove(partial)
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up database %s to %s (%d bytes, pg_dump custom format)\n", conn.name, file, info.Size())
	return nil
}

// runRestore restores a backup into the (empty) database of DATABASE_URL,
// in one transaction: it either restores everything or nothing.
func runRestore(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usagef("restore FILE")
	}
	file := args[0]
	if _, err := os.Stat(file); err != nil {
		return err
	}
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	var tables int
	err = pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables)
	pool.Close()
	if err != nil {
		return fmt.Errorf("reading the database: %w", err)
	}
	if tables > 0 {
		return fmt.Errorf("the database holds %d tables already; restore goes only into an empty database (create one with createdb)", tables)
	}
	conn, err := libpqConnection(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	// --no-owner and --no-acl: the restored objects belong to the user of
	// DATABASE_URL, whatever role owned them where the backup was made.
	cmd := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
		"--dbname="+conn.dbname, file)
	cmd.Env, cmd.Stdout, cmd.Stderr = conn.env, e.stderr, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	pool, err = db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
		return err
	}
	pending, err := db.Pending(ctx, pool)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s into database %s (%d tables); %d migrations of this version pending, applied at the next start\n",
		file, conn.name, tables, pending)
	return nil
}

// libpqConn is how pg_dump and pg_restore reach the database of
// DATABASE_URL: the URL without what only pgx understands, and the
// password in the environment rather than on a command line others can
// read.
type libpqConn struct {
	dbname string // the --dbname argument
	name   string // the database's name, for messages
	env    []string
}

// pgxOnly are DATABASE_URL parameters pgx or its pool read, which libpq
// refuses.
var pgxOnly = []string{"pool_", "statement_cache_capacity", "description_cache_capacity", "default_query_exec_mode"}

func libpqConnection(databaseURL string) (libpqConn, error) {
	env := os.Environ()
	if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		// A key=value connection string libpq reads as it is.
		return libpqConn{dbname: databaseURL, name: "of DATABASE_URL", env: env}, nil
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return libpqConn{}, errors.New("DATABASE_URL is not a URL")
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for k := range q {
		for _, p := range pgxOnly {
			if strings.HasPrefix(k, p) {
				q.Del(k)
			}
		}
	}
	u.RawQuery = q.Encode()
	return libpqConn{dbname: u.String(), name: strings.TrimPrefix(u.Path, "/"), env: env}, nil
}
