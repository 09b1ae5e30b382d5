// Package members is how people join the association and look after their
// own data: applying, verifying the address, the board's decision,
// self-service editing, GDPR access and erasure, and the JSON API of the
// association's other tools.
package members

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/ratelimit"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// gdprTTL is how long a link to see one's data stays valid.
const gdprTTL = 24 * time.Hour

//go:embed mails/*.txt
var mailFiles embed.FS

// Handler serves the membership pages.
type Handler struct {
	cfg   *config.Config
	pool  *pgxpool.Pool
	site  *web.Site
	texts *mail.Texts
	// Every form that mails a typed-in address counts against the client
	// and the address, whether the address is known or not, so the limit
	// tells nothing about who is a member.
	byClient  *ratelimit.Limiter
	byAddress *ratelimit.Limiter
	// Release gives up an erased person's places at upcoming events;
	// the server sets it from the events domain.
	Release Release
	// EndMandate revokes the mandate of an applicant the board denies;
	// the server sets it from the fees domain.
	EndMandate EndMandate
}

// NewHandler builds the handler; its mails are entered in book.
func NewHandler(cfg *config.Config, pool *pgxpool.Pool, site *web.Site, book *mail.Book) *Handler {
	sub, err := fs.Sub(mailFiles, "mails")
	if err != nil {
		panic(err)
	}
	return &Handler{
		cfg:   cfg,
		pool:  pool,
		site:  site,
		texts: book.Texts("members", sub),
		// A stand at a fair may sign up many people from one address.
		byClient:  site.Limits.Limiter("members.mails-by-client", 60, 10*time.Minute),
		byAddress: site.Limits.Limiter("members.mails-by-address", 5, time.Hour),
	}
}

// allowMail counts a mailing form's submission for the address; on false
// the 429 answer is written already.
func (h *Handler) allowMail(w http.ResponseWriter, r *http.Request, email string) bool {
	if ok, retry := h.byAddress.Allow(r.Context(), strings.ToLower(strings.TrimSpace(email))); !ok {
		h.tooMany(w, r, retry)
		return false
	}
	return true
}

// allowClient counts a mailing form's submission for the client (for IPv6
// its /64 network, which one client can pick addresses from); on false the
// 429 answer is written already.
func (h *Handler) allowClient(w http.ResponseWriter, r *http.Request) bool {
	if ok, retry := h.byClient.Allow(r.Context(), ratelimit.ClientKey(web.ClientIP(r, h.cfg.TrustedProxies))); !ok {
		h.tooMany(w, r, retry)
		return false
	}
	return true
}

// tooMany answers 429. htmx swaps no error answer, so a form sent with
// htmx learns of it from a toast.
func (h *Handler) tooMany(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	if web.IsFragment(r) {
		web.SetToasts(w, layout.Flash{Kind: "warning", Text: i18n.T(r.Context(), "error.429.text")})
	}
	h.site.TooManyRequests(w, r, retry)
}
