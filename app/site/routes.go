package site

import "github.com/pepalumni/memberdb/app/auth"

// LevelTextsAdmin edits the association's texts and look. The texts
// domain declares the same level for its editors; it is one level.
const LevelTextsAdmin auth.Level = "texts_admin"

func init() {
	auth.Describe("texts", LevelTextsAdmin)
}

// Routes registers the look page and the first run's setup page. The logo
// itself is served outside the session (ServeLogo, LogoPattern).
func (h *Handler) Routes(rt *auth.Router) {
	rt.Public().Get("/setup/{token}", h.setupForm)
	rt.Public().Post("/setup/{token}", h.setup)

	look := rt.Level(LevelTextsAdmin)
	look.Get("/admin/site", h.look)
	look.Post("/admin/site/org", h.saveOrg)
	look.Post("/admin/site/logo", h.uploadLogo)
	look.Get("/admin/site/logo/delete", h.confirmDeleteLogo)
	look.Post("/admin/site/logo/delete", h.deleteLogo)
	look.Post("/admin/site/accent", h.saveAccent)
}
