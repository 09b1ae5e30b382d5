package organisers

import (
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
)

// Access levels of the organiser pages.
const (
	LevelParticipants            = events.LevelParticipants
	LevelWriteMail    auth.Level = "write_email"
	// LevelCheckin lets door staff check participants in; it shows them
	// names, emails and the answers the organisers chose, nothing more.
	LevelCheckin = events.LevelCheckin
)

func init() {
	auth.Describe("events", LevelParticipants, LevelWriteMail, LevelCheckin)
}

// Routes registers every organiser URL with its access level. {id} is an
// event's id or its shortlink.
func (h *Handler) Routes(rt *auth.Router) {
	participants := rt.Level(LevelParticipants)
	participants.Get("/events/{id}/participants/", h.participants)
	participants.Get("/events/{id}/participants.csv", h.participantsCSV)
	participants.Post("/events/{id}/participants/columns", h.saveColumns)

	door := rt.Level(LevelCheckin)
	door.Get("/events/{id}/checkin/", h.checkinPage)
	door.Post("/events/{id}/checkin/", h.checkin)
	door.Post("/events/{id}/checkin/undo", h.checkinUndo)
	door.Get("/events/{id}/checkin/search", h.checkinSearch)
	door.Get("/events/{id}/checkin/counts", h.checkinCountsFragment)

	write := rt.Level(LevelWriteMail)
	write.Get("/events/{id}/write_mail/", h.writeMailForm)
	write.Uploads().Post("/events/{id}/write_mail/", h.writeMailSubmit)
	write.Get("/events/{id}/write_mail/{draft}/", h.mailPreview)
	write.Post("/events/{id}/write_mail/{draft}/send", h.mailSend)
}
