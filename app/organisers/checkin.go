package organisers

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/organisers"
)

// checkinEvent is HX-Trigger's event after every check-in or undo: the
// counters and the search results of the page reload on it.
const checkinEvent = "checkin-changed"

// searchLimit is how many people the door's search shows.
const searchLimit = 20

// maxSearch bounds the search text, in characters.
const maxSearch = 200

// checkinPage is GET /events/{id}/checkin/: the door's page. Without
// JavaScript the search form comes back here with q.
func (h *Handler) checkinPage(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !validText(q) {
		h.site.Error(w, r, http.StatusUnprocessableEntity, i18n.T(r.Context(), "organisers.checkin.bad_search"))
		return
	}
	h.renderCheckinPage(w, r, ev, q, nil)
}

func (h *Handler) renderCheckinPage(w http.ResponseWriter, r *http.Request, ev *events.Event, q string, result *view.CheckinResult) {
	v, err := h.checkinView(r, ev, q)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	v.Result = result
	// The camera scanner needs the camera, which every other page is
	// refused.
	w.Header().Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "organisers.checkin.title", ev.Name), view.CheckinPageView(v))
}

func (h *Handler) checkinView(r *http.Request, ev *events.Event, q string) (view.CheckinPage, error) {
	base := eventPath(r) + "checkin/"
	v := view.CheckinPage{
		EventName: ev.Name, Path: base, UndoURL: base + "undo", SearchURL: base + "search", CountsURL: base + "counts",
	}
	if auth.CurrentUser(r.Context()).Has(LevelParticipants) {
		v.ParticipantsURL = eventPath(r) + "participants/"
	}
	counts, err := h.checkinCounts(r, ev)
	if err != nil {
		return v, err
	}
	v.Counts = counts
	search, err := h.search(r, ev, q)
	if err != nil {
		return v, err
	}
	v.Search = search
	return v, nil
}

// checkin is POST /events/{id}/checkin/ with code: check the person in.
// htmx gets the result as a fragment, Accept: application/json the JSON,
// a plain form post the page with the result on top.
func (h *Handler) checkin(w http.ResponseWriter, r *http.Request) {
	h.checkinAction(w, r, events.CheckIn)
}

// checkinUndo is POST /events/{id}/checkin/undo with code: take a
// check-in back after a mis-tap. It is recorded in the audit log.
func (h *Handler) checkinUndo(w http.ResponseWriter, r *http.Request) {
	h.checkinAction(w, r, events.UndoCheckIn)
}

type checkinFunc func(ctx context.Context, tx pgx.Tx, eventID int64, code string, door events.Door) (events.Checkin, error)

func (h *Handler) checkinAction(w http.ResponseWriter, r *http.Request, act checkinFunc) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	code := r.PostForm.Get("code")
	if strings.TrimSpace(code) == "" || utf8.RuneCountInString(code) > 64 || !utf8.ValidString(code) {
		h.badCode(w, r, ev, strings.TrimSpace(code) == "")
		return
	}
	user := auth.CurrentUser(r.Context())
	var out events.Checkin
	err := pgx.BeginFunc(r.Context(), h.pool, func(tx pgx.Tx) error {
		var err error
		out, err = act(r.Context(), tx, ev.ID, code, events.Door{UserID: user.ID, Name: user.Username})
		return err
	})
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if web.WantsJSON(r) {
		web.JSON(w, http.StatusOK, checkinJSON(out))
		return
	}
	result := h.resultView(r, ev, code, out)
	w.Header().Set("Cache-Control", "no-store")
	if web.IsFragment(r) {
		if out.Status == events.CheckedIn || out.Status == events.Undone {
			web.AddTrigger(w, checkinEvent, nil)
		}
		h.site.RenderFragment(w, r, http.StatusOK, view.CheckinResultFragment(result))
		return
	}
	q := strings.TrimSpace(r.PostForm.Get("q"))
	if !validText(q) {
		q = ""
	}
	h.renderCheckinPage(w, r, ev, q, &result)
}

