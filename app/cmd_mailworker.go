package main

import (
	"context"
	"sync"

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
	settings := site.NewStore(pool, cfg, e.logger)
	if !cfg.Mail.SenderSet {
		// Mails go from the association as set in the browser: a change
		// there reaches this process at once, as it reaches serve.
		listening, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { server.ListenSettings(listening, pool, settings, e.logger) })
		defer wg.Wait()
		defer stop()
	}
	wcfg := server.MailWorkerConfig(cfg, settings, e.logger)
	e.logger.Info("mail worker running", "server", cfg.Mail.Server, "port", cfg.Mail.Port, "capture", wcfg.Capture)
	// The claim recovery runs here too, for deployments whose web servers
	// send no mail.
	jobsDone := (&jobs.Runner{Pool: pool, Logger: e.logger, Tick: mail.RecoveryTick}).Start(ctx, mail.RecoveryJob(pool, e.logger))
	defer jobsDone()
	return mail.NewWorker(pool, wcfg).Run(ctx)
}
