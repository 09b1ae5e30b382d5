package members

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// applications is GET /applications: the pending applications, oldest first.
func (h *Handler) applications(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	apps, err := applicationRows(ctx, h.pool, `p.membership_status = 'pending'`)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.applications.title"), views.ApplicationsPage(apps))
}

// applicationRows are the persons matching where (on persons p; args
// from $1) as the board's list shows them: when they applied, their
// type's name, and whether the fees hold them (a mandate a denial
// revokes), oldest application first, in one query.
func applicationRows(ctx context.Context, q querier, where string, args ...any) ([]views.Application, error) {
	rows, err := q.Query(ctx, `
		SELECT p.id, p.name, p.email, coalesce(p.membership_type, ''), coalesce(p.membership_status, ''),
		       coalesce(a.verified_at, p.updated_at) AS applied_at, `+persons.HeldByDomain(persons.DomainFees)+`
		FROM persons p
		LEFT JOIN LATERAL (
			SELECT verified_at FROM membership_applications
			WHERE person_id = p.id AND verified_at IS NOT NULL
			ORDER BY verified_at DESC LIMIT 1
		) a ON true
		WHERE `+where+` AND p.anonymised_at IS NULL
		ORDER BY applied_at, p.id`, args...)
	if err != nil {
		return nil, err
	}
	apps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.Application, error) {
		var (
			a  views.Application
			at time.Time
		)
		err := row.Scan(&a.ID, &a.Name, &a.Email, &a.MembershipType, &a.Status, &at, &a.HeldByFees)
		a.AppliedAt = isoTime(at)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	ts, err := LoadTypes(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		apps[i].TypeName = ts.NameOf(i18n.LangOf(ctx), apps[i].MembershipType)
	}
	return apps, nil
}

// accept is POST /applications/{id}/accept: the applicant becomes a member
// today and gets the welcome mail.
func (h *Handler) accept(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, StatusConfirmed)
}

// deny is POST /applications/{id}/deny, with an optional message mailed to
// the applicant.
func (h *Handler) deny(w http.ResponseWriter, r *http.Request) {
	h.decide(w, r, StatusDenied)
}

// decide records the board's decision. Only a pending application can be
// decided, checked in the UPDATE itself: of two board members clicking at
// once, the second is told and changes nothing.
func (h *Handler) decide(w http.ResponseWriter, r *http.Request, status string) {
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	if !h.site.ParseForm(w, r) {
		return
	}
	message := strings.TrimSpace(r.PostFormValue("message"))
	if status == StatusDenied && utf8.RuneCountInString(message) > maxMessage {
		a, err := loadApplicationRow(ctx, h.pool, id)
		if err != nil {
			h.decisionFailed(w, r, err)
			return
		}
		a.Message = message
		a.MessageError = i18n.N(ctx, "members.error.message.long", maxMessage)
		h.renderApplication(w, r, http.StatusUnprocessableEntity, a)
		return
	}
	u := auth.CurrentUser(ctx)
	var row views.Application
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var err error
		row, err = h.decideTx(ctx, tx, id, status, message, u)
		return err
	})
	switch {
	case errors.Is(err, ErrAlreadyDecided):
		a, err := loadApplicationRow(ctx, h.pool, id)
		if err != nil {
			h.decisionFailed(w, r, err)
			return
		}
		a.AlreadyDecided = true
		h.site.Flash(r, "warning", i18n.T(ctx, "members.applications.already", statusLabel(ctx, a.Status)))
		h.renderApplication(w, r, http.StatusOK, a)
		return
	case err != nil:
		h.decisionFailed(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "members.applications.done."+status, row.Name))
	h.renderApplication(w, r, http.StatusOK, row)
}

func (h *Handler) decisionFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrGone) {
		h.site.Error(w, r, http.StatusNotFound, "")
		return
	}
	h.site.ServerError(w, r, err)
}