// badCode answers a form without a code (empty), or with more than a code
// can be, which the door reads as an unknown code.
func (h *Handler) badCode(w http.ResponseWriter, r *http.Request, ev *events.Event, empty bool) {
	if web.WantsJSON(r) {
		web.JSON(w, http.StatusUnprocessableEntity, map[string]string{"status": events.UnknownCode})
		return
	}
	result := view.CheckinResult{Status: "invalid"}
	if !empty {
		result.Status = events.UnknownCode
	}
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusUnprocessableEntity, view.CheckinResultFragment(result))
		return
	}
	v, err := h.checkinView(r, ev, "")
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	v.Result = &result
	h.site.Render(w, r, http.StatusUnprocessableEntity, i18n.T(r.Context(), "organisers.checkin.title", ev.Name), view.CheckinPageView(v))
}

// checkinAnswer is the JSON answer of a check-in; name and time are left
// out for an unknown code.
type checkinAnswer struct {
	Status      string     `json:"status"`
	Name        string     `json:"name,omitempty"`
	CheckedInAt *time.Time `json:"checked_in_at,omitempty"`
	CheckedInBy string     `json:"checked_in_by,omitempty"`
}

func checkinJSON(out events.Checkin) checkinAnswer {
	a := checkinAnswer{Status: out.Status}
	if reg := out.Registration; reg != nil {
		a.Name = reg.Name
		if reg.CheckedInAt != nil {
			at := reg.CheckedInAt.UTC()
			a.CheckedInAt = &at
			a.CheckedInBy = out.By
		}
	}
	return a
}

// resultView shapes the answer to a code for the door.
func (h *Handler) resultView(r *http.Request, ev *events.Event, code string, out events.Checkin) view.CheckinResult {
	v := view.CheckinResult{Status: out.Status, Code: strings.TrimSpace(code), OtherEvent: out.OtherEvent}
	reg := out.Registration
	if reg == nil {
		return v
	}
	v.Name, v.RegStatus, v.By = reg.Name, reg.Status, out.By
	if reg.CheckedInAt != nil {
		v.At = clockTime(r.Context(), *reg.CheckedInAt, time.Now())
		v.UndoURL = eventPath(r) + "checkin/undo"
	}
	if reg.CheckinCode != nil {
		v.Code = events.FormatCode(*reg.CheckinCode)
	}
	if reg.Status == events.StatusConfirmed {
		v.Answers = relevantAnswers(i18n.LangOf(r.Context()), ev, *reg)
	}
	return v
}

// clockTime shows a time of today as 18:42, of another day with its date.
func clockTime(ctx context.Context, t, now time.Time) string {
	t, now = t.In(web.Berlin), now.In(web.Berlin)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04")
	}
	return web.LocalTime(ctx, t)
}

// relevantAnswers are the answers the event's checkin_answers name, in
// that order, as the participant list shows them; empty ones are left
// out. A schema that no longer parses shows none.
func relevantAnswers(lang i18n.Lang, ev *events.Event, reg events.Registration) []view.CheckinAnswer {
	keys := checkinKeys(ev)
	if len(keys) == 0 {
		return nil
	}
	cols, err := columnsOf(ev.RegistrationSchema)
	if err != nil {
		return nil
	}
	p := buildList(cols, []events.Registration{reg})[0]
	var out []view.CheckinAnswer
	for _, key := range keys {
		j := slices.IndexFunc(cols, func(c column) bool { return c.Key() == key })
		if j < 0 {
			continue
		}
		a := p.Answers[j]
		switch a.Kind {
		case answerEmpty:
			continue
		case answerBool:
			out = append(out, view.CheckinAnswer{Label: cols[j].Label, Value: i18n.In(lang, yesNo(a.Bool))})
		default:
			out = append(out, view.CheckinAnswer{Label: cols[j].Label, Value: cols[j].text(lang, a)})
		}
	}
	return out
}

func checkinKeys(ev *events.Event) []string {
	var keys []string
	for k := range strings.SplitSeq(ev.CheckinAnswers, ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// validText refuses what no person types: invalid UTF-8, control
// characters such as NUL, more than maxSearch characters.
func validText(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxSearch {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
