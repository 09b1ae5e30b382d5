package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
)

// open loads the configuration and connects to the database: the start of
// the commands that deliver mail (serve, mail-worker). With LOG_FORMAT=json
// the command logs JSON from here on.
func open(ctx context.Context, e *env) (*config.Config, *pgxpool.Pool, error) {
	return openWith(ctx, e, config.Load)
}

// openWithoutSMTP is open for every other command: they need no
// MAIL_SERVER.
func openWithoutSMTP(ctx context.Context, e *env) (*config.Config, *pgxpool.Pool, error) {
	return openWith(ctx, e, config.LoadWithoutSMTP)
}

func openWith(ctx context.Context, e *env, load func(string) (*config.Config, error)) (*config.Config, *pgxpool.Pool, error) {
	cfg, err := load(".env")
	if err != nil {
		return nil, nil, err
	}
	if cfg.LogFormat == "json" {
		e.logger = web.NewLogger(e.stderr, cfg.LogFormat)
	}
	for _, w := range cfg.Warnings {
		e.logger.Warn(w)
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return cfg, pool, nil
}
