package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/server"
	"github.com/pepalumni/memberdb/app/web"
)

func runServe(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usagef("serve takes no arguments")
	}
	cfg, pool, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer pool.Close()
	return serve(ctx, e, cfg, pool, nil)
}

// serve migrates (unless told not to), runs ready (if any) once the access
// levels are in the database, and serves until ctx ends, then lets running
// requests finish.
func serve(ctx context.Context, e *env, cfg *config.Config, pool *pgxpool.Pool, ready func() error) error {
	// Its lines are written in batches (LogBuffer); the last batch after
	// everything that logs on the way out (deferred below) has logged.
	// What logs after it returns (dev) writes directly again.
	after := e.logger
	if cfg.LogFormat == "json" { // dev reads its configuration without open
		after = web.NewLogger(e.stderr, cfg.LogFormat)
	}
	logs := web.NewLogBuffer(e.stderr)
	flushCtx, stopFlushing := context.WithCancel(context.WithoutCancel(ctx))
	flushed := make(chan struct{})
	go func() { logs.Run(flushCtx); close(flushed) }()
	e.logger = web.NewLogger(logs, cfg.LogFormat)
	defer func() {
		e.logger = after
		stopFlushing()
		// A log that cannot be written (a stalled pipe) must not keep
		// the server from stopping.
		select {
		case <-flushed:
		case <-time.After(5 * time.Second):
		}
	}()
	if cfg.MigrateOnStart {
		n, err := db.MigrateUp(pool)
		if err != nil {
			return err
		}
		if n > 0 {
			e.logger.Info("applied migrations", "count", n)
		}
	}
	srv, err := server.New(server.Deps{Config: cfg, Pool: pool, Logger: e.logger})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.Start(ctx, pool); err != nil {
		return err
	}
	if ready != nil {
		if err := ready(); err != nil {
			return err
		}
	}
	// After ready: `memberdb dev` seeds its demo users there, and a
	// database with users needs no setup link.
	if err := srv.AnnounceSetup(ctx, cfg.BaseURL); err != nil {
		return err
	}

	// The worker outlives ctx so that it stops only after the HTTP server
	// has shut down (deferred), finishing the mail it is sending.
	worker := mail.NewWorker(pool, server.MailWorkerConfig(cfg, srv.SiteSettings, e.logger))
	worker.Start(context.WithoutCancel(ctx))
	defer worker.Stop()
	srv.AddReadyCheck(server.MailWorkerCheck(worker.Connected))

	httpServer := &http.Server{
		Addr:              cfg.ListenAddr,
		Handler:           srv.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// net/http's own complaints (bad TLS, broken clients) in the
		// same format as everything else.
		ErrorLog: slog.NewLogLogger(e.logger.Handler(), slog.LevelWarn),
	}
	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, e.logger)
	}
	if cfg.MetricsAddr != "" {
		go srv.Metrics.Serve(ctx, cfg.MetricsAddr, e.logger)
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	e.logger.Info("serving", "addr", cfg.ListenAddr, "base_url", cfg.BaseURL.String(), "dev", cfg.Dev)
	// Whoever waits for the server to answer finds its start in the log.
	_ = logs.Flush()
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	e.logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}
