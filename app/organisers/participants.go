package organisers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	if web.WantsJSON(r) {
		h.participantsJSON(w, r)
		return
	}
	ev, regs, ok := h.registrations(w, r)
	if !ok {
		return
	}
	cols, all, ok := h.rows(w, r, ev, regs)
	if !ok {
		return
	}
	// A place on offer is neither free nor taken: the list says whom it
	// is held for, and until when.
	offers, err := events.OpenOffers(r.Context(), h.pool, ev.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	filter := filterOf(r.URL.Query())
	shown := filter.apply(all)
	vm := listView(r, ev, cols, all, shown, filter, offers)
	if web.IsFragment(r) {
		// The address bar keeps the filter in one spelling, whatever
		// the form sent (its marker for "no status ticked", an empty q).
		w.Header().Set("HX-Push-Url", vm.Path+filterQuery(filter))
		h.site.RenderFragment(w, r, http.StatusOK, view.ParticipantsTable(vm))
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "organisers.participants.title", ev.Name), view.ParticipantsPage(vm))
}

// registrations loads the event of the URL and its registrations; it
// answers the request itself when that fails.
func (h *Handler) registrations(w http.ResponseWriter, r *http.Request) (*events.Event, []events.Registration, bool) {
	ev, ok := h.event(w, r)
	if !ok {
		return ev, nil, false
	}
	regs, err := events.Registrations(r.Context(), h.pool, ev.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return ev, nil, false
	}
	return ev, regs, true
}

// rows builds the list's columns, as the user chose to see them, and its
// rows from the event's schema; it answers the request itself when that
// fails.
func (h *Handler) rows(w http.ResponseWriter, r *http.Request, ev *events.Event, regs []events.Registration) (columnSet, []participant, bool) {
	cols, err := h.columns(r, ev)
	if err != nil {
		h.site.ServerError(w, r, err)
		return columnSet{}, nil, false
	}
	return cols, buildList(cols.all, regs), true
}

// filterOf reads the filter from a query or a posted form. Without any
// status the list shows the confirmed participants; the filter form always
// sends an empty status too, so that ticking none shows none.
func filterOf(v url.Values) Filter {
	f := Filter{Query: strings.TrimSpace(v.Get("q")), NotHere: v.Get("not_here") == "1"}
	f.words = searchWords(f.Query)
	chosen, ok := v["status"]
	if !ok {
		f.Statuses = []string{events.StatusConfirmed}
		return f
	}
	for _, st := range view.Statuses {
		if slices.Contains(chosen, st) {
			f.Statuses = append(f.Statuses, st)
		}
	}
	return f
}

// filterQuery is f as a query string, for links keeping the filter. It
// always names the statuses, so the link means the same should the
// default change.
func filterQuery(f Filter) string {
	v := url.Values{"status": f.Statuses}
	if len(f.Statuses) == 0 {
		v["status"] = []string{""}
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if f.NotHere {
		v.Set("not_here", "1")
	}
	return "?" + v.Encode()
}

// pageSize is how many rows the participants page shows at once: a
// browser (mostly a phone) renders a few hundred rows at ease, not 5,000;
// the CSV and JSON have them all.
const pageSize = 200

// pageOf is page number raw (from 1; anything else is the first, one past
// the end the last) of matched rows: the number, how many pages there
// are, and the rows' range [from, to).
func pageOf(raw string, matched int) (page, pages, from, to int) {
	pages = max(1, (matched+pageSize-1)/pageSize)
	page, err := strconv.Atoi(raw)
	if err != nil || page < 1 {
		page = 1
	}
	page = min(page, pages)
	from = (page - 1) * pageSize
	return page, pages, from, min(from+pageSize, matched)
}

// statusNames lists statuses in words: "bestätigt + Warteliste".
func statusNames(lang i18n.Lang, statuses []string) string {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = i18n.In(lang, "organisers.status."+st)
	}
	return strings.Join(names, " + ")
}

// summedStatuses are the statuses the totals add up: those shown, but
// not the cancelled beside others, who are not coming (catering counts
// guests); cancellations alone are added up when they are all shown.
func summedStatuses(f Filter) []string {
	coming := slices.DeleteFunc(slices.Clone(f.Statuses), func(s string) bool { return s == events.StatusCanceled })
	if len(coming) > 0 {
		return coming
	}
	return f.Statuses
}

