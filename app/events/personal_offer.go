package events

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// answerOffer takes or declines the place offered to the person of the
// link. Twice, or after the offer ended, it changes nothing and says so.
func (h *Handler) answerOffer(w http.ResponseWriter, r *http.Request, take bool) {
	address := i18n.Du
	err := pgx.BeginFunc(r.Context(), h.pool, func(tx pgx.Tx) error {
		reg, ev, err := h.byToken(r.Context(), tx, chi.URLParam(r, "token"))
		if err != nil {
			return err
		}
		address = ev.Address()
		if take {
			_, err = h.svc.TakeOffer(r.Context(), tx, reg.ID, time.Now())
		} else {
			_, err = h.svc.DeclineOffer(r.Context(), tx, reg.ID, time.Now())
		}
		return err
	})
	r = r.WithContext(i18n.WithFormality(r.Context(), address))
	ctx := r.Context()
	switch {
	case errors.Is(err, ErrNoOffer):
		h.site.Flash(r, "warning", i18n.T(ctx, "events.offer.gone"))
	case errors.Is(err, ErrOfferLapsed):
		h.site.Flash(r, "warning", i18n.T(ctx, "events.offer.lapsed"))
	case errors.Is(err, ErrEventFull):
		h.site.Flash(r, "warning", i18n.T(ctx, "events.offer.full"))
	case err != nil:
		h.linkError(w, r, err)
		return
	case take:
		h.site.Flash(r, "success", i18n.T(ctx, "events.personal.confirmed"))
	default:
		h.site.Flash(r, "info", i18n.T(ctx, "events.offer.declined"))
	}
	web.Redirect(w, r, r.URL.Path)
}
