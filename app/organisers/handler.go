// Package organisers gives the people running an event its participant
// list (page, JSON, CSV) and a way to write to the participants.
package organisers

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
)

//go:embed mailtexts/*.txt
var mailFiles embed.FS

// Handler serves the organiser pages.
type Handler struct {
	pool  *pgxpool.Pool
	store *Store
	site  *web.Site
	texts *mail.Texts
}

// NewHandler builds the handler; its mails to participants are entered
// in book.
func NewHandler(pool *pgxpool.Pool, site *web.Site, book *mail.Book) *Handler {
	sub, err := fs.Sub(mailFiles, "mailtexts")
	if err != nil {
		panic(err)
	}
	return &Handler{pool: pool, store: &Store{pool: pool}, site: site, texts: book.Texts("organisers", sub)}
}

// event loads the event named by the {id} segment (an id or a shortlink);
// it answers 404 itself and reports false when there is none.
func (h *Handler) event(w http.ResponseWriter, r *http.Request) (*events.Event, bool) {
	ev, err := events.LoadEvent(r.Context(), h.pool, chi.URLParam(r, "id"))
	switch {
	case errors.Is(err, events.ErrNotFound):
		h.site.Error(w, r, http.StatusNotFound, "")
		return nil, false
	case err != nil:
		h.site.ServerError(w, r, err)
		return nil, false
	}
	return ev, true
}

// eventPath is the base of an event's organiser URLs, keeping the id or
// shortlink the visitor used.
func eventPath(r *http.Request) string {
	return "/events/" + chi.URLParam(r, "id") + "/"
}
