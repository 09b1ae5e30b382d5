package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/pepalumni/memberdb/app/db"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("migrate up|down [N]|status")
	}
	_, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "up":
		n, err := db.MigrateUp(pool)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "applied %d migrations\n", n)
	case "down":
		steps := 1
		if len(args) > 1 {
			if steps, err = strconv.Atoi(args[1]); err != nil || steps < 1 {
				return usagef("migrate down N: N must be a positive number")
			}
		}
		n, err := db.MigrateDown(pool, steps)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rolled back %d migrations\n", n)
	case "status":
		return db.MigrateStatus(pool, e.stdout)
	default:
		return usagef("migrate up|down [N]|status, not %q", args[0])
	}
	return nil
}