// renderApplication answers htmx with the row; a plain form post goes back
// to the list, where the flash tells what happened.
func (h *Handler) renderApplication(w http.ResponseWriter, r *http.Request, status int, a views.Application) {
	if web.IsFragment(r) {
		// The navigation's badge counts the applications still open.
		if n, err := pendingApplications(r.Context(), h.pool); err == nil {
			web.AddTrigger(w, "pendingApplications", n)
		}
		h.site.RenderFragment(w, r, status, views.ApplicationRow(a))
		return
	}
	if status == http.StatusUnprocessableEntity {
		h.site.Render(w, r, status, i18n.T(r.Context(), "members.applications.title"),
			views.ApplicationsPage([]views.Application{a}))
		return
	}
	web.Redirect(w, r, "/applications")
}

func (h *Handler) decideTx(ctx context.Context, tx pgx.Tx, id int64, status, message string, u *auth.User) (views.Application, error) {
	// Someone who left and applies again is a member from today, and has
	// not left.
	// was reads the row before the update (a CTE read in RETURNING would
	// see it after).
	const q = `
		UPDATE persons p SET membership_status = $2,
		       joining_date = CASE WHEN $2 = 'confirmed' THEN $3::date ELSE p.joining_date END,
		       leaving_date = CASE WHEN $2 = 'confirmed' THEN NULL ELSE p.leaving_date END,
		       version = p.version + 1, updated_at = now()
		FROM (SELECT id, joining_date, leaving_date FROM persons WHERE id = $1 FOR UPDATE) was
		WHERE p.id = was.id AND p.membership_status = 'pending' AND p.anonymised_at IS NULL
		RETURNING p.name, p.email, coalesce(p.membership_type, ''), p.language, p.joining_date, was.joining_date, was.leaving_date`
	var (
		a                     = views.Application{ID: id, Status: status, Message: message}
		lang                  string
		joining, joined, left *time.Time
	)
	err := tx.QueryRow(ctx, q, id, status, dayAt(time.Now())).Scan(&a.Name, &a.Email, &a.MembershipType, &lang, &joining, &joined, &left)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrAlreadyDecided
	}
	if err != nil {
		return a, fmt.Errorf("members: decide: %w", err)
	}
	entries := changed(id, u.Username, &u.ID, field{"membership_status", StatusPending, status})
	if status == StatusConfirmed {
		entries = append(entries, changed(id, u.Username, &u.ID, field{"joining_date", isoDate(joined), isoDate(joining)},
			field{"leaving_date", isoDate(left), ""})...)
	}
	if err := audit.Record(ctx, tx, entries...); err != nil {
		return a, err
	}
	to := langOf(lang)
	ts, err := LoadTypes(ctx, tx)
	if err != nil {
		return a, err
	}
	a.TypeName = ts.NameOf(i18n.LangOf(ctx), a.MembershipType)
	switch {
	case status == StatusConfirmed:
		err = h.send(ctx, tx, outgoing{kind: mailWelcome, text: "welcome", lang: to, to: a.Email, personID: id,
			data: map[string]any{"Name": a.Name, "Type": ts.NameOf(to, a.MembershipType),
				"JoiningDate": dateIn(to, joining), "EditLink": h.cfg.URL("/request_edit")}})
	case message != "":
		err = h.send(ctx, tx, outgoing{kind: mailDenied, text: "denied", lang: to, to: a.Email, personID: id,
			data: map[string]any{"Name": a.Name, "Message": message}})
	}
	// After the denial's own mail, which the revocation's follows.
	if err == nil && status == StatusDenied && h.EndMandate != nil {
		err = h.EndMandate(ctx, tx, id, Actor{UserID: &u.ID, Name: u.Username})
	}
	return a, err
}

// loadApplicationRow is a person as the board's list shows them, whatever
// their status now (ErrGone when erased or unknown).
func loadApplicationRow(ctx context.Context, q querier, id int64) (views.Application, error) {
	apps, err := applicationRows(ctx, q, `p.id = $1`, id)
	if err != nil {
		return views.Application{}, err
	}
	if len(apps) == 0 {
		return views.Application{}, ErrGone
	}
	return apps[0], nil
}

// statusLabel is a membership status in the request's language.
func statusLabel(ctx context.Context, status string) string {
	if status == StatusNone {
		return i18n.T(ctx, "members.status.none")
	}
	return i18n.T(ctx, "members.status."+status)
}
