// Package admin is the board's console: every table with search, sorting,
// paging and inline editing, create/detail/delete, the role matrix, the
// event editor with live previews and the audit log. Every change is
// written in one transaction together with its audit entries.
package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/retention"
	"github.com/pepalumni/memberdb/app/texts"
	"github.com/pepalumni/memberdb/app/web"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// Deps are what the console needs.
type Deps struct {
	Pool *pgxpool.Pool
	Site *web.Site
	// Events changes registration statuses by the participants' rules.
	Events *events.Service
	// Config gives the retention periods (the event form's default, the
	// privacy page).
	Config *config.Config
	// Texts tell the index whether the legal pages are written; nil
	// warns of nothing.
	Texts *texts.Store
	// Org is the association as the browser settings name it (mail.Book's
	// Org); nil for the configuration's.
	Org func() mail.Org
	// EndMandate revokes the mandate of a person set to "denied" here, as
	// the board's decision does (fees.Handler.EndMandate); nil revokes
	// nothing.
	EndMandate members.EndMandate
}

// Handler serves /admin/.
type Handler struct {
	pool      *pgxpool.Pool
	site      *web.Site
	eventsSvc *events.Service
	orgOf     func() mail.Org
	cfg       *config.Config
	texts     *texts.Store
	// endMandate is Deps.EndMandate.
	endMandate members.EndMandate
	// retainRegistrations is the default an event's own period replaces.
	retainRegistrations config.Period
	// purge is the privacy page's look ahead (its dry run).
	purge *retention.Purge

	persons  *table
	tuStatus *table
	// membershipTypes are the types persons and applications name.
	membershipTypes *table
	users           *table
	roles           *table
	accessLevels    *table
	events          *table
	registrations   *table
	// relations is whether the association keeps university relations.
	relations relationsSeen
}

// NewHandler builds the console and its table descriptions.
func NewHandler(d Deps) *Handler {
	h := &Handler{pool: d.Pool, site: d.Site, eventsSvc: d.Events, orgOf: d.Org, cfg: d.Config, texts: d.Texts, endMandate: d.EndMandate, retainRegistrations: d.Config.Retain.Registrations,
		purge: retention.New(d.Config, d.Pool, nil)}
	h.persons = h.personsTable()
	h.tuStatus = h.tuStatusTable()
	h.membershipTypes = h.membershipTypesTable()
	h.users = h.usersTable()
	h.roles = h.rolesTable()
	h.accessLevels = h.accessLevelsTable()
	h.events = h.eventsTable()
	h.registrations = h.registrationsTable()
	return h
}

// rowID is the {id} of the URL. chi matches on the escaped path when there
// is one, so names with escaped characters (roles) are unescaped here.
func rowID(r *http.Request) string { return pathParam(r, "id") }

// pathParam is the URL parameter name, unescaped.
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if r.URL.RawPath != "" {
		if un, err := url.PathUnescape(v); err == nil {
			v = un
		}
	}
	return v
}

// renderList answers a list request: the list alone for htmx (search,
// sorting, paging), else the page with its filter form.
func (h *Handler) renderList(w http.ResponseWriter, r *http.Request, v adminui.ListView) {
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, http.StatusOK, adminui.List(v))
		return
	}
	h.site.Render(w, r, http.StatusOK, v.Title, adminui.ListPage(v))
}

// fail answers err: unknown rows 404, everything unexpected 500.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, db.ErrNotFound) {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	h.site.ServerError(w, r, err)
}

// page renders a full page (or its content for htmx).
func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, title string, c templ.Component) {
	h.site.Render(w, r, status, title, c)
}

// escapePath makes a row key usable in a URL path.
func escapePath(id string) string { return url.PathEscape(id) }

// intID is a numeric row key; hooks get ids that load already accepted.
func intID(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

func errNotFound(t *table, id string) error {
	return fmt.Errorf("admin: %s %s: %w", t.name, id, db.ErrNotFound)
}

// tail is opts without its first ("none") choice.
func tail(opts []adminui.Option) []adminui.Option {
	if len(opts) == 0 {
		return nil
	}
	return opts[1:]
}

// org is the association's name and contact address as its pages and
// mails give them: set in the browser, else configured.
func (h *Handler) org() mail.Org {
	if h.orgOf != nil {
		if o := h.orgOf(); o.Email != "" {
			return o
		}
	}
	return mail.ConfiguredOrg(h.cfg)
}
