package admin

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/pepalumni/memberdb/app/events"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

var registrationsList = listSpec{
	sorts: map[string]string{
		"id": "r.id", "event": "lower(e.name) COLLATE alphabetical", "person": "lower(p.name) COLLATE alphabetical", "email": "lower(p.email)",
		"status": "r.status", "confirmed_at": "r.confirmed_at", "created_at": "r.created_at",
	},
	defaultSort: "id",
	defaultDir:  "desc",
	filters:     []string{"event", "status"},
}

var registrationsColumns = []column{
	{key: "id", label: "admin.id", sort: "id"},
	{key: "event", label: "admin.registrations.event", sort: "event"},
	{key: "person", label: "admin.registrations.person_name", sort: "person"},
	{key: "email", label: "admin.persons.email", sort: "email"},
	{key: "status", label: "admin.registrations.status", sort: "status"},
	{key: "confirmed_at", label: "admin.registrations.confirmed_at", sort: "confirmed_at"},
	{key: "created_at", label: "admin.created_at", sort: "created_at"},
}

// listRegistrations answers GET /admin/registrations, filtered by event and
// status and searched by the person's name and address.
func (h *Handler) listRegistrations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.registrations
	lq := parseList(r, &registrationsList)
	wh := newWhere()
	if v := lq.Filters["event"]; v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		wh.add("r.event_id = @event", "event", id)
	}
	if v := lq.Filters["status"]; slices.Contains(events.Statuses, v) {
		wh.add("r.status = @status", "status", v)
	}
	searchWords(wh, lq.Q, unaccented)
	from := "registrations r JOIN events e ON e.id = r.event_id JOIN persons p ON p.id = r.person_id"
	total, capped, err := countRows(ctx, h.pool, from, wh, lq.Q != "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lq.clampPage(total)
	list, err := listRows[registrationRow](ctx, h.pool, "registrations", registrationSelect, wh, lq.orderBy("r.id"), lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	evOpts, err := eventOptions(ctx, h.pool)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	statuses, _ := enumOptions(events.StatusKeyPrefix, events.Statuses, true)(ctx, nil)
	v := h.listView(ctx, t, lq, total, registrationsColumns)
	v.Pager.Capped = capped
	v.Filters = []adminui.Filter{
		{Name: "event", Label: tr(ctx, "admin.registrations.event"), Value: lq.Filters["event"],
			Options: append([]adminui.Option{allOption(ctx)}, evOpts[1:]...)},
		{Name: "status", Label: tr(ctx, "admin.registrations.status"), Value: lq.Filters["status"],
			Options: append([]adminui.Option{allOption(ctx)}, statuses...)},
	}
	for _, reg := range list {
		v.Rows = append(v.Rows, registrationTableRow(ctx, t, reg))
	}
	h.renderList(w, r, v)
}
