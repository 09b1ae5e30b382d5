package main

import (
	"context"

	"github.com/pepalumni/memberdb/app/jobs"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/server"
	"github.com/pepalumni/memberdb/app/site"
)

// runMailWorker delivers the outbox without serving HTTP, for deployments
// that run the worker apart from the web servers. Any number may run at
// once; on SIGTERM it finishes the mail it is sending.
func runMailWorker(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("mail-worker takes no arguments")
	}
	cfg, pool, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	wcfg := server.MailWorkerConfig(cfg, site.NewStore(pool, cfg, e.logger), e.logger)
	e.logger.Info("mail worker running", "server", cfg.Mail.Server, "port", cfg.Mail.Port, "capture", wcfg.Capture)
	// The claim recovery runs here too, for deployments whose web servers
	// send no mail.
	jobsDone := (&jobs.Runner{Pool: pool, Logger: e.logger, Tick: mail.RecoveryTick}).Start(ctx, mail.RecoveryJob(pool, e.logger))
	defer jobsDone()
	return mail.NewWorker(pool, wcfg).Run(ctx)
}
