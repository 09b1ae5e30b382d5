package organisers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/organisers"
)

// participants is GET /events/{id}/participants/: the list as a page, as
// the old JSON for Accept: application/json, or as CSV with ?format=csv.
func (h *Handler) participants(w http.ResponseWriter, r *http.Request) {
	// One URL answers HTML, JSON and CSV; caches must keep them apart, and
	// none should keep the participants' personal data at all.
	w.Header().Add("Vary", "Accept")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Query().Get("format") == "csv" {
		h.participantsCSV(w, r)
		return
	}
	ev, regs, ok := h.registrations(w, r)
	if !ok {
		return
	}
	if web.WantsJSON(r) {
		web.JSON(w, http.StatusOK, legacyParticipants(regs))
		return
	}
	cols, all, ok := h.rows(w, r, ev, regs)
	if !ok {
		return
	}
	filter := filterOf(r)
	shown := filter.apply(all)
	vm := listView(r, ev, cols, all, shown, filter)
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusOK, view.ParticipantsTable(vm))
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "organisers.participants.title", ev.Name), view.ParticipantsPage(vm))
}

// registrations loads the event of the URL and its registrations; it
// answers the request itself when that fails.
func (h *Handler) registrations(w http.ResponseWriter, r *http.Request) (Event, []Registration, bool) {
	ev, ok := h.event(w, r)
	if !ok {
		return ev, nil, false
	}
	regs, err := h.store.Registrations(r.Context(), ev.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return ev, nil, false
	}
	return ev, regs, true
}

// rows builds the list's columns and rows from the event's schema; it
// answers the request itself when that fails.
func (h *Handler) rows(w http.ResponseWriter, r *http.Request, ev Event, regs []Registration) ([]column, []participant, bool) {
	cols, err := columnsOf(ev.Schema)
	if err != nil {
		h.site.ServerError(w, r, err)
		return nil, nil, false
	}
	return cols, buildList(cols, regs), true
}

func filterOf(r *http.Request) Filter {
	q := r.URL.Query()
	f := Filter{Query: q.Get("q")}
	if st := q.Get("status"); slices.Contains(view.Statuses, st) {
		f.Status = st
	}
	return f
}

// filterQuery is f as a query string, for links keeping the filter.
func filterQuery(f Filter) string {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func listView(r *http.Request, ev Event, cols []column, all, shown []participant, f Filter) view.ParticipantList {
	lang := i18n.LangOf(r.Context())
	base := eventPath(r)
	vm := view.ParticipantList{
		EventName: ev.Name,
		Path:      base + "participants/",
		CSVURL:    base + "participants.csv" + filterQuery(f),
		Filter:    view.ListFilter{Status: f.Status, Query: f.Query},
		All:       len(all),
		Columns:   make([]view.Column, len(cols)),
		Rows:      make([]view.Row, len(shown)),
	}
	user := auth.CurrentUser(r.Context())
	if user.Has(LevelWriteMail) {
		vm.MailURL = base + "write_mail/"
	}
	for i, c := range cols {
		vm.Columns[i] = view.Column{Key: c.Key(), Label: c.Label, Detail: c.Detail, Numeric: c.summable(), Latex: c.Latex}
	}
	for i, p := range shown {
		row := view.Row{
			Number:         p.Number,
			RegistrationID: p.Reg.ID,
			Name:           p.Name,
			Email:          p.Reg.Email,
			Status:         p.Reg.Status,
			Cells:          make([]view.Cell, len(p.Answers)),
		}
		if user.Has(events.LevelRegistrationAdmin) {
			row.AdminURL = "/admin/registrations/" + strconv.FormatInt(p.Reg.ID, 10)
		}
		if p.Reg.ConfirmedAt != nil {
			row.ConfirmedAt = i18n.In(lang, "organisers.confirmed_at", web.LocalTime(*p.Reg.ConfirmedAt))
		}
		for j, a := range p.Answers {
			row.Cells[j] = view.Cell{Text: a.Text, IsBool: a.Kind == answerBool, Checked: a.Bool, Numeric: a.Kind == answerNumber,
				Latex: cols[j].Latex}
		}
		vm.Rows[i] = row
	}
	for _, t := range totals(cols, shown) {
		vm.Totals = append(vm.Totals, view.Total{Shown: t.Shown, Text: t.Text})
	}
	counts := countStatuses(all)
	for _, st := range view.Statuses {
		vm.Counts = append(vm.Counts, view.StatusCount{Status: st, Count: counts[st]})
	}
	confirmed := Filter{Status: events.StatusConfirmed}.apply(all)
	for i, t := range totals(cols, confirmed) {
		if cols[i].summable() {
			vm.ConfirmedSums = append(vm.ConfirmedSums, view.Sum{Label: cols[i].Label, Value: t.Text})
		}
	}
	return vm
}

// legacyEntry is one registration in the old system's JSON: its table row
// with the email filled into the answers.
type legacyEntry struct {
	ID         int64          `json:"id"`
	EventID    int64          `json:"event_id"`
	PersonID   int64          `json:"person_id"`
	StatusName string         `json:"status_name"`
	Data       map[string]any `json:"data"`
	Timestamp  *time.Time     `json:"timestamp"`
}

type legacyList struct {
	StatusName   string        `json:"status_name"`
	Participants []legacyEntry `json:"participants"`
}

// legacyParticipants builds the JSON scripts of the old system read:
// {"status_name": "success", "participants": [...]}. Answers go out as
// stored (numbers as written); an email typed into the form wins over the
// person's, as before.
func legacyParticipants(regs []Registration) legacyList {
	out := legacyList{StatusName: "success", Participants: make([]legacyEntry, len(regs))}
	for i, reg := range regs {
		data := decodeAnswers(reg.Data)
		if _, ok := data["email"]; !ok {
			data["email"] = reg.Email
		}
		var ts *time.Time
		if reg.ConfirmedAt != nil {
			utc := reg.ConfirmedAt.UTC()
			ts = &utc
		}
		out.Participants[i] = legacyEntry{
			ID: reg.ID, EventID: reg.EventID, PersonID: reg.PersonID, StatusName: reg.Status,
			Data: data, Timestamp: ts,
		}
	}
	return out
}
