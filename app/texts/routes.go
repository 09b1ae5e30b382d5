package texts

import "github.com/pepalumni/memberdb/app/auth"

// Routes registers every URL of the texts domain.
func (h *Handler) Routes(rt *auth.Router) {
	public := rt.Public()
	public.Get("/impressum", h.legal(PageImpressum))
	public.Get("/datenschutz", h.legal(PageDatenschutz))

	admin := rt.Level(LevelTextsAdmin)
	admin.Get("/admin/texts", h.index)
	admin.Get("/admin/texts/mail/{domain}/{name}/{lang}", h.mailEditor)
	admin.Post("/admin/texts/mail/{domain}/{name}/{lang}", h.mailSave)
	admin.Post("/admin/texts/mail/{domain}/{name}/{lang}/preview", h.mailPreview)
	admin.Post("/admin/texts/mail/{domain}/{name}/{lang}/reset", h.mailReset)
	admin.Get("/admin/texts/pages/{page}/{lang}", h.pageEditor)
	admin.Post("/admin/texts/pages/{page}/{lang}", h.pageSave)
	admin.Post("/admin/texts/pages/{page}/{lang}/preview", h.pagePreview)
	admin.Post("/admin/texts/pages/{page}/{lang}/reset", h.pageReset)
}
