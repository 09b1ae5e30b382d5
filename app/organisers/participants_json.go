package organisers

import (
	"bufio"
	"encoding/json"
	"net/http"
	"time"

	"github.com/pepalumni/memberdb/app/events"
)

// legacyEntry is one registration in the old system's JSON: its table row
// with the email filled into the answers.
type legacyEntry struct {
	ID         int64          `json:"id"`
	EventID    int64          `json:"event_id"`
	PersonID   int64          `json:"person_id"`
	StatusName string         `json:"status_name"`
	Data       map[string]any `json:"data"`
	Timestamp  *time.Time     `json:"timestamp"`
	// CheckedInAt is when the person was let in at the door.
	CheckedInAt *time.Time `json:"checked_in_at"`
}

// jsonBuffer is what the participants' JSON holds back before sending:
// an error before it is full still gets an error page.
const jsonBuffer = 32 << 10

// participantsJSON answers GET /events/{id}/participants/ for Accept:
// application/json in the old system's form, {"status_name": "success",
// "participants": [...]}, written as the registrations come from the
// database, so that thousands of them cost the memory of one. Should the
// database fail once the first bytes have gone out, the answer ends early
// and is no valid JSON, so no script mistakes it for the whole list.
func (h *Handler) participantsJSON(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	out := &countingWriter{w: w}
	bw := bufio.NewWriterSize(out, jsonBuffer)
	_, _ = bw.WriteString(`{"status_name":"success","participants":[`)
	first := true
	err := events.EachRegistration(r.Context(), h.pool, ev.ID, func(reg *events.Registration) error {
		b, err := json.Marshal(legacyEntryOf(reg))
		if err != nil {
			return err
		}
		if !first {
			_ = bw.WriteByte(',')
		}
		first = false
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		if out.n == 0 {
			w.Header().Del("Content-Type")
			h.site.ServerError(w, r, err)
			return
		}
		if r.Context().Err() != nil {
			// The client hung up: nothing to answer, nothing to alarm anyone.
			h.site.Logger.InfoContext(r.Context(), "participants JSON: client gone", "event", ev.ID)
			return
		}
		h.site.Logger.ErrorContext(r.Context(), "participants JSON cut short", "event", ev.ID, "err", err)
		return
	}
	_, _ = bw.WriteString(`]}`)
	_ = bw.Flush()
}

// legacyEntryOf is reg as the old system's JSON showed it. Answers go out
// as stored (numbers as written); a name or email typed into the form wins
// over the person's, as before, and a form without one gets the person's,
// so that every entry says who it is.
func legacyEntryOf(reg *events.Registration) legacyEntry {
	data := decodeAnswers(reg.Data)
	if _, ok := data["email"]; !ok {
		data["email"] = reg.Email
	}
	if _, ok := data["name"]; !ok {
		data["name"] = reg.Name
	}
	e := legacyEntry{ID: reg.ID, EventID: reg.EventID, PersonID: reg.PersonID, StatusName: reg.Status, Data: data}
	if reg.ConfirmedAt != nil {
		utc := reg.ConfirmedAt.UTC()
		e.Timestamp = &utc
	}
	if reg.CheckedInAt != nil {
		in := reg.CheckedInAt.UTC()
		e.CheckedInAt = &in
	}
	return e
}

// countingWriter counts what went through to the client.
type countingWriter struct {
	w http.ResponseWriter
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}
