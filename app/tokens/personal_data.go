package tokens

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
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
// them, so a link mailed before cannot show the erased row. There is
// nothing of them to export: a hash means nothing to its person.
func init() {
	persons.Register(persons.Domain{
		Name:   "tokens",
		Tables: []string{"tokens"},
		Data: []persons.Category{{What: "privacy.data.links", Where: "tokens",
			Why: "privacy.why.links", HowLong: "privacy.until_expiry"}},
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
