package mailweb

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/mail"
)

// outbox is GET /admin/mail: the whole page, or only the list when the
// filter form asks through htmx.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	f := parseFilter(r.URL.Query())
	entries, total, err := h.listOutbox(r.Context(), f)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	v := view.Outbox{Status: f.Status, Query: f.Query, Total: total, Page: f.Page, Pages: max(1, (total+pageSize-1)/pageSize)}
	for _, e := range entries {
		v.Rows = append(v.Rows, outboxRow(r.Context(), e, f))
	}
	if f.Page > 1 {
		v.PrevURL = f.url(f.Page - 1)
	}
	if f.Page < v.Pages {
		v.NextURL = f.url(f.Page + 1)
	}
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusOK, view.OutboxList(v))
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "mail.admin.title"), view.OutboxPage(v))
}

// parseFilter reads the filter; unknown statuses and bad pages fall back
// to showing everything from the first page.
func parseFilter(q url.Values) outboxFilter {
	f := outboxFilter{Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q")), Page: 1}
	if !slices.Contains(view.Statuses, f.Status) {
		f.Status = ""
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		f.Page = p
	}
	return f
}

func (f outboxFilter) values(page int) url.Values {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// url is the list's address for page of this filter.
func (f outboxFilter) url(page int) string {
	if q := f.values(page).Encode(); q != "" {
		return "/admin/mail?" + q
	}
	return "/admin/mail"
}

func outboxRow(ctx context.Context, e outboxEntry, f outboxFilter) view.OutboxRow {
	row := view.OutboxRow{
		ID:         e.ID,
		Kind:       e.Kind,
		Recipients: mail.DisplayAddresses(slices.Concat(e.To, e.Cc, e.Bcc)),
		Subject:    e.Subject,
		Status:     e.Status,
		Attempts:   e.Attempts,
		LastError:  e.LastError,
		CreatedAt:  web.LocalTime(ctx, e.CreatedAt),
		Query:      f.values(f.Page).Encode(),
	}
	if e.SentAt != nil {
		row.SentAt = web.LocalTime(ctx, *e.SentAt)
	}
	return row
}
