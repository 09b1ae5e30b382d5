package events

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/components/i18n"
)

// calendarFile is GET /events/{id}/calendar.ics: the event as a calendar
// entry. An event without a start time has none.
func (h *Handler) calendarFile(w http.ResponseWriter, r *http.Request) {
	// Its refusals too are in the language the link names.
	r = r.WithContext(i18n.WithLang(r.Context(), calendarLang(r)))
	ev, err := LoadEvent(r.Context(), h.pool, chi.URLParam(r, "id"))
	switch {
	case errors.Is(err, ErrNotFound):
		h.site.NotFound(w, r)
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	case ev.StartsAt == nil:
		h.site.Error(w, r, http.StatusNotFound, i18n.T(r.Context(), "events.calendar.no_date"))
		return
	}
	body, err := h.svc.Calendar([]*Event{ev}, i18n.LangOf(r.Context()), time.Now())
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	writeCalendar(w, fileSlug(ev.Ref())+".ics", body)
}

// calendarFeed is GET /events.ics: every event open for registration that
// has a start time, for calendars that subscribe.
func (h *Handler) calendarFeed(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	evs, err := openEvents(r.Context(), h.pool, now)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	body, err := h.svc.Calendar(evs, calendarLang(r), now)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	writeCalendar(w, "events.ics", body)
}

// calendarLang is the language a calendar file is asked for in (?lang=en:
// the page that links it names its own, as the calendar app that fetches
// it asks in the app's, or in none), else the request's.
func calendarLang(r *http.Request) i18n.Lang {
	if lang, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return lang
	}
	return i18n.LangOf(r.Context())
}

func writeCalendar(w http.ResponseWriter, filename string, body []byte) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": filename}))
	_, _ = w.Write(body)
}

// fileSlug keeps a shortlink or id safe in a file name.
func fileSlug(ref string) string {
	b := []byte(ref)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	return "event-" + string(b)
}
