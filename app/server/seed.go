package server

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/members"
)

// seeder writes one domain's demo data inside the seeding transaction.
type seeder func(ctx context.Context, tx pgx.Tx, out io.Writer) error

// seeders run in order; each domain adds its own.
var seeders = []seeder{auth.SeedAdmin, events.Seed, members.Seed}

// demoLogins are printed by `make run`; domains that seed users add theirs.
var demoLogins = []string{
	"log in as " + auth.DemoAdminUsername + " / " + auth.DemoAdminPassword + " (every access level)",
}

// DemoLogins returns the lines `make run` prints about demo accounts.
func DemoLogins() []string { return demoLogins }

// SeedIfEmpty writes demo data in one transaction if the database holds no
// persons yet, and reports whether it did.
func SeedIfEmpty(ctx context.Context, pool *pgxpool.Pool, out io.Writer) (bool, error) {
	var empty bool
	if err := pool.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM persons)").Scan(&empty); err != nil {
		return false, fmt.Errorf("seed: %w", err)
	}
	if !empty {
		return false, nil
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, seed := range seeders {
			if err := seed(ctx, tx, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintln(out, "demo data written")
	return true, nil
}
