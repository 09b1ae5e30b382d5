package main

import (
	"context"
	"time"

	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/retention"
)

const purgeUsage = "purge [--dry-run]"

// runPurge deletes the personal data whose time has come (see the
// README's "Privacy and retention"); --dry-run only tells what would go.
func runPurge(ctx context.Context, e *env, args []string) error {
	dryRun := false
	for _, a := range args {
		switch a {
		case "--dry-run", "-dry-run", "-n":
			dryRun = true
		default:
			return usagef("unknown argument %s; use\n  %s", a, purgeUsage)
		}
	}
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	p := retention.New(cfg, pool, mailBook(ctx, cfg, pool, e.logger))
	var rep retention.Report
	run := func(ctx context.Context) (err error) {
		rep, err = p.Run(ctx, time.Now(), dryRun)
		return err
	}
	if dryRun {
		err = run(ctx)
	} else {
		// The same lock as the daily run, so the two never purge at once.
		runner := &jobs.Runner{Pool: pool, Logger: e.logger}
		err = runner.RunNow(ctx, jobs.Job{Name: "purge", Run: run})
	}
	if err != nil {
		return err
	}
	return rep.Print(e.stdout)
}
