package members

import (
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/web"
)

// Access levels of this domain.
const (
	// LevelMemberManagement decides applications.
	LevelMemberManagement auth.Level = "member_management"
	// LevelPersonAdmin edits persons, here and in the admin console, and
	// creates them through the API.
	LevelPersonAdmin auth.Level = "person_admin"
	// LevelGetPersons and LevelGetMembers read the JSON API.
	LevelGetPersons auth.Level = "get_persons"
	LevelGetMembers auth.Level = "get_members"
)

func init() {
	auth.Describe("members", LevelMemberManagement, LevelPersonAdmin, LevelGetPersons, LevelGetMembers)
}

// Routes registers every URL of the membership domain. The public URLs are
// the old system's, printed on flyers and linked from the website.
func (h *Handler) Routes(rt *auth.Router) {
	public := rt.Public()

	// Applying and verifying.
	public.Get("/register/", h.applyForm)
	public.Post("/register/", h.apply)
	// Verification links (one button) and edit links (the form) share a URL.
	public.Get("/edit/{token}", h.edit)
	public.Get("/edit/{token}/", web.DropSlash)
	public.Post("/edit/{token}", h.editSubmit)
	public.Get("/edit/{token}/cancel", h.cancelForm)
	public.Post("/edit/{token}/cancel", h.cancel)

	// Personal links by mail.
	public.Get("/request_edit", h.requestForm(kindEdit))
	public.Post("/request_edit", h.request(kindEdit))
	public.Get("/request_gdpr_data", h.requestForm(kindGDPR))
	public.Post("/request_gdpr_data", h.request(kindGDPR))

	// GDPR access and erasure; the two outcomes of an erasure are pages of
	// their own (no token is 7 or 9 characters long).
	public.Get("/view_data/deleted", h.erased)
	public.Get("/view_data/requested", h.erasureRequested)
	public.Get("/view_data/{token}", h.viewData)
	public.Get("/view_data/{token}/delete", h.erasureForm)
	public.Post("/view_data/{token}/delete", h.erase)

	// The board.
	board := rt.Level(LevelMemberManagement)
	board.Get("/applications", h.applications)
	board.Post("/applications/{id}/accept", h.accept)
	board.Post("/applications/{id}/deny", h.deny)

	admin := rt.Level(LevelPersonAdmin)
	admin.Get("/admin/deletion_requests", h.deletionRequests)
	admin.Get("/admin/deletion_requests/{id}/anonymise", h.anonymiseForm)
	admin.Post("/admin/deletion_requests/{id}/anonymise", h.anonymise)

	// JSON API of the association's other tools (HTTP Basic welcome).
	rt.Level(LevelGetPersons).API().Get("/persons", h.apiPersons)
	rt.Level(LevelGetMembers).API().Get("/members/", h.apiMembers)
	admin.API().Post("/persons", h.apiCreatePerson)
}
