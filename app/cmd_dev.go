package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/db/pgcluster"
	"github.com/pepalumni/memberdb/app/server"
)

// devDataDir holds the private cluster of `make run` (git-ignored).
const devDataDir = ".data/postgres"

// runDev is what `make run` starts: a private PostgreSQL unless DATABASE_URL
// is set, migrations, demo data in an empty database, development mode.
func runDev(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("dev takes no arguments")
	}
	// A malformed .env would otherwise leave its variables unset without a
	// word: the private database, say, instead of the one it names.
	if err := config.LoadDotEnv(".env"); err != nil {
		return err
	}
	if os.Getenv("DEV") == "" {
		os.Setenv("DEV", "true")
	}
	private := os.Getenv("DATABASE_URL") == ""
	if private {
		logFile, err := openLog(filepath.Join(filepath.Dir(devDataDir), "postgres.log"))
		if err != nil {
			return err
		}
		defer logFile.Close()
		fmt.Fprintf(e.stdout, "starting the private database in %s (log: %s)\n", devDataDir, logFile.Name())
		cluster, err := pgcluster.Start(ctx, devDataDir, pgcluster.Options{Durable: true, Log: logFile})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		if err := cluster.CreateDatabase(ctx, "memberdb"); err != nil {
			return err
		}
		os.Setenv("DATABASE_URL", cluster.URL("memberdb"))
	}
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	return serve(ctx, e, cfg, pool, func() error {
		if _, err := server.SeedIfEmpty(ctx, pool, e.stdout); err != nil {
			return err
		}
		// Only the private database is ours to grant levels in.
		if private {
			if err := auth.GrantDemoAdmin(ctx, pool); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "\nmemberdb is running at %s\n", cfg.BaseURL)
		for _, line := range server.DemoLogins() {
			fmt.Fprintln(e.stdout, line)
		}
		fmt.Fprintln(e.stdout, "mails stay in the development mailbox:", cfg.URL("/dev/mail"))
		fmt.Fprintln(e.stdout, "press Ctrl-C to stop")
		return nil
	})
}

func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
}
