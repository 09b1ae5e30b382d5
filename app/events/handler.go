// Package events is event registration: the events list, registration
// forms built from each event's schema, the participant's personal page
// (confirm, edit, cancel), capacity with a waiting list that moves up, and
// the events' public JSON.
package events

import (
	"context"
	"html"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/ratelimit"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
	"github.com/pepalumni/memberdb/components/ui"
)

// Handler serves the public events pages.
type Handler struct {
	svc  *Service
	pool *pgxpool.Pool
	site *web.Site
	cfg  *config.Config

	// Per client address: registrations and resend requests. Per typed-in
	// address: mails about an existing registration, so nobody can flood a
	// stranger's inbox through the forms.
	registerByIP   *ratelimit.Limiter
	resendByIP     *ratelimit.Limiter
	mailsByAddress *ratelimit.Limiter

	// Website is the association's website as set in the browser, which
	// may read the event JSON while CORS_ORIGINS is not set; nil: none.
	Website func(ctx context.Context) string
}

// NewHandler builds the handler; its mails are entered in book.
func NewHandler(cfg *config.Config, pool *pgxpool.Pool, site *web.Site, book *mail.Book) *Handler {
	return &Handler{
		svc:            NewService(cfg, book),
		pool:           pool,
		site:           site,
		cfg:            cfg,
		registerByIP:   site.Limits.Limiter("events.register-by-client", 30, 10*time.Minute),
		resendByIP:     site.Limits.Limiter("events.resend-by-client", 10, 10*time.Minute),
		mailsByAddress: site.Limits.Limiter("events.mails-by-address", 3, time.Hour),
	}
}

// clientKey is what the per-client limits count: the client's address,
// or for IPv6 its /64 network, which one client can pick addresses from.
func (h *Handler) clientKey(r *http.Request) string {
	return ratelimit.ClientKey(web.ClientIP(r, h.cfg.TrustedProxies))
}

// tooMany answers 429. htmx does not swap error responses, so a form sent
// through htmx learns it from a toast.
func (h *Handler) tooMany(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	if web.IsFragment(r) {
		web.SetToasts(w, layout.Flash{Kind: "warning", Text: i18n.T(r.Context(), "error.429.text")})
	}
	h.site.TooManyRequests(w, r, retry)
}

// addressing makes the texts of r's answer address the reader as ev
// does (du or Sie): pages, messages and buttons speak like its mails.
func addressing(r *http.Request, ev *Event) *http.Request {
	return r.WithContext(i18n.WithFormality(r.Context(), ev.Address()))
}

// eventHeader shapes what the pages show about ev to a reader of lang.
func eventHeader(ev *Event, lang i18n.Lang, preview bool) events.EventHeader {
	return events.EventHeader{
		Name:        ev.NameIn(lang),
		When:        when(ev, lang),
		Location:    ev.LocationIn(lang),
		Description: schema.Sanitize(ev.DescriptionIn(lang)),
		Footer:      schema.Sanitize(ev.FooterIn(lang)),
		FreePlaces:  ev.FreePlaces(),
		Full:        ev.Full(),
		Begun:       ev.Begun(time.Now()),
		Preview:     preview,
	}
}

// personFields are the name and email fields every registration form
// starts with; a value refused for its length comes back cut to it.
func (h *Handler) personFields(r *http.Request, ev *Event, values map[string]string, errs schema.Errors) []events.Field {
	emailLabel := i18n.T(r.Context(), "events.form.email")
	help := ""
	// The organiser's message says beforehand which addresses are
	// welcome; once it is the field's error it is not said twice.
	if msg := ev.AllowedMessage(i18n.LangOf(r.Context())); ev.Restricted() && errs["email"] != msg {
		help = html.EscapeString(msg)
	}
	return []events.Field{
		{Path: "name", ID: "f-name", Label: html.EscapeString(i18n.T(r.Context(), "events.form.name")), Widget: "text",
			Required: true, MaxLength: strconv.Itoa(ui.MaxNameLength), Autocomplete: "name", Value: ui.Kept(values["name"], ui.MaxNameLength), Error: errs["name"]},
		{Path: "email", ID: "f-email", Label: html.EscapeString(emailLabel), Widget: "email",
			Required: true, MaxLength: strconv.Itoa(ui.MaxEmailLength), Autocomplete: "email", Value: ui.Kept(values["email"], ui.MaxEmailLength), Error: errs["email"], Help: help},
	}
}

// checkPerson validates name and email of the registration form.
func (h *Handler) checkPerson(r *http.Request, ev *Event, name, email string, errs schema.Errors) {
	ctx := r.Context()
	switch {
	case name == "":
		errs["name"] = i18n.T(ctx, "events.field.required")
	case utf8.RuneCountInString(name) > ui.MaxNameLength:
		errs["name"] = i18n.N(ctx, "events.field.maxlength", ui.MaxNameLength)
	}
	switch {
	case email == "":
		errs["email"] = i18n.T(ctx, "events.field.required")
	case utf8.RuneCountInString(email) > ui.MaxEmailLength:
		errs["email"] = i18n.N(ctx, "events.field.maxlength", ui.MaxEmailLength)
	case !mail.ValidAddress(email):
		errs["email"] = i18n.T(ctx, "events.field.email")
	case !ev.AddressAllowed(email):
		errs["email"] = ev.AllowedMessage(i18n.LangOf(ctx))
	}
}
