package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/members"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// confirmAnonymise answers GET /admin/persons/{id}/anonymise: what erasing
// a person's data does, and the button.
func (h *Handler) confirmAnonymise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := rowID(r)
	st, err := h.persons.load(ctx, h.pool, id, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := adminui.DeleteView{
		Title: tr(ctx, "admin.persons.anonymise.title", h.persons.rules.title(ctx, id, st)), ListURL: h.persons.listURL(),
		ListTitle: h.persons.listTitle(ctx), What: tr(ctx, "admin.persons.anonymise.what"),
		Action: h.persons.detailURL(id) + "/anonymise", CancelURL: h.persons.detailURL(id),
		Confirm: tr(ctx, "admin.persons.anonymise"),
	}
	if st.anonymised {
		v.Blocked = tr(ctx, "admin.persons.anonymise.already")
	} else if v.Blocked, err = refusal(anonymisable(ctx, h.pool, intID(id))); err != nil {
		h.fail(w, r, err)
		return
	}
	// Places they hold stay taken: whoever will not come should be
	// cancelled first, so the waiting list moves up.
	events, err := members.UpcomingEvents(ctx, h.pool, intID(id))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if events != "" && !st.anonymised {
		v.Consequences = append(v.Consequences, tr(ctx, "admin.persons.anonymise.upcoming", events))
	}
	h.page(w, r, http.StatusOK, v.Title, adminui.ConfirmDelete(v))
}

// anonymise answers POST /admin/persons/{id}/anonymise with the membership
// domain's erasure: the person's row stays for the counts, their personal
// data and its traces in the audit log go.
func (h *Handler) anonymise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := rowID(r)
	key, ok := h.persons.keyArg(id)
	if !ok {
		h.site.NotFound(w, r)
		return
	}
	u := auth.CurrentUser(ctx)
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		if err := anonymisable(ctx, tx, key.(int64)); err != nil {
			return err
		}
		return members.Anonymise(ctx, tx, key.(int64), members.Actor{UserID: &u.ID, Name: u.Username}, h.eventsSvc.Release)
	})
	var pe *problemError
	switch {
	case errors.Is(err, members.ErrAnonymised):
		h.site.Flash(r, "info", tr(ctx, "admin.persons.anonymise.already"))
	case errors.As(err, &pe):
		h.site.Flash(r, "danger", pe.Text)
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		h.site.Flash(r, "success", tr(ctx, "admin.persons.anonymise.done"))
	}
	http.Redirect(w, r, h.persons.detailURL(id), http.StatusSeeOther)
}

// anonymisable refuses to anonymise the editor's own person and a
// person whose accounts hold levels the editor lacks (personWithin).
func anonymisable(ctx context.Context, q querier, personID int64) error {
	if err := notSelf(ctx, q, personID); err != nil {
		return err
	}
	return personWithin(ctx, q, personID)
}

// notSelf refuses to anonymise the person whose account is the editor's
// own: the erasure disables it, and an admin who did so locked the only
// admin out, as /admin/users refuses for one's own account.
func notSelf(ctx context.Context, q querier, personID int64) error {
	var own bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE person_id = $1 AND id = $2)`,
		personID, auth.CurrentUser(ctx).ID).Scan(&own)
	if err != nil {
		return fmt.Errorf("admin: own person: %w", err)
	}
	if own {
		return &problemError{Text: tr(ctx, "admin.persons.anonymise.self")}
	}
	return nil
}
