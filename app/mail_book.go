package main

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/site"
	"github.com/pepalumni/memberdb/app/texts"
)

// mailBook is the book the commands send mails from, as the server does:
// the association's edited texts, and its name and contact address as set
// in the browser (read once, before any mail is written).
func mailBook(ctx context.Context, cfg *config.Config, pool *pgxpool.Pool, logger *slog.Logger) *mail.Book {
	book := texts.NewBook(cfg, texts.NewStore(pool, logger))
	settings := site.NewStore(pool, cfg, logger)
	settings.Load(ctx)
	book.Org = settings.MailOrg
	return book
}
