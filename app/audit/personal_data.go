package audit

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// The audit log keeps who changed which field when; of an erased person
// it loses the old and new values of their rows (their reduced fee
// category too, whose row goes) and, where they acted as a user, their
// name as the actor. The export shows the changes to the person's own
// rows, their mandates' (given, account changed, revoked: the entries
// name no account) and fees' too. A fee's entries keep their values:
// the fee stays for the association's books with the same status,
// reason and sequence, and the entries name no person (the log names
// the row from the fee's person as it is now).
func init() {
	persons.Register(persons.Domain{
		Name:   "audit",
		Tables: []string{"audit_log"},
		Data: []persons.Category{{What: "privacy.data.audit", Where: "audit_log",
			Why: "privacy.why.audit", HowLong: "privacy.retain.audit"}},
		Export: exportChanges,
		Erase: func(ctx context.Context, tx pgx.Tx, s *persons.Subject) error {
			args := pgx.NamedArgs{"id": s.ID, "regs": s.Ref("registration"), "users": s.Ref("user"),
				"apps": s.Ref("membership_application")}
			if _, err := tx.Exec(ctx, `
				UPDATE audit_log SET old_value = NULL, new_value = NULL
				WHERE (table_name = 'persons' AND row_id = @id::bigint::text)
				   OR (table_name = 'fee_categories' AND row_id = @id::bigint::text)
				   OR (table_name = 'registrations' AND row_id = ANY(@regs::bigint[]::text[]))
				   OR (table_name = 'users' AND row_id = ANY(@users::bigint[]::text[]))
				   OR (table_name = 'membership_applications' AND row_id = ANY(@apps::bigint[]::text[]))`, args); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE audit_log SET actor = 'anonymised-' || user_id WHERE user_id = ANY(@users)`, args)
			return err
		},
	})
}

func exportChanges(ctx context.Context, tx pgx.Tx, s *persons.Subject, ex *views.Export) error {
	names, err := LoadNames(ctx, tx)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `
		SELECT at, table_name, coalesce(field, ''), old_value, new_value FROM audit_log
		WHERE (table_name = 'persons' AND row_id = @id::bigint::text)
		   OR (table_name = 'registrations' AND row_id = ANY(@regs::bigint[]::text[]))
		   OR (table_name = 'users' AND row_id = ANY(@users::bigint[]::text[]))
		   OR (table_name = 'sepa_mandates' AND row_id IN (SELECT id::text FROM sepa_mandates WHERE person_id = @id))
		   OR (table_name = 'fee_categories' AND row_id = @id::bigint::text)
		   OR (table_name = 'fees' AND row_id IN (SELECT id::text FROM fees WHERE person_id = @id))
		ORDER BY at, id`, pgx.NamedArgs{"id": s.ID, "regs": s.Ref("registration"), "users": s.Ref("user")})
	if err != nil {
		return err
	}
	ex.Changes, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (views.ExportChange, error) {
		var (
			c  views.ExportChange
			at time.Time
		)
		err := row.Scan(&at, &c.Table, &c.Field, &c.OldValue, &c.NewValue)
		c.At = persons.ISOTime(at)
		c.Words = views.ChangeWords{Table: TableName(ctx, c.Table), Field: FieldName(ctx, c.Table, c.Field),
			Old: names.ValueName(ctx, c.Table, c.Field, c.OldValue), New: names.ValueName(ctx, c.Table, c.Field, c.NewValue)}
		if c.Field == "" {
			c.Words.Field = RowEvent(ctx, c.OldValue, c.NewValue)
		}
		return c, err
	})
	return err
}
