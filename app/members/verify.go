package members

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// application is a stored submission of /register/ with its person's address.
type application struct {
	id             int64
	personID       int64
	name           string
	email          string
	membershipType string
	lang           i18n.Lang
}

func loadApplication(ctx context.Context, q querier, id int64) (application, error) {
	const sql = `
		SELECT a.id, a.person_id, a.name, p.email, a.membership_type, a.language
		FROM membership_applications a JOIN persons p ON p.id = a.person_id
		WHERE a.id = $1 AND p.anonymised_at IS NULL`
	var (
		a    application
		lang string
	)
	err := q.QueryRow(ctx, sql, id).Scan(&a.id, &a.personID, &a.name, &a.email, &a.membershipType, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return application{}, ErrGone
	}
	if err != nil {
		return application{}, fmt.Errorf("members: load application: %w", err)
	}
	a.lang = langOf(lang)
	return a, nil
}

// verifyForm is GET /edit/{token} for a verification link: one button, as
// opening the link must change nothing.
func (h *Handler) verifyForm(w http.ResponseWriter, r *http.Request, token string, applicationID int64) {
	ctx := r.Context()
	a, err := loadApplication(ctx, h.pool, applicationID)
	if err != nil {
		h.linkProblem(w, r, kindVerify, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.verify.title"),
		views.VerifyConfirm(views.VerifyPage{Action: "/edit/" + token, Name: a.name, Email: a.email}))
}

// verify is POST /edit/{token} for a verification link: the address is
// verified, the application waits for the board, and the board is told.
// The link works once; the applicant continues on an edit link of their own.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, token string) {
	ctx := r.Context()
	var (
		editToken string
		verified  bool
	)
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		applicationID, err := tokens.Consume(ctx, tx, tokens.MembershipVerify, token)
		if err != nil {
			return err
		}
		a, err := loadApplication(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		p, err := loadPerson(ctx, tx, a.personID, true)
		if err != nil {
			return err
		}
		switch p.MembershipStatus {
		case StatusNone, StatusUnverified, StatusCanceled:
			if err := h.verifyTx(ctx, tx, p, a); err != nil {
				return err
			}
			verified = true
		}
		// Already pending, a member or denied (another link of theirs was
		// quicker, or the board decided): nothing changes.
		editToken, err = tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.MembershipEdit, SubjectID: p.ID, TTL: h.cfg.LinkTTL})
		return err
	})
	if isLinkProblem(err) {
		h.linkProblem(w, r, kindVerify, err)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if verified {
		h.site.Flash(r, "success", i18n.T(ctx, "members.verify.done"))
	} else {
		h.site.Flash(r, "info", i18n.T(ctx, "members.verify.already"))
	}
	web.Redirect(w, r, "/edit/"+editToken)
}

// verifyTx applies the application to the person and mails the board.
func (h *Handler) verifyTx(ctx context.Context, tx pgx.Tx, p Person, a application) error {
	const q = `
		UPDATE persons SET name = $2, membership_type = $3, language = $4, email_valid = true,
		       membership_status = 'pending', version = version + 1, updated_at = now()
		WHERE id = $1`
	if _, err := tx.Exec(ctx, q, p.ID, a.name, a.membershipType, string(a.lang)); err != nil {
		return fmt.Errorf("members: verify: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE membership_applications SET verified_at = now() WHERE id = $1`, a.id); err != nil {
		return fmt.Errorf("members: verify: %w", err)
	}
	changes := changed(p.ID, audit.ActorParticipant, nil,
		field{"name", p.Name, a.name},
		field{"membership_type", p.MembershipType, a.membershipType},
		field{"email_valid", strconv.FormatBool(p.EmailValid), "true"},
		field{"membership_status", p.MembershipStatus, StatusPending})
	if err := audit.Record(ctx, tx, changes...); err != nil {
		return err
	}
	typeName, err := TypeName(ctx, tx, i18n.DE, a.membershipType)
	if err != nil {
		return err
	}
	return h.send(ctx, tx, outgoing{kind: mailBoardApplied, text: "board_application", lang: i18n.DE,
		to: h.board(), personID: p.ID, data: map[string]any{
			"Name":  a.name,
			"Email": p.Email,
			"Type":  typeName,
			"Link":  h.cfg.URL("/applications"),
		}})
}

// field is one column's value before and after a change.
type field struct{ name, old, new string }

// changed turns the fields that differ into audit entries of person id.
func changed(personID int64, actor string, userID *int64, fields ...field) []audit.Entry {
	var out []audit.Entry
	for _, f := range fields {
		if f.old == f.new {
			continue
		}
		out = append(out, audit.Entry{UserID: userID, Actor: actor, Table: "persons",
			RowID: strconv.FormatInt(personID, 10), Field: f.name, OldValue: nullable(f.old), NewValue: nullable(f.new)})
	}
	return out
}
