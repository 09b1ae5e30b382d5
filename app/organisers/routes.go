package organisers

import "github.com/pepalumni/memberdb/app/auth"

// Access levels of the organiser pages.
const (
	LevelParticipants = "get_participants"
	LevelWriteMail    = "write_email"
	// levelRegistrationAdmin is the admin console's level for
	// registrations; the list links there only for users who have it.
	levelRegistrationAdmin = "event_registration_admin"
)

// Routes registers every organiser URL with its access level. {id} is an
// event's id or its shortlink.
func (h *Handler) Routes(rt *auth.Router) {
	participants := rt.Level(LevelParticipants)
	participants.Get("/events/{id}/participants/", h.participants)
	participants.Get("/events/{id}/participants.csv", h.participantsCSV)

	write := rt.Level(LevelWriteMail)
	write.Get("/events/{id}/write_mail/", h.writeMailForm)
	write.Post("/events/{id}/write_mail/", h.writeMailSubmit)
	write.Get("/events/{id}/write_mail/{draft}/", h.mailPreview)
	write.Post("/events/{id}/write_mail/{draft}/send", h.mailSend)
}
