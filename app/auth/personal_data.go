package auth

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// A person's user accounts are disabled, renamed and lose their password
// and roles; the rows stay because the audit log names their ids. Their
// sessions hold only the user id and epoch, which the erasure bumps, so
// every session of theirs ends at once and is removed when it expires.
func init() {
	persons.Register(persons.Domain{
		Name:   "auth",
		Tables: []string{"users", "user_roles", "sessions"},
		Holds:  `EXISTS (SELECT 1 FROM users WHERE person_id = p.id)`,
		Keeps:  []persons.Keep{{Table: "users", Column: "person_id", Rows: "admin.persons.kept.users"}},
		Data: []persons.Category{{What: "privacy.data.accounts", Where: "users, user_roles, sessions",
			Why: "privacy.why.accounts", HowLong: "privacy.while_account"}},
		Refs: persons.RefsQuery("user", `SELECT id FROM users WHERE person_id = $1`),
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ANY($1)`, s.Ref("user")); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `
				UPDATE users SET username = 'anonymised-' || id, password_hash = '!',
				       disabled_at = coalesce(disabled_at, now()), session_epoch = session_epoch + 1, version = version + 1
				WHERE person_id = $1`, s.ID)
			return err
		},
		Export: exportUsers,
	})
}

func exportUsers(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	const q = `
		SELECT u.username, u.created_at, u.disabled_at,
		       coalesce(array_agg(ur.role ORDER BY ur.role) FILTER (WHERE ur.role IS NOT NULL), '{}')
		FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id
		WHERE u.person_id = $1 GROUP BY u.id ORDER BY u.id`
	rows, err := tx.Query(ctx, q, s.ID)
	if err != nil {
		return err
	}
	ex.Users, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportUser, error) {
		var (
			u        views.ExportUser
			created  time.Time
			disabled *time.Time
		)
		err := row.Scan(&u.Username, &created, &disabled, &u.Roles)
		u.CreatedAt, u.DisabledAt = persons.ISOTime(created), persons.ISOTimePtr(disabled)
		return u, err
	})
	return err
}
