package members

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/db"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// errRequestDone: the deletion request was handled already.
var errRequestDone = errors.New("members: deletion request already done")

const deletionRequestSQL = `
	SELECT d.id, p.id, p.name, p.email, coalesce(p.membership_status, ''), d.requested_at,
	       (SELECT count(*) FROM registrations r JOIN events e ON e.id = r.event_id
	        WHERE r.person_id = p.id AND ` + Upcoming + `),
	       EXISTS (SELECT 1 FROM membership_applications a WHERE a.person_id = p.id AND a.created_at > d.requested_at)
	FROM deletion_requests d JOIN persons p ON p.id = d.person_id
	WHERE d.done_at IS NULL AND p.anonymised_at IS NULL`

func scanDeletionRequest(row pgx.CollectableRow) (views.DeletionRequest, error) {
	var (
		d  views.DeletionRequest
		at time.Time
	)
	err := row.Scan(&d.ID, &d.PersonID, &d.Name, &d.Email, &d.MembershipStatus, &at, &d.UpcomingEvents, &d.AppliedSince)
	d.RequestedAt = isoTime(at)
	return d, err
}

// deletionRequests is GET /admin/deletion_requests: open requests, oldest first.
func (h *Handler) deletionRequests(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rows, err := h.pool.Query(ctx, deletionRequestSQL+` ORDER BY d.requested_at, d.id`)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	list, err := pgx.CollectRows(rows, scanDeletionRequest)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.deletions.title"), views.DeletionRequestsPage(list))
}

func openDeletionRequest(ctx context.Context, q querier, id int64) (views.DeletionRequest, error) {
	rows, err := q.Query(ctx, deletionRequestSQL+` AND d.id = $1`, id)
	if err != nil {
		return views.DeletionRequest{}, err
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDeletionRequest)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, errRequestDone
	}
	return d, err
}

// anonymiseForm is GET /admin/deletion_requests/{id}/anonymise: the second
// confirmation.
func (h *Handler) anonymiseForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	d, err := openDeletionRequest(ctx, h.pool, id)
	if errors.Is(err, errRequestDone) {
		h.site.Flash(r, "info", i18n.T(ctx, "members.deletions.already"))
		web.Redirect(w, r, "/admin/deletion_requests")
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.deletions.confirm.title"), views.AnonymiseConfirm(d))
}

// anonymise is POST /admin/deletion_requests/{id}/anonymise.
func (h *Handler) anonymise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	u := auth.CurrentUser(ctx)
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var personID int64
		err := tx.QueryRow(ctx, `SELECT person_id FROM deletion_requests WHERE id = $1 AND done_at IS NULL FOR UPDATE`,
			id).Scan(&personID)
		if errors.Is(err, pgx.ErrNoRows) {
			return errRequestDone
		}
		if err != nil {
			return fmt.Errorf("members: deletion request: %w", err)
		}
		var email, lang string
		if err := tx.QueryRow(ctx, `SELECT email, language FROM persons WHERE id = $1`, personID).Scan(&email, &lang); err != nil {
			return fmt.Errorf("members: deletion request: %w", db.Map(err))
		}
		if err := Anonymise(ctx, tx, personID, Actor{UserID: &u.ID, Name: u.Username}, h.Release); err != nil {
			return err
		}
		// The person was told they would hear when it is done. Queued
		// after the erasure, which would blank a mail to the address, and
		// about no person: the address stays in the outbox as long as
		// sent mails do, and the mail names nothing else.
		return h.send(ctx, tx, outgoing{kind: mailErased, text: "erased", lang: langOf(lang), to: email})
	})
	switch {
	case errors.Is(err, errRequestDone), isAnonymised(err):
		h.site.Flash(r, "info", i18n.T(ctx, "members.deletions.already"))
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	default:
		h.site.Flash(r, "success", i18n.T(ctx, "members.deletions.done"))
	}
	web.Redirect(w, r, "/admin/deletion_requests")
}
