// Package mailweb serves the mail pages: the outbox for admins and, in
// development mode, the mailbox. It is apart from package mail because the
// domains that enqueue mail (auth among them) must not import the router.
package mailweb

import (
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/web"
)

// LevelMailAdmin may see the outbox and send failed mails again.
const LevelMailAdmin auth.Level = "mail_admin"

func init() { auth.Describe("mail", LevelMailAdmin) }

// Handler serves the mail pages.
type Handler struct {
	pool *pgxpool.Pool
	site *web.Site
	// dev registers the development mailbox; outside development mode it
	// does not exist.
	dev bool
}

// NewHandler returns the mail pages' handler.
func NewHandler(pool *pgxpool.Pool, site *web.Site, dev bool) *Handler {
	return &Handler{pool: pool, site: site, dev: dev}
}