// totalsLabel says what the totals row adds up: the rows shown, by the
// statuses summed, whether only those not here yet, and the search.
func totalsLabel(lang i18n.Lang, f Filter) string {
	statuses := summedStatuses(f)
	what := statusNames(lang, statuses)
	if f.NotHere {
		what += ", " + i18n.In(lang, "organisers.participants.totals_not_here")
	} else if len(statuses) < len(f.Statuses) {
		what += ", " + i18n.In(lang, "organisers.participants.totals_without_canceled")
	}
	if f.Query != "" {
		return i18n.In(lang, "organisers.participants.totals_search", what, f.Query)
	}
	return i18n.In(lang, "organisers.participants.totals_of", what)
}

func listView(r *http.Request, ev *events.Event, cols columnSet, all, shown []participant, f Filter, offers map[int64]time.Time) view.ParticipantList {
	lang := i18n.LangOf(r.Context())
	base := eventPath(r)
	vm := view.ParticipantList{
		EventName:   ev.Name,
		Path:        base + "participants/",
		CSVURL:      base + "participants.csv" + filterQuery(f),
		ColumnsURL:  base + "participants/columns",
		Filter:      view.ListFilter{Statuses: f.Statuses, Query: f.Query, NotHere: f.NotHere},
		All:         len(all),
		TotalsLabel: totalsLabel(lang, f),
		Columns:     make([]view.Column, len(cols.shown)),
		Choices:     make([]view.ColumnChoice, len(cols.all)),
	}
	page, pages, from, to := pageOf(r.URL.Query().Get("page"), len(shown))
	vm.Matched, vm.Page, vm.Pages, vm.From, vm.To = len(shown), page, pages, from+1, to
	if page > 1 {
		vm.PrevURL = vm.Path + filterQuery(f) + "&page=" + strconv.Itoa(page-1)
	}
	if page < pages {
		vm.NextURL = vm.Path + filterQuery(f) + "&page=" + strconv.Itoa(page+1)
	}
	vm.Rows = make([]view.Row, to-from)
	user := auth.CurrentUser(r.Context())
	if user.Has(LevelWriteMail) {
		vm.MailURL = base + "write_mail/"
	}
	if user.Has(LevelCheckin) {
		vm.CheckinURL = base + "checkin/"
	}
	for i, c := range cols.all {
		vm.Choices[i] = view.ColumnChoice{Key: c.Key(), Label: c.Label, Detail: c.Detail, Shown: cols.isShown(i)}
	}
	for i, j := range cols.shown {
		c := cols.all[j]
		vm.Columns[i] = view.Column{Key: c.Key(), Label: c.Label, Detail: c.Detail, Numeric: c.summable(), Latex: c.Latex}
	}
	for i, p := range shown[from:to] {
		row := view.Row{
			Number:         p.Number,
			RegistrationID: p.Reg.ID,
			Name:           p.Name,
			Email:          p.Reg.Email,
			Status:         p.Reg.Status,
			Cells:          make([]view.Cell, len(cols.shown)),
		}
		if user.Has(events.LevelRegistrationAdmin) {
			row.AdminURL = "/admin/registrations/" + strconv.FormatInt(p.Reg.ID, 10)
		}
		if p.Reg.CheckedInAt != nil {
			row.CheckedInAt = web.LocalTime(r.Context(), *p.Reg.CheckedInAt)
		}
		if until, ok := offers[p.Reg.ID]; ok && p.Reg.Status == events.StatusWaitinglist {
			row.OfferUntil = web.LocalTime(r.Context(), until)
		}
		if p.Reg.ConfirmedAt != nil {
			row.ConfirmedAt = i18n.In(lang, "organisers.confirmed_at", web.LocalTime(r.Context(), *p.Reg.ConfirmedAt))
		}
		for k, j := range cols.shown {
			a := p.Answers[j]
			text := cols.all[j].text(lang, a)
			row.Cells[k] = view.Cell{Text: text, IsBool: a.Kind == answerBool, Checked: a.Bool, Numeric: a.Kind == answerNumber,
				Latex: cols.all[j].Latex}
		}
		vm.Rows[i] = row
	}
	summed := shown
	if statuses := summedStatuses(f); len(statuses) < len(f.Statuses) {
		summed = slices.DeleteFunc(slices.Clone(shown), func(p participant) bool {
			return !slices.Contains(statuses, p.Reg.Status)
		})
	}
	sums := totals(cols.all, summed)
	for _, j := range cols.shown {
		vm.Totals = append(vm.Totals, view.Total{Shown: sums[j].Shown, Text: i18n.Decimal(lang, sums[j].Text), Mean: i18n.Decimal(lang, sums[j].Mean)})
	}
	counts := countStatuses(all)
	for _, st := range view.Statuses {
		c := view.StatusCount{Status: st, Count: counts[st], Chosen: slices.Contains(f.Statuses, st)}
		if st == events.StatusWaitinglist {
			c.Offered = len(offers)
		}
		vm.Counts = append(vm.Counts, c)
	}
	return vm
}
