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

// NewHandler builds the accounts domain on the request's sessions.
func NewHandler(users *Sessions, cfg *config.Config, org mail.Org) *Handler {
	return &Handler{users: users, site: users.Site, cfg: cfg, texts: mail.MustTexts(mustSub(mailFiles, "mails"), org)}
}

func (h *Handler) clientIP(r *http.Request) string {
	return web.ClientIP(r, h.cfg.TrustedProxies)
}

// parseForm reads a posted form; it answers 413 or 400 itself and reports
// false when the body was unusable.
func (h *Handler) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		if web.IsTooLarge(err) {
			h.site.Error(w, r, http.StatusRequestEntityTooLarge, "")
		} else {
			h.site.Error(w, r, http.StatusBadRequest, "")
		}
		return false
	}
	return true
}
