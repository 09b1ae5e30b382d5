package fees

import "github.com/pepalumni/memberdb/app/auth"

// LevelFeeAdmin keeps the fee schedule, enters paper mandates, creates
// collection runs and downloads their bank files.
const LevelFeeAdmin auth.Level = "fee_admin"

func init() {
	auth.Describe("fees", LevelFeeAdmin)
}

// Routes registers every URL of the fee domain.
func (h *Handler) Routes(rt *auth.Router) {
	// The member, through their edit link.
	public := rt.Public()
	public.Get("/edit/{token}/mandate", h.mandateForm)
	public.Post("/edit/{token}/mandate", h.mandateSubmit)
	public.Post("/edit/{token}/mandate/revoke", h.mandateRevoke)

	// The treasurer.
	admin := rt.Level(LevelFeeAdmin)
	admin.Get("/admin/fees", h.overview)
	admin.Post("/admin/fees/rates", h.addRate)
	admin.Post("/admin/fees/rates/{id}/delete", h.deleteRate)
	admin.Get("/admin/fees/members/{id}", h.memberHistory)
	admin.Post("/admin/fees/members/{id}/category", h.setCategory)
	admin.Post("/admin/fees/members/{id}/mandate/revoke", h.adminRevoke)
	admin.Get("/admin/fees/mandates/new", h.paperForm)
	admin.Post("/admin/fees/mandates/new", h.paperSubmit)
	admin.Get("/admin/fees/runs/new", h.newRun)
	admin.Post("/admin/fees/runs", h.createRun)
	admin.Get("/admin/fees/runs/{id}", h.run)
	admin.Get("/admin/fees/runs/{id}/pain.008.xml", h.bankFile)
	admin.Post("/admin/fees/runs/{id}/submit", h.submitRun)
	admin.Post("/admin/fees/runs/{id}/returns", h.recordReturn)
	admin.Post("/admin/fees/runs/{id}/settle", h.settle)
}
