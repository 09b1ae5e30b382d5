package events

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// list is GET /events/.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	user := auth.CurrentUser(r.Context())
	v := events.ListView{ShowClosed: user != nil}
	closed := r.URL.Query().Get("closed")
	// A visitor sees only open events, unless a closed one is to be named.
	evs, err := listEvents(r.Context(), h.pool, !v.ShowClosed && closed == "")
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	lang := i18n.LangOf(r.Context())
	for _, ev := range evs {
		if closed != "" && ev.Ref() == closed && !ev.IsOpen(now) {
			v.ClosedNotice = ev.NameIn(lang)
		}
		card := events.EventCard{
			Name: ev.NameIn(lang), URL: "/events/" + ev.Ref() + "/registration/", When: when(ev, lang), FreePlaces: ev.FreePlaces(),
		}
		if ev.StartsAt != nil {
			card.CalendarURL = calendarPath(ev, lang)
		}
		// Organisers and door staff reach an event's pages from its card.
		id := strconv.FormatInt(ev.ID, 10)
		if user.Has(LevelParticipants) {
			card.ParticipantsURL = "/events/" + id + "/participants/"
		}
		if user.Has(LevelCheckin) {
			card.CheckinURL = "/events/" + id + "/checkin/"
		}
		switch {
		case !ev.IsOpen(now):
			v.Closed = append(v.Closed, card)
		case ev.Full():
			v.Full = append(v.Full, card)
		default:
			v.Open = append(v.Open, card)
		}
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "events.list.title"), events.ListPage(v))
}
