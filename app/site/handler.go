package site

import (
	"context"
	"net/http"

	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/layout"
)

// Handler serves the look page and the setup page.
type Handler struct {
	store *Store
	site  *web.Site
	// logIn starts the session of the admin the setup page created
	// (auth.Sessions.LogIn).
	logIn func(ctx context.Context, userID int64, epoch int) error
}

// NewHandler returns the handler of the settings in store.
func NewHandler(store *Store, site *web.Site, logIn func(ctx context.Context, userID int64, epoch int) error) *Handler {
	return &Handler{store: store, site: site, logIn: logIn}
}

// ShellHook puts the association's name, contact address, logo and
// accent colour into every page (a web.Site.ShellHooks hook). When the
// settings cannot be read the page keeps the configuration's.
func (s *Store) ShellHook(r *http.Request, sh *layout.Shell) {
	st, err := s.Current(r.Context())
	if err != nil {
		// An outage is logged where the page fails (web.Site).
		if r.Context().Err() == nil && !db.Unavailable(err) {
			s.logger.Warn("site settings unavailable; pages show the configuration's", "err", err)
		}
		return
	}
	sh.Org = s.Org(st)
	sh.Logo = st.LogoPath()
	sh.Accent = Theme(st.Accent)
}
