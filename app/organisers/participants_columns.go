package organisers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// columnSet is an event's answer columns and which of them the user sees,
// on the page and in the CSV alike.
type columnSet struct {
	all []column
	// shown are indexes into all, in schema order.
	shown []int
}

func (c columnSet) isShown(i int) bool { return slices.Contains(c.shown, i) }

// columns reads the event's answer columns and leaves out those the user
// hid. Each organiser chooses for themselves (see the migration of
// organiser_columns).
func (h *Handler) columns(r *http.Request, ev *events.Event) (columnSet, error) {
	all, err := h.allColumns(r.Context(), ev)
	if err != nil {
		return columnSet{}, err
	}
	hidden, err := h.store.HiddenColumns(r.Context(), auth.CurrentUser(r.Context()).ID, ev.ID)
	if err != nil {
		return columnSet{}, err
	}
	set := columnSet{all: all}
	for i, c := range all {
		if !slices.Contains(hidden, c.Key()) {
			set.shown = append(set.shown, i)
		}
	}
	return set, nil
}

// allColumns are the current form's columns and then its former fields.
func (h *Handler) allColumns(ctx context.Context, ev *events.Event) ([]column, error) {
	all, err := columnsOf(ev.RegistrationSchema)
	if err != nil {
		return nil, err
	}
	former, err := h.formerColumns(ctx, ev.ID, all)
	if err != nil {
		return nil, err
	}
	return append(all, former...), nil
}

// saveColumns is POST /events/{id}/participants/columns: the user's
// choice of answer columns, exactly the ticked ones shown. It leads back to
// the list with the filter the form carried.
func (h *Handler) saveColumns(w http.ResponseWriter, r *http.Request) {
	ev, ok := h.event(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	all, err := h.allColumns(ctx, ev)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	// The form names the columns it offered: a question added to the
	// form since the page was loaded keeps its state instead of counting
	// as unticked.
	before, err := h.store.HiddenColumns(ctx, auth.CurrentUser(ctx).ID, ev.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	offered, ticked := r.PostForm["offered"], r.PostForm["column"]
	var hidden []string
	for _, c := range all {
		key := c.Key()
		if slices.Contains(offered, key) && !slices.Contains(ticked, key) ||
			!slices.Contains(offered, key) && slices.Contains(before, key) {
			hidden = append(hidden, key)
		}
	}
	if err := h.store.SaveHiddenColumns(ctx, auth.CurrentUser(ctx).ID, ev.ID, hidden); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "organisers.columns.saved", len(all)-len(hidden), len(all)))
	web.Redirect(w, r, eventPath(r)+"participants/"+filterQuery(filterOf(r.PostForm)))
}

// HiddenColumns returns the keys of the answer columns user hid for the
// event; none when they never chose.
func (s *Store) HiddenColumns(ctx context.Context, userID, eventID int64) ([]string, error) {
	const q = `SELECT hidden FROM organiser_columns WHERE user_id = $1 AND event_id = $2`
	var hidden []string
	err := s.pool.QueryRow(ctx, q, userID, eventID).Scan(&hidden)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("organisers: hidden columns: %w", err)
	}
	return hidden, nil
}

// SaveHiddenColumns replaces the columns user hides for the event.
func (s *Store) SaveHiddenColumns(ctx context.Context, userID, eventID int64, hidden []string) error {
	const q = `
		INSERT INTO organiser_columns (user_id, event_id, hidden) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, event_id) DO UPDATE SET hidden = EXCLUDED.hidden, updated_at = now()`
	if hidden == nil {
		hidden = []string{}
	}
	if _, err := s.pool.Exec(ctx, q, userID, eventID, hidden); err != nil {
		return fmt.Errorf("organisers: save hidden columns: %w", err)
	}
	return nil
}
