package main

import (
	"context"
	"fmt"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/server"
)

func runSeed(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("seed takes no arguments")
	}
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := db.MigrateUp(pool); err != nil {
		return err
	}
	// The demo admin's role holds every access level, so they must be known.
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: e.logger})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.Start(ctx, pool); err != nil {
		return err
	}
	seeded, err := server.SeedIfEmpty(ctx, pool, e.stdout)
	if err != nil {
		return err
	}
	if !seeded {
		return fmt.Errorf("the database already holds data; demo data goes only into an empty database")
	}
	return nil
}
