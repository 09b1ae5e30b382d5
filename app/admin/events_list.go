package admin

import (
	"net/http"

	adminui "github.com/pepalumni/memberdb/components/admin"
)

var eventsList = listSpec{
	sorts: map[string]string{
		"id": "e.id", "name": "lower(e.name) COLLATE alphabetical", "starts_at": "e.starts_at", "open": "e.registration_open",
		"shortlink": "e.shortlink", "max": "e.max_participants",
	},
	defaultSort: "id",
	defaultDir:  "desc",
	filters:     []string{"open", "when"},
}

var eventsColumns = []column{
	{key: "id", label: "admin.id", sort: "id"},
	{key: "name", label: "admin.events.name", sort: "name"},
	{key: "starts_at", label: "admin.events.starts_at", sort: "starts_at"},
	{key: "open", label: "admin.events.registration_open", sort: "open"},
	{key: "shortlink", label: "admin.events.shortlink", sort: "shortlink"},
	{key: "max", label: "admin.events.max_participants", sort: "max"},
	{key: "confirmed", label: "admin.events.count.confirmed"},
	{key: "waiting", label: "admin.events.count.waitinglist"},
}

// listEvents answers GET /admin/events, searchable by name and shortlink,
// filtered by open/closed and upcoming/past.
func (h *Handler) listEvents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := h.events
	lq := parseList(r, &eventsList)
	wh := newWhere()
	switch lq.Filters["open"] {
	case "open":
		wh.add("e.registration_open")
	case "closed":
		wh.add("NOT e.registration_open")
	}
	switch lq.Filters["when"] {
	case "upcoming":
		wh.add("coalesce(e.ends_at, e.starts_at, now()) >= now()")
	case "past":
		wh.add("coalesce(e.ends_at, e.starts_at) < now()")
	}
	if lq.Q != "" {
		wh.match("(e.name ILIKE @like OR e.name_en ILIKE @like OR e.shortlink ILIKE @like)", "like", likePattern(lq.Q))
	}
	total, _, err := countRows(ctx, h.pool, "events e", wh, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lq.clampPage(total)
	list, err := listRows[eventRow](ctx, h.pool, "events", eventSelect, wh, lq.orderBy("e.id"), lq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.listView(ctx, t, lq, total, eventsColumns)
	v.Filters = []adminui.Filter{
		{Name: "open", Label: tr(ctx, "admin.events.registration_open"), Value: lq.Filters["open"], Options: []adminui.Option{
			allOption(ctx), {Value: "open", Label: tr(ctx, "admin.events.filter.open")}, {Value: "closed", Label: tr(ctx, "admin.events.filter.closed")}}},
		{Name: "when", Label: tr(ctx, "admin.events.filter.when"), Value: lq.Filters["when"], Options: []adminui.Option{
			allOption(ctx), {Value: "upcoming", Label: tr(ctx, "admin.events.filter.upcoming")}, {Value: "past", Label: tr(ctx, "admin.events.filter.past")}}},
	}
	for _, e := range list {
		v.Rows = append(v.Rows, eventTableRow(ctx, t, e))
	}
	h.renderList(w, r, v)
}
