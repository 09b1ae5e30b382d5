package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/site"
	"github.com/pepalumni/memberdb/app/web"
)

// PagesChannel is where the database announces a change of an event or a
// registration, by whichever instance, job or command (a trigger of
// migration 0091): every instance then drops its cached public pages.
const PagesChannel = "memberdb_pages"

// pagesListener drops the cached pages on every notification.
type pagesListener struct {
	pool          *pgxpool.Pool
	pages         *web.PageCache
	logger        *slog.Logger
	retry         time.Duration
	listening     chan struct{} // closed once the first LISTEN took effect
	listeningOnce sync.Once
	// serving: Start has returned, so pages may be cached.
	serving atomic.Bool
	// also hear of each changed table (the payload), to forget other
	// caches (the association's texts and settings) before the pages, so
	// a page rendered anew shows the change; "" when a change may have
	// gone unheard.
	also []func(table string)
}

func newPagesListener(pool *pgxpool.Pool, pages *web.PageCache, logger *slog.Logger) *pagesListener {
	return &pagesListener{pool: pool, pages: pages, logger: logger, retry: 5 * time.Second, listening: make(chan struct{})}
}

// run listens until ctx ends, on a connection of its own; while that
// connection is broken it reconnects every retry. Each LISTEN once pages
// may be cached drops them at once: a change may have gone unheard.
// (Start waits for the first LISTEN, so usually none is cached then.)
func (l *pagesListener) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := l.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		l.logger.Warn("listening for changes (pages, texts, settings) failed; reconnecting", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(l.retry):
		}
	}
}

// waitListening waits up to timeout for the first LISTEN; from then on
// pages may be cached.
func (l *pagesListener) waitListening(timeout time.Duration) {
	select {
	case <-l.listening:
	case <-time.After(timeout):
	}
	l.serving.Store(true)
}

func (l *pagesListener) listenOnce(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, l.pool.Config().ConnConfig.Copy())
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
	for _, f := range l.also {
		f("")
	}
	if l.serving.Load() {
		l.pages.Forget()
	}
	l.listeningOnce.Do(func() { close(l.listening) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, f := range l.also {
			f(n.Payload)
		}
		l.pages.Forget()
	}
}

// ListenSettings keeps the association's settings of a process that
// serves no pages (the mail worker) current until ctx ends: it forgets
// them on every change of site_settings, by whichever instance, and
// whenever a change may have gone unheard.
func ListenSettings(ctx context.Context, pool *pgxpool.Pool, settings *site.Store, logger *slog.Logger) {
	l := newPagesListener(pool, nil, logger)
	l.also = append(l.also, func(table string) {
		if table == "" || table == "site_settings" {
			settings.Forget()
		}
	})
	l.run(ctx)
}
