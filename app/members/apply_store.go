package members

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/components/i18n"
)

// actorPublicForm names changes made through a public form by someone
// not logged in (a new person created by applying).
const actorPublicForm = "public form"

// submission is what was typed into /register/, in the language it was
// typed in.
type submission struct {
	name, email, membershipType string
	lang                        i18n.Lang
}

// applyTx handles an application inside tx. Nothing about an existing
// person changes here: the submitted name and type wait in
// membership_applications until the address is verified. What the mail
// says depends on the person's state.
func (h *Handler) applyTx(ctx context.Context, tx pgx.Tx, a submission) error {
	p, created, err := findOrCreateApplicant(ctx, tx, a)
	if err != nil {
		return err
	}
	if created {
		err := audit.Record(ctx, tx, audit.Entry{Actor: actorPublicForm, Table: "persons",
			RowID: strconv.FormatInt(p.ID, 10), NewValue: audit.Value("created by applying")})
		if err != nil {
			return err
		}
	}
	switch p.MembershipStatus {
	case StatusPending:
		return h.send(ctx, tx, outgoing{kind: mailApplyPending, text: "apply_pending", lang: a.lang, to: p.Email,
			personID: p.ID, data: map[string]any{"Name": p.Name}})
	case StatusConfirmed:
		token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.MembershipEdit, SubjectID: p.ID, TTL: h.cfg.LinkTTL})
		if err != nil {
			return err
		}
		return h.send(ctx, tx, outgoing{kind: mailApplyMember, text: "apply_member", lang: a.lang, to: p.Email,
			personID: p.ID, data: map[string]any{
				"Name": p.Name, "Link": h.cfg.URL("/edit/" + token), "Validity": validity(a.lang, h.cfg.LinkTTL),
			}})
	case StatusDenied:
		return h.send(ctx, tx, outgoing{kind: mailApplyDenied, text: "apply_denied", lang: a.lang, to: p.Email,
			personID: p.ID, data: map[string]any{"Name": p.Name}})
	}
	// New, unverified, never applied (known from events) or a former member.
	// The same form sent again while its link is fresh (a double click,
	// a second tab) sends no second link: the first is on its way. The
	// person's row, locked by findOrCreateApplicant, orders the two.
	var again bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM membership_applications
		WHERE person_id = $1 AND name = $2 AND membership_type = $3 AND verified_at IS NULL
		  AND created_at > now() - interval '1 minute')`, p.ID, a.name, a.membershipType).Scan(&again); err != nil {
		return fmt.Errorf("members: earlier application: %w", err)
	}
	if again {
		return nil
	}
	const q = `INSERT INTO membership_applications (person_id, name, membership_type, language)
		VALUES ($1, $2, $3, $4) RETURNING id`
	var applicationID int64
	if err := tx.QueryRow(ctx, q, p.ID, a.name, a.membershipType, string(a.lang)).Scan(&applicationID); err != nil {
		return fmt.Errorf("members: store application: %w", err)
	}
	token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.MembershipVerify, SubjectID: applicationID,
		TTL: h.cfg.LinkTTL, SingleUse: true})
	if err != nil {
		return err
	}
	typeName, err := TypeName(ctx, tx, a.lang, a.membershipType)
	if err != nil {
		return err
	}
	return h.send(ctx, tx, outgoing{kind: mailVerify, text: "verify", lang: a.lang, to: p.Email, personID: p.ID,
		data: map[string]any{
			"Name":     a.name,
			"Type":     typeName,
			"Link":     h.cfg.URL("/edit/" + token),
			"Validity": validity(a.lang, h.cfg.LinkTTL),
		}})
}

// findOrCreateApplicant returns the person with the address, creating them
// (unverified, with the submitted name and type) if there is none.
func findOrCreateApplicant(ctx context.Context, tx pgx.Tx, a submission) (p Person, created bool, err error) {
	id, created, err := persons.FindOrCreate(ctx, tx, persons.New{Name: a.name, Email: a.email, Language: a.lang,
		MembershipStatus: StatusUnverified, MembershipType: a.membershipType})
	if err != nil {
		return Person{}, false, err
	}
	p, err = loadPerson(ctx, tx, id, false)
	return p, created, err
}
