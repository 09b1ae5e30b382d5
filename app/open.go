package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
)

// open loads the configuration and connects to the database: the start of
// every command that works on an existing database.
func open(ctx context.Context) (*config.Config, *pgxpool.Pool, error) {
	cfg, err := config.Load(".env")
	if err != nil {
		return nil, nil, err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return cfg, pool, nil
}
