// Package fees collects the yearly membership fee: the fee schedule,
// members' SEPA direct debit mandates, collection runs with their
// pre-notifications, invoices and bank file, and returned debits.
package fees

import (
	"embed"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
)

//go:embed mails/*.txt
var mailFiles embed.FS

// Handler serves the fee pages.
type Handler struct {
	cfg   *config.Config
	pool  *pgxpool.Pool
	site  *web.Site
	texts *mail.Texts
	// box seals and opens IBANs; nil while SEPA is not configured.
	box *sepa.Box
	now func() time.Time
}

// NewHandler builds the handler; its mails are entered in book.
func NewHandler(cfg *config.Config, pool *pgxpool.Pool, site *web.Site, book *mail.Book) *Handler {
	sub, err := fs.Sub(mailFiles, "mails")
	if err != nil {
		panic(err)
	}
	return &Handler{cfg: cfg, pool: pool, site: site, texts: book.Texts("fees", sub), box: NewBox(cfg), now: time.Now}
}

// NewBox is the box of the configured SEPA_KEY; nil without one.
func NewBox(cfg *config.Config) *sepa.Box {
	if len(cfg.SEPA.Key) == 0 {
		return nil
	}
	box, err := sepa.NewBox(cfg.SEPA.Key)
	if err != nil {
		panic(err) // config validated the key's length
	}
	return box
}
