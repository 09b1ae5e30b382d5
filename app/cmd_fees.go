package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/fees"
)

const feesUsage = "fees run --year YYYY --due YYYY-MM-DD"

// runFees creates a collection run as the treasurer's page does, without
// leaving anyone out, queues its mails and prints the run's id.
func runFees(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "run" {
		return usagef("use\n  %s", feesUsage)
	}
	fs := flag.NewFlagSet("fees run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	year := fs.Int("year", 0, "the year whose fees are collected")
	due := fs.String("due", "", "the due date, YYYY-MM-DD")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *year == 0 || *due == "" {
		return usagef("use\n  %s", feesUsage)
	}
	day, err := time.Parse(time.DateOnly, *due)
	if err != nil {
		return usagef("--due %q is not a date such as 2027-03-15", *due)
	}
	cfg, pool, err := openWithoutSMTP(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	if !cfg.SEPA.Ready() {
		return fmt.Errorf("fee collection is not configured; set %v", cfg.SEPA.Missing)
	}
	book := mailBook(ctx, cfg, pool, e.logger)
	run, err := fees.NewHandler(cfg, pool, nil, book).CreateRunAndMail(ctx, *year, day, nil, audit.Entry{Actor: fees.ActorCommandLine})
	switch {
	case errors.Is(err, fees.ErrDueDay):
		return fmt.Errorf("%s is not a TARGET2 business day", *due)
	case errors.Is(err, fees.ErrDueSoon):
		return fmt.Errorf("%s is too soon: the pre-notification needs %d days plus one", *due, cfg.SEPA.PrenotificationDays)
	case err != nil:
		return err
	}
	_, err = fmt.Fprintln(e.stdout, run.ID)
	return err
}
