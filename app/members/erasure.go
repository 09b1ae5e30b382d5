package members

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// Upcoming is SQL true for a registration r (of event e) that still
// counts: not canceled, for an event not over yet; an event without dates
// counts while its registration is open. Erasure names these and gives
// them up (events.Service.ReleasePlaces).
const Upcoming = `r.status <> 'canceled'
	AND (coalesce(e.ends_at, e.starts_at) > now()
	     OR (e.starts_at IS NULL AND e.ends_at IS NULL AND e.registration_open))`

// upcomingSQL names the events of a person's ($1) upcoming registrations;
// NULL for none.
const upcomingSQL = `SELECT string_agg(DISTINCT e.name, ', ') FROM registrations r JOIN events e ON e.id = r.event_id
	WHERE r.person_id = $1 AND ` + Upcoming

// UpcomingEvents names the events the person is still registered for
// (not cancelled, not over): their places stay taken after an erasure.
// "" for none.
func UpcomingEvents(ctx context.Context, q Querier, personID int64) (string, error) {
	var events *string
	if err := q.QueryRow(ctx, upcomingSQL, personID).Scan(&events); err != nil {
		return "", fmt.Errorf("members: upcoming events: %w", err)
	}
	if events == nil {
		return "", nil
	}
	return *events, nil
}

// blocker is a reason why the person cannot be erased at once: a catalog
// key and its arguments.
type blocker struct {
	key  string
	args []any
}

// erasureBlockers are the reasons why the person cannot be erased at once
// but the board must decide: members, people expected at an event (named,
// so they know which to cancel), and users of this system.
func erasureBlockers(ctx context.Context, q querier, p Person) ([]blocker, error) {
	var reasons []blocker
	if p.MembershipStatus == StatusConfirmed {
		reasons = append(reasons, blocker{key: "members.erase.reason.member"})
	}
	var accounts int
	events, err := UpcomingEvents(ctx, q, p.ID)
	if err != nil {
		return nil, err
	}
	if events != "" {
		reasons = append(reasons, blocker{key: "members.erase.reason.events", args: []any{events}})
	}
	// A mandate or an open fee outlasts a membership; the board settles
	// them rather than an erasure revoking a mandate unseen.
	if fees, err := persons.HeldBy(ctx, q, persons.DomainFees, p.ID); err != nil {
		return nil, err
	} else if fees {
		reasons = append(reasons, blocker{key: "members.erase.reason.fees"})
	}
	if err := q.QueryRow(ctx, `SELECT count(*) FROM users WHERE person_id = $1 AND disabled_at IS NULL`, p.ID).Scan(&accounts); err != nil {
		return nil, fmt.Errorf("members: user accounts: %w", err)
	}
	if accounts > 0 {
		reasons = append(reasons, blocker{key: "members.erase.reason.account"})
	}
	return reasons, nil
}

func hasOpenDeletionRequest(ctx context.Context, q querier, personID int64) (bool, error) {
	var open bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM deletion_requests WHERE person_id = $1 AND done_at IS NULL)`,
		personID).Scan(&open)
	return open, err
}

// erasureForm is GET /view_data/{token}/delete: what "delete my data" will
// do, and the button that does it.
func (h *Handler) erasureForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, ok := h.openLink(w, r, kindGDPR)
	if !ok {
		return
	}
	p, ok := h.linkedPerson(w, r, l)
	if !ok {
		return
	}
	blockers, err := erasureBlockers(ctx, h.pool, p)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	requested, err := hasOpenDeletionRequest(ctx, h.pool, p.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	e := views.Erasure{
		Action:    "/view_data/" + l.token + "/delete",
		Back:      "/view_data/" + l.token,
		Immediate: len(blockers) == 0,
		Requested: requested,
	}
	for _, b := range blockers {
		e.Reasons = append(e.Reasons, i18n.T(ctx, b.key, b.args...))
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.erase.title"), views.ErasureConfirm(e))
}

// erase is POST /view_data/{token}/delete: non-members expected at no event
// are anonymised at once; for everyone else the board gets a request.
func (h *Handler) erase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	var erased bool
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		personID, err := tokens.Consume(ctx, tx, tokens.GDPRView, token)
		if err != nil {
			return err
		}
		p, err := loadPerson(ctx, tx, personID, true)
		if err != nil {
			return err
		}
		blockers, err := erasureBlockers(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(blockers) == 0 {
			erased = true
			return Anonymise(ctx, tx, p.ID, Actor{Name: audit.ActorParticipant}, h.Release)
		}
		return h.requestErasure(ctx, tx, p)
	})
	if isLinkProblem(err) {
		h.linkProblem(w, r, kindGDPR, err)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	// The outcome is a page of its own, so that Back or a reload asks the
	// browser for that page, not to send the deletion again.
	if erased {
		web.Redirect(w, r, "/view_data/deleted")
		return
	}
	web.Redirect(w, r, "/view_data/requested")
}

// erased is GET /view_data/deleted, where an erasure ends.
func (h *Handler) erased(w http.ResponseWriter, r *http.Request) {
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "members.erase.done.title"), views.Erased())
}

// erasureRequested is GET /view_data/requested, where a request for the
// board ends.
func (h *Handler) erasureRequested(w http.ResponseWriter, r *http.Request) {
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "members.erase.requested.title"), views.ErasureRequested())
}

// requestErasure files the person's request for the board, once.
func (h *Handler) requestErasure(ctx context.Context, tx pgx.Tx, p Person) error {
	const q = `INSERT INTO deletion_requests (person_id) VALUES ($1)
		ON CONFLICT (person_id) WHERE done_at IS NULL DO NOTHING RETURNING id`
	var id int64
	err := tx.QueryRow(ctx, q, p.ID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("members: deletion request: %w", err)
	}
	if err := audit.Record(ctx, tx, audit.Entry{Actor: audit.ActorParticipant, Table: "deletion_requests",
		RowID: strconv.FormatInt(id, 10), NewValue: audit.Value("requested")}); err != nil {
		return err
	}
	return h.send(ctx, tx, outgoing{kind: mailBoardErasureReq, text: "board_erasure_request", lang: i18n.DE,
		to: h.board(), personID: p.ID, data: map[string]any{
			"Name": p.Name, "Email": p.Email, "Link": h.cfg.URL("/admin/deletion_requests"),
		}})
}
