package organisers

import (
	"net/http"
	"strings"
	"time"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/organisers"
)

// checkinCountsFragment is GET /events/{id}/checkin/counts: the counters,
// which the page polls so that every phone at the door sees the others'
// check-ins.
func (h *Handler) checkinCountsFragment(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	c, err := h.checkinCounts(r, ev)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.RenderFragment(w, r, http.StatusOK, view.CheckinCountsFragment(c))
}

// checkinCounts counts the checked-in of the confirmed and adds up the
// number answers (guests they bring, say) of those checked in and of all
// the confirmed: a sum of those let in alone read like the guests
// expected.
func (h *Handler) checkinCounts(r *http.Request, ev *events.Event) (view.CheckinCounts, error) {
	c := view.CheckinCounts{URL: eventPath(r) + "checkin/counts"}
	regs, err := events.Registrations(r.Context(), h.pool, ev.ID)
	if err != nil {
		return c, err
	}
	var in, confirmed []events.Registration
	for _, reg := range regs {
		if reg.Status != events.StatusConfirmed {
			continue
		}
		confirmed = append(confirmed, reg)
		if reg.CheckedInAt != nil {
			in = append(in, reg)
		}
	}
	c.Confirmed, c.CheckedIn = len(confirmed), len(in)
	cols, err := columnsOf(ev.RegistrationSchema)
	if err != nil {
		// A schema that no longer parses has no columns to add up; the
		// counts still help the door.
		return c, nil
	}
	sums, of := totals(cols, buildList(cols, in)), totals(cols, buildList(cols, confirmed))
	lang := i18n.LangOf(r.Context())
	// The door adds up whole numbers (guests, places); a sum of heights
	// or of decimals says nothing there.
	for j, col := range cols {
		if col.Type == "integer" && of[j].Shown {
			in := "0"
			if sums[j].Shown {
				in = sums[j].Text
			}
			c.Sums = append(c.Sums, view.CheckinSum{Label: col.Label, In: i18n.Decimal(lang, in), Of: i18n.Decimal(lang, of[j].Text)})
		}
	}
	return c, nil
}

// checkinSearch is GET /events/{id}/checkin/search?q=: people found by
// name or email, for those without their code.
func (h *Handler) checkinSearch(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !validText(q) {
		h.site.Error(w, r, http.StatusUnprocessableEntity, i18n.T(r.Context(), "organisers.checkin.bad_search"))
		return
	}
	s, err := h.search(r, ev, q)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.RenderFragment(w, r, http.StatusOK, view.CheckinSearchResults(s))
}

// search finds people for the door; nobody for an empty query.
func (h *Handler) search(r *http.Request, ev *events.Event, q string) (view.CheckinSearch, error) {
	s := view.CheckinSearch{URL: eventPath(r) + "checkin/search", Path: eventPath(r) + "checkin/", Query: q}
	if q == "" {
		return s, nil
	}
	regs, err := events.SearchAtDoor(r.Context(), h.pool, ev.ID, q, searchLimit+1)
	if err != nil {
		return s, err
	}
	if len(regs) > searchLimit {
		regs, s.TooMany = regs[:searchLimit], true
	}
	for _, reg := range regs {
		hit := view.CheckinHit{Name: reg.Name, Email: reg.Email, Status: reg.Status}
		if reg.CheckinCode != nil && reg.Status == events.StatusConfirmed {
			hit.Code = events.FormatCode(*reg.CheckinCode)
		}
		if reg.CheckedInAt != nil {
			hit.CheckedIn = clockTime(r.Context(), *reg.CheckedInAt, time.Now())
		}
		s.Hits = append(s.Hits, hit)
	}
	return s, nil
}
