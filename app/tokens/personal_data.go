package tokens

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// subjectKinds says what a token's subject_id points at, per purpose, as
// the kinds of persons.Subject.Refs.
var subjectKinds = map[string]string{
	PasswordReset:      "user",
	MembershipVerify:   "membership_application",
	MembershipEdit:     persons.RefPerson,
	GDPRView:           persons.RefPerson,
	RegistrationManage: "registration",
	RegistrationResend: "registration",
}

// Links hold only a hash and the id of what they open; erasure spends
// them, so a link mailed before cannot show the erased row. The export
// lists them by purpose and time, never with their secret.
func init() {
	persons.Register(persons.Domain{
		Name:   "tokens",
		Tables: []string{"tokens"},
		Data: []persons.Category{{What: "privacy.data.links", Where: "tokens",
			Why: "privacy.why.links", HowLong: "privacy.until_expiry"}},
		Export: exportLinks,
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			for _, kind := range []string{persons.RefPerson, "user", "membership_application", "registration"} {
				if err := Spend(ctx, tx, kind, s.Ref(kind)); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

func exportLinks(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	for purpose, kind := range subjectKinds {
		rows, err := tx.Query(ctx, `SELECT created_at, expires_at, used_at FROM tokens
			WHERE purpose = $1 AND subject_id = ANY($2) ORDER BY created_at`, purpose, s.Ref(kind))
		if err != nil {
			return err
		}
		links, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportLink, error) {
			var (
				l                views.ExportLink
				created, expires time.Time
				used             *time.Time
			)
			err := row.Scan(&created, &expires, &used)
			l.Purpose, l.CreatedAt, l.ExpiresAt, l.UsedAt = purpose, persons.ISOTime(created), persons.ISOTime(expires), persons.ISOTimePtr(used)
			return l, err
		})
		if err != nil {
			return err
		}
		ex.Links = append(ex.Links, links...)
	}
	slices.SortFunc(ex.Links, func(a, b views.ExportLink) int { return strings.Compare(a.CreatedAt, b.CreatedAt) })
	return nil
}
