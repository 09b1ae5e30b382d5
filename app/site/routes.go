package site

import (
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/texts"
)

// LevelTextsAdmin edits the association's look as well as its texts: one
// level, declared by the texts domain.
const LevelTextsAdmin = texts.LevelTextsAdmin

// Routes registers the look page and the first run's setup page. The logo
// itself is served outside the session (ServeLogo, LogoPattern).
func (h *Handler) Routes(rt *auth.Router) {
	rt.Public().Get("/setup/{token}", h.setupForm)
	rt.Public().Post("/setup/{token}", h.setup)

	look := rt.Level(LevelTextsAdmin)
	look.Get("/admin/site", h.look)
	look.Post("/admin/site/org", h.saveOrg)
	look.Uploads().Post("/admin/site/logo", h.uploadLogo)
	look.Get("/admin/site/logo/delete", h.confirmDeleteLogo)
	look.Post("/admin/site/logo/delete", h.deleteLogo)
	look.Post("/admin/site/accent", h.saveAccent)
}
