package events

import (
	"net/http"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/web"
)

// Access levels of registrations.
const (
	// LevelViewRegistration lets a user see the registration page of a
	// closed event (a preview).
	LevelViewRegistration auth.Level = "view_registration"
	// LevelRegistrationAdmin edits any registration in the admin console,
	// which registers its routes; the organisers' participant list links
	// there for users who hold it.
	LevelRegistrationAdmin auth.Level = "event_registration_admin"
	// LevelParticipants and LevelCheckin open an event's participants
	// list and its door page, which the organisers package serves; the
	// events list links there for users who hold them.
	LevelParticipants auth.Level = "get_participants"
	LevelCheckin      auth.Level = "event_checkin"
)

func init() {
	auth.Describe("events", LevelViewRegistration, LevelRegistrationAdmin)
}

// Routes adds the events pages. All are public; the preview of closed
// events checks view_registration inside the handler, so it is declared
// here. /events/{id}/participants/ and /write_mail/ belong to the
// organisers package.
func (h *Handler) Routes(rt *auth.Router, reg *auth.Registry) {
	reg.Declare(LevelViewRegistration)
	pub := rt.Public()
	pub.Get("/events", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/events/", http.StatusMovedPermanently)
	})
	// The pages a registration rush loads most are cached for anonymous
	// visitors for a moment (web.PageCache).
	cached := h.site.Pages.Handler
	pub.Get("/events/", cached(h.list))
	pub.Get("/events/resend_emails/", h.resendPage)
	pub.Post("/events/resend_emails/", h.resend)
	// A mail client that wraps a long link may cut its last slash.
	pub.Get("/events/registration/{token}", web.AddSlash)
	pub.Get("/events/registration/{token}/", h.personalPage)
	pub.Post("/events/registration/{token}/", h.personalAction)
	// {id} is an event's id or its shortlink.
	pub.Get("/events/{id}/registration", web.AddSlash)
	pub.Get("/events/{id}/registration/", cached(h.registrationPage))
	pub.Post("/events/{id}/registration/", h.register)
	pub.Get("/events/{id}/", cached(h.eventJSON))
	pub.Get("/events/{id}/calendar.ics", h.calendarFile)
	pub.Get("/events.ics", h.calendarFeed)
}
