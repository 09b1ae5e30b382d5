package admin

import "github.com/pepalumni/memberdb/app/auth"

// Access levels of the console's tables: one per table as in the old
// system, plus the audit log's.
const (
	levelEventAdmin        = "event_admin"
	levelRegistrationAdmin = "event_registration_admin"
	levelUserAdmin         = "user_admin"
	levelAccessLevelAdmin  = "access_level_admin"
)

// Routes registers every URL of the console with its access level. Each
// table has the same shape: list, create, detail (its form), the row and
// its inline editors, delete.
func (h *Handler) Routes(rt *auth.Router) {
	// Anyone logged in sees the tables they may open (maybe none).
	rt.Public().Get("/admin/", h.index)
	rt.Level(levelAudit).Get("/admin/audit", h.auditLog)

	persons := rt.Level(levelPersonAdmin)
	persons.Get("/admin/persons", h.listPersons)
	persons.Get("/admin/persons/new", h.newForm(h.persons))
	persons.Post("/admin/persons/new", h.create(h.persons))
	persons.Get("/admin/persons/{id}", h.detail(h.persons))
	persons.Post("/admin/persons/{id}", h.update(h.persons))
	persons.Get("/admin/persons/{id}/row", h.showRow(h.persons))
	persons.Get("/admin/persons/{id}/fields/{field}", h.openCell(h.persons))
	persons.Post("/admin/persons/{id}/fields/{field}", h.saveCell(h.persons))
	persons.Get("/admin/persons/{id}/delete", h.confirmDelete(h.persons))
	persons.Post("/admin/persons/{id}/delete", h.deleteRow(h.persons))
	persons.Get("/admin/persons/{id}/anonymise", h.confirmAnonymise)
	persons.Post("/admin/persons/{id}/anonymise", h.anonymise)

	// University relations (tu_status) belong to the persons' admins.
	persons.Get("/admin/tu_status", h.listTUStatus)
	persons.Get("/admin/tu_status/new", h.newForm(h.tuStatus))
	persons.Post("/admin/tu_status/new", h.create(h.tuStatus))
	persons.Get("/admin/tu_status/{id}", h.detail(h.tuStatus))
	persons.Post("/admin/tu_status/{id}", h.update(h.tuStatus))
	persons.Get("/admin/tu_status/{id}/row", h.showRow(h.tuStatus))
	persons.Get("/admin/tu_status/{id}/fields/{field}", h.openCell(h.tuStatus))
	persons.Post("/admin/tu_status/{id}/fields/{field}", h.saveCell(h.tuStatus))
	persons.Get("/admin/tu_status/{id}/delete", h.confirmDelete(h.tuStatus))
	persons.Post("/admin/tu_status/{id}/delete", h.deleteRow(h.tuStatus))

	events := rt.Level(levelEventAdmin)
	events.Get("/admin/events", h.listEvents)
	events.Get("/admin/events/new", h.newForm(h.events))
	events.Post("/admin/events/new", h.create(h.events))
	events.Post("/admin/events/preview/{field}", h.previewField)
	events.Get("/admin/events/{id}", h.detail(h.events))
	events.Post("/admin/events/{id}", h.update(h.events))
	events.Get("/admin/events/{id}/row", h.showRow(h.events))
	events.Get("/admin/events/{id}/fields/{field}", h.openCell(h.events))
	events.Post("/admin/events/{id}/fields/{field}", h.saveCell(h.events))
	events.Post("/admin/events/{id}/duplicate", h.duplicateEvent)
	events.Get("/admin/events/{id}/delete", h.confirmDelete(h.events))
	events.Post("/admin/events/{id}/delete", h.deleteRow(h.events))

	regs := rt.Level(levelRegistrationAdmin)
	regs.Get("/admin/registrations", h.listRegistrations)
	regs.Get("/admin/registrations/new", h.newForm(h.registrations))
	regs.Post("/admin/registrations/new", h.create(h.registrations))
	regs.Get("/admin/registrations/{id}", h.detail(h.registrations))
	regs.Post("/admin/registrations/{id}", h.update(h.registrations))
	regs.Get("/admin/registrations/{id}/row", h.showRow(h.registrations))
	regs.Get("/admin/registrations/{id}/fields/{field}", h.openCell(h.registrations))
	regs.Post("/admin/registrations/{id}/fields/{field}", h.saveCell(h.registrations))
	regs.Get("/admin/registrations/{id}/delete", h.confirmDelete(h.registrations))
	regs.Post("/admin/registrations/{id}/delete", h.deleteRow(h.registrations))

	users := rt.Level(levelUserAdmin)
	users.Get("/admin/users", h.listUsers)
	users.Get("/admin/users/new", h.newForm(h.users))
	users.Post("/admin/users/new", h.create(h.users))
	users.Get("/admin/users/{id}", h.detail(h.users))
	users.Post("/admin/users/{id}", h.update(h.users))
	users.Get("/admin/users/{id}/row", h.showRow(h.users))
	users.Get("/admin/users/{id}/fields/{field}", h.openCell(h.users))
	users.Post("/admin/users/{id}/fields/{field}", h.saveCell(h.users))
	users.Post("/admin/users/{id}/roles", h.setUserRoles)
	users.Post("/admin/users/{id}/roles/{role}", h.toggleUserRole)
	users.Post("/admin/users/{id}/password", h.setPassword)
	users.Post("/admin/users/{id}/disable", h.setDisabled(true))
	users.Post("/admin/users/{id}/enable", h.setDisabled(false))
	users.Get("/admin/users/{id}/delete", h.confirmDelete(h.users))
	users.Post("/admin/users/{id}/delete", h.deleteRow(h.users))

	roles := rt.Level(levelRoleAdmin)
	roles.Get("/admin/roles", h.listRoles)
	roles.Get("/admin/roles/new", h.newForm(h.roles))
	roles.Post("/admin/roles/new", h.create(h.roles))
	roles.Get("/admin/roles/{id}", h.detail(h.roles))
	roles.Post("/admin/roles/{id}", h.update(h.roles))
	roles.Get("/admin/roles/{id}/row", h.showRow(h.roles))
	roles.Post("/admin/roles/{id}/levels", h.setRoleLevels)
	roles.Post("/admin/roles/{id}/levels/{level}", h.toggleRoleLevel)
	roles.Get("/admin/roles/{id}/delete", h.confirmDelete(h.roles))
	roles.Post("/admin/roles/{id}/delete", h.deleteRow(h.roles))

	levels := rt.Level(levelAccessLevelAdmin)
	levels.Get("/admin/access_levels", h.listAccessLevels)
	levels.Get("/admin/access_levels/new", h.newForm(h.accessLevels))
	levels.Post("/admin/access_levels/new", h.create(h.accessLevels))
	levels.Get("/admin/access_levels/{id}", h.detail(h.accessLevels))
	levels.Get("/admin/access_levels/{id}/row", h.showRow(h.accessLevels))
	levels.Get("/admin/access_levels/{id}/delete", h.confirmDelete(h.accessLevels))
	levels.Post("/admin/access_levels/{id}/delete", h.deleteRow(h.accessLevels))
}
