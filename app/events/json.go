package events

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/idna"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/web"
)

// eventJSON is the public shape of an event, which the association's
// website reads to show free places.
type eventJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// NameEN and DescriptionEN are the English ones as the organiser
	// wrote them: empty where there are none, and the website shows the
	// German then, as the event's pages do.
	NameEN           string  `json:"name_en"`
	DescriptionEN    string  `json:"description_en"`
	Shortlink        *string `json:"shortlink"`
	MaxParticipants  *int    `json:"max_participants"`
	FreePlaces       *int    `json:"free_places"`
	RegistrationOpen bool    `json:"registration_open"`
	// ForceTUMail stays for the readers of the old API: true whenever
	// only some addresses may register.
	ForceTUMail      bool       `json:"force_tu_mail"`
	AllowedAddresses string     `json:"allowed_addresses"`
	StartsAt         *time.Time `json:"starts_at"`
	EndsAt           *time.Time `json:"ends_at"`
	OpensAt          *time.Time `json:"opens_at"`
	ClosesAt         *time.Time `json:"closes_at"`
	RegistrationURL  string     `json:"registration_url"`
	Location         string     `json:"location"`
	// LocationEN is the English location, empty where there is none, as
	// NameEN.
	LocationEN string `json:"location_en"`
}

// eventJSON is GET /events/{id}/: the event with its free places (null
// when unlimited), readable cross-origin by the configured origins only.
func (h *Handler) eventJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Origin")
	if origin := r.Header.Get("Origin"); origin != "" && h.allowedOrigin(r.Context(), origin) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	ev, err := LoadEvent(r.Context(), h.pool, chi.URLParam(r, "id"))
	if errors.Is(err, ErrNotFound) {
		web.JSON(w, http.StatusNotFound, map[string]string{"status": "not_found"})
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, eventJSON{
		ID: ev.ID, Name: ev.Name, Description: schema.Sanitize(ev.Description),
		NameEN: ev.NameEN, DescriptionEN: schema.Sanitize(ev.DescriptionEN), Shortlink: ev.Shortlink,
		MaxParticipants: ev.MaxParticipants, FreePlaces: ev.FreePlaces(),
		RegistrationOpen: ev.IsOpen(time.Now()), ForceTUMail: ev.Restricted(),
		AllowedAddresses: ev.AllowedAddresses,
		StartsAt:         ev.StartsAt, EndsAt: ev.EndsAt, OpensAt: ev.OpensAt, ClosesAt: ev.ClosesAt,
		RegistrationURL: h.cfg.URL("/events/" + ev.Ref() + "/registration/"),
		Location:        ev.Location,
		LocationEN:      ev.LocationEN,
	})
}

func (h *Handler) allowedOrigin(ctx context.Context, origin string) bool {
	allowed := h.cfg.CORSOrigins
	// Without CORS_ORIGINS the website (as set in the browser, else
	// ORG_WEBSITE) may read: its origin, whatever path it names.
	if !h.cfg.CORSOriginsSet && h.Website != nil {
		allowed = []string{h.Website(ctx)}
	}
	want := webOrigin(origin)
	return want != "" && slices.ContainsFunc(allowed, func(o string) bool { return webOrigin(o) == want })
}

// webOrigin writes the origin of an address as browsers send it: scheme
// and host in lower case, the host in ASCII (a Unicode name as punycode),
// the scheme's default port left out; "" for what has no host. A website
// configured as https://münchen.example:443/verein is read by the origin
// https://xn--mnchen-3ya.example.
func webOrigin(address string) string {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	scheme, host := strings.ToLower(u.Scheme), u.Hostname()
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		host = "[" + ip.String() + "]"
	} else if ip == nil {
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return ""
		}
	}
	if port := u.Port(); port != "" && !(scheme == "https" && port == "443" || scheme == "http" && port == "80") {
		host += ":" + port
	}
	return scheme + "://" + strings.ToLower(host)
}
