package admin

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/fees"
	"github.com/pepalumni/memberdb/app/mail/mailweb"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/site"
	"github.com/pepalumni/memberdb/app/texts"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// indexEntry is one table of the index: who may open it and how its rows
// are counted.
type indexEntry struct {
	name  string
	url   string
	level auth.Level
	count string
	// note counts what is worth a second look (mails waiting or failed):
	// one number per noteKeys, each shown when it is not 0.
	note     string
	noteKeys []string
}

var indexEntries = []indexEntry{
	{name: "persons", url: "/admin/persons", level: members.LevelPersonAdmin, count: `SELECT count(*) FROM persons`},
	{name: "events", url: "/admin/events", level: levelEventAdmin, count: `SELECT count(*) FROM events`},
	{name: "registrations", url: "/admin/registrations", level: events.LevelRegistrationAdmin, count: `SELECT count(*) FROM registrations`},
	{name: "users", url: "/admin/users", level: levelUserAdmin, count: `SELECT count(*) FROM users`},
	{name: "roles", url: "/admin/roles", level: levelRoleAdmin, count: `SELECT count(*) FROM roles`},
	{name: "access_levels", url: "/admin/access_levels", level: levelAccessLevelAdmin, count: `SELECT count(*) FROM access_levels`},
	{name: "tu_status", url: "/admin/tu_status", level: members.LevelPersonAdmin, count: `SELECT count(*) FROM tu_status`},
	{name: "membership-types", url: "/admin/membership-types", level: members.LevelPersonAdmin,
		count: `SELECT count(*) FROM membership_types`},
	{name: "deletion_requests", url: "/admin/deletion_requests", level: members.LevelPersonAdmin,
		count: `SELECT count(*) FROM deletion_requests WHERE done_at IS NULL`},
	// The count is every mail the outbox holds, as its list shows them;
	// the note says how many still wait and how many failed.
	{name: "mail", url: "/admin/mail", level: mailweb.LevelMailAdmin,
		count: `SELECT count(*) FROM mail_outbox`,
		note: `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending')), count(*) FILTER (WHERE status = 'failed')
			FROM mail_outbox`,
		noteKeys: []string{"admin.mail.waiting", "admin.mail.failed"}},
	{name: "audit", url: "/admin/audit", level: levelAudit, count: `SELECT count(*) FROM audit_log`},
	{name: "fees", url: "/admin/fees", level: fees.LevelFeeAdmin, count: `SELECT count(*) FROM fee_runs`},
	// The record of processing is a page, not a table: it has no count.
	{name: "privacy", url: "/admin/privacy", level: members.LevelPersonAdmin},
	{name: "site", url: "/admin/site", level: site.LevelTextsAdmin},
	{name: "texts", url: "/admin/texts", level: texts.LevelTextsAdmin},
}

// index answers GET /admin/: the tables the user may open, with their
// counts. Anyone logged in may see it (the route says so); it lists nothing
// they may not open.
func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := auth.CurrentUser(ctx)
	v := adminui.IndexView{Title: tr(ctx, "admin.title")}
	// The legal pages' warning is for those who may write them: a
	// treasurer or the board could do nothing about it but worry, and
	// whoever may is shown it with the editor's link.
	if h.texts != nil && u.Has(texts.LevelTextsAdmin) {
		missing, err := h.texts.LegalMissing(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, p := range missing {
			v.LegalMissing = append(v.LegalMissing, tr(ctx, "texts."+string(p)+".title"))
		}
	}
	for _, e := range indexEntries {
		if !u.Has(e.level) {
			continue
		}
		entry := adminui.IndexEntry{Name: e.name, Title: tr(ctx, "admin."+e.name+".title"), URL: e.url, Count: -1}
		if e.count == "" {
			v.Entries = append(v.Entries, entry)
			continue
		}
		if err := h.pool.QueryRow(ctx, e.count).Scan(&entry.Count); err != nil {
			h.fail(w, r, fmt.Errorf("admin: count %s: %w", e.name, err))
			return
		}
		if e.note != "" {
			ns := make([]int, len(e.noteKeys))
			dest := make([]any, len(ns))
			for i := range ns {
				dest[i] = &ns[i]
			}
			if err := h.pool.QueryRow(ctx, e.note).Scan(dest...); err != nil {
				h.fail(w, r, fmt.Errorf("admin: count %s: %w", e.name, err))
				return
			}
			var parts []string
			for i, n := range ns {
				if n > 0 {
					parts = append(parts, tr(ctx, e.noteKeys[i], n))
				}
			}
			entry.Note = strings.Join(parts, " · ")
		}
		v.Entries = append(v.Entries, entry)
	}
	switch participants, door := u.Has(events.LevelParticipants), u.Has(events.LevelCheckin); {
	case participants && door:
		v.EventPages = tr(ctx, "admin.index.events.both")
	case participants:
		v.EventPages = tr(ctx, "admin.index.events.participants")
	case door:
		v.EventPages = tr(ctx, "admin.index.events.checkin")
	}
	h.page(w, r, http.StatusOK, v.Title, adminui.Index(v))
}
