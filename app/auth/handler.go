package auth

import (
	"embed"
	"net/http"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
)

//go:embed mails/*.txt
var mailFiles embed.FS

// Handler serves login, logout and password reset.
type Handler struct {
	users *Sessions
	site  *web.Site
	cfg   *config.Config
	texts *mail.Texts
}

// NewHandler builds the accounts domain on the request's sessions, and has
// the site count logins it refuses for their input against their client.
func NewHandler(users *Sessions, cfg *config.Config, book *mail.Book) *Handler {
	users.hooksOnce.Do(func() {
		users.Site.BadInputHooks = append(users.Site.BadInputHooks, users.CountRefusedLogin)
	})
	return &Handler{users: users, site: users.Site, cfg: cfg, texts: book.Texts("auth", mustSub(mailFiles, "mails"))}
}

func (h *Handler) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.cfg.TrustedProxies)
}
