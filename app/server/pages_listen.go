package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/web"
)

// PagesChannel is where the database announces a change of an event or a
// registration, by whichever instance, job or command (a trigger of
// migration 0091): every instance then drops its cached public pages.
const PagesChannel = "memberdb_pages"

// listenPages drops pages' cached pages on every notification, until ctx
// ends. It listens on a connection of its own; while that connection is
// broken it reconnects every retry, and after each (re)connect it drops
// the pages at once, as it may have missed a change meanwhile.
func listenPages(ctx context.Context, pool *pgxpool.Pool, pages *web.PageCache, logger *slog.Logger, retry time.Duration) {
	for ctx.Err() == nil {
		err := listenPagesOnce(ctx, pool, pages)
		if ctx.Err() != nil {
			return
		}
		logger.Warn("page cache: listening for changes failed; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

func listenPagesOnce(ctx context.Context, pool *pgxpool.Pool, pages *web.PageCache) error {
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{PagesChannel}.Sanitize()); err != nil {
		return err
	}
	pages.Forget()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return nil
			}
			return err
		}
		pages.Forget()
	}
}
