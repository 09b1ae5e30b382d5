package admin

import (
	"net/http"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/members"
)

// Access levels of the console's tables: one per table as in the old
// system, plus the audit log's. Persons (members.LevelPersonAdmin) and
// registrations (events.LevelRegistrationAdmin) are opened with their
// domain's levels.
const (
	levelEventAdmin       auth.Level = "event_admin"
	levelUserAdmin        auth.Level = "user_admin"
	levelAccessLevelAdmin auth.Level = "access_level_admin"
	levelAudit            auth.Level = "audit_admin"
	// levelRoleAdmin edits roles; nobody may take it from themselves, or
	// nobody might be left to give it back (keepsRoleAdmin).
	levelRoleAdmin auth.Level = "role_admin"
)

func init() {
	auth.Describe("events", levelEventAdmin)
	auth.Describe("access", levelUserAdmin, levelRoleAdmin, levelAccessLevelAdmin, levelAudit)
}

// Routes registers every URL of the console with its access level. Each
// table has the same shape (tableRoutes) plus its own actions.
func (h *Handler) Routes(rt *auth.Router) {
	// Anyone logged in sees the tables they may open (maybe none).
	rt.LoggedIn().Get("/admin/", h.index)
	// Typed without its slash, the console's address found nothing.
	rt.LoggedIn().Get("/admin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
	})
	rt.Level(levelAudit).Get("/admin/audit", h.auditLog)

	persons := rt.Level(members.LevelPersonAdmin)
	h.tableRoutes(persons, h.persons, h.listPersons, true, true)
	persons.Get("/admin/persons/{id}/anonymise", h.confirmAnonymise)
	persons.Post("/admin/persons/{id}/anonymise", h.anonymise)
	persons.Get("/admin/privacy", h.privacy)
	// University relations (tu_status) belong to the persons' admins.
	h.tableRoutes(persons, h.tuStatus, h.listTUStatus, true, true)
	// So are the membership types.
	h.tableRoutes(persons, h.membershipTypes, h.listMembershipTypes, true, true)

	eventAdmin := rt.Level(levelEventAdmin)
	h.tableRoutes(eventAdmin, h.events, h.listEvents, true, true)
	eventAdmin.Post("/admin/events/preview/{field}", h.previewField)
	eventAdmin.Post(builderURL, h.builder)
	eventAdmin.Post("/admin/events/{id}/duplicate", h.duplicateEvent)

	h.tableRoutes(rt.Level(events.LevelRegistrationAdmin), h.registrations, h.listRegistrations, true, true)

	users := rt.Level(levelUserAdmin)
	h.tableRoutes(users, h.users, h.listUsers, true, true)
	users.Post("/admin/users/{id}/roles", h.setUserRoles)
	users.Post("/admin/users/{id}/roles/{role}", h.toggleUserRole)
	users.Post("/admin/users/{id}/password", h.setPassword)
	users.Post("/admin/users/{id}/disable", h.setDisabled(true))
	users.Post("/admin/users/{id}/enable", h.setDisabled(false))

	// Roles are edited in their form and matrix, not cell by cell.
	roles := rt.Level(levelRoleAdmin)
	h.tableRoutes(roles, h.roles, h.listRoles, true, false)
	roles.Post("/admin/roles/{id}/levels", h.setRoleLevels)
	roles.Post("/admin/roles/{id}/levels/{level}", h.toggleRoleLevel)

	// Access levels are created and deleted, never renamed.
	h.tableRoutes(rt.Level(levelAccessLevelAdmin), h.accessLevels, h.listAccessLevels, false, false)
}

// tableRoutes registers a table's list, create, detail, row and delete;
// update adds saving the detail form, cells its inline editors.
func (h *Handler) tableRoutes(g auth.Routes, t *table, list http.HandlerFunc, update, cells bool) {
	base := t.listURL()
	g.Get(base, list)
	g.Get(base+"/new", h.newForm(t))
	g.Post(base+"/new", h.create(t))
	g.Get(base+"/{id}", h.detail(t))
	if update {
		g.Post(base+"/{id}", h.update(t))
	}
	g.Get(base+"/{id}/row", h.showRow(t))
	if cells {
		g.Get(base+"/{id}/fields/{field}", h.openCell(t))
		g.Post(base+"/{id}/fields/{field}", h.saveCell(t))
	}
	g.Get(base+"/{id}/delete", h.confirmDelete(t))
	g.Post(base+"/{id}/delete", h.deleteRow(t))
}
