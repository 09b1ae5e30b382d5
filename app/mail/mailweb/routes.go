package mailweb

import "github.com/pepalumni/memberdb/app/auth"

// Routes registers every URL of the mail pages with its access level.
func (h *Handler) Routes(rt *auth.Router) {
	if h.dev {
		rt.Public().Get("/dev/mail", h.devMailbox)
	}
	admin := rt.Level(LevelMailAdmin)
	admin.Get("/admin/mail", h.outbox)
	admin.Get("/admin/mail/{id:[0-9]+}", h.mailDetail)
	admin.Post("/admin/mail/{id}/retry", h.retry)
}
