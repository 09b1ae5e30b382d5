package admin

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
	adminui "github.com/pepalumni/memberdb/components/admin"
	"github.com/pepalumni/memberdb/components/i18n"
)

// deleting clears the personal values of the person from the audit log;
// that the rows changed stays recorded.
func (personRules) deleting(ctx context.Context, tx pgx.Tx, id string) error {
	const q = `
		UPDATE audit_log
		SET old_value = CASE WHEN old_value IS NOT NULL THEN '' END,
		    new_value = CASE WHEN new_value IS NOT NULL THEN '' END
		WHERE table_name = 'persons' AND row_id = $1 AND (field = '' OR field = ANY($2))`
	if _, err := tx.Exec(ctx, q, id, personalFields); err != nil {
		return fmt.Errorf("admin: forget person %s: %w", id, err)
	}
	return nil
}

// consequences: registrations, applications and deletion requests go with
// a person. What keeps a person from going at all, kept names.
func (r personRules) consequences(ctx context.Context, id string) ([]string, string, error) {
	var regs int
	if err := r.h.pool.QueryRow(ctx, `SELECT count(*) FROM registrations WHERE person_id = $1`, intID(id)).Scan(&regs); err != nil {
		return nil, "", fmt.Errorf("admin: person consequences: %w", err)
	}
	var list []string
	if regs > 0 {
		list = append(list, i18n.N(ctx, "admin.persons.delete.registrations", regs))
	}
	list = append(list, tr(ctx, "admin.persons.delete.history"))
	return list, "", nil
}

// kept names what keeps a person from being deleted (the foreign keys the
// domains declare, persons.Keep): their user accounts, each linked, and
// what the books keep (mandates, revoked ones too, and fees); and points
// to anonymising, which every one of them allows, where the editor may.
func (r personRules) kept(ctx context.Context, id string, v *adminui.DeleteView) error {
	kept, err := persons.Keeping(ctx, r.h.pool, intID(id))
	if err != nil || len(kept) == 0 {
		return err
	}
	books := false
	for _, k := range kept {
		// Accounts are this console's own pages: named and linked
		// rather than counted.
		if k.Table == "users" {
			users, err := r.h.links(ctx, `SELECT username, '/admin/users/' || id FROM users WHERE person_id = $1 ORDER BY id`, intID(id))
			if err != nil {
				return err
			}
			for _, u := range users {
				v.BlockedBy = append(v.BlockedBy, adminui.Link{Label: tr(ctx, "admin.persons.kept.user", u.Label), URL: u.URL})
			}
			continue
		}
		books = true
		v.BlockedBy = append(v.BlockedBy, adminui.Link{Label: i18n.N(ctx, k.Rows, k.Count)})
	}
	v.Blocked = tr(ctx, "admin.persons.kept")
	var anonymised bool
	if err := r.h.pool.QueryRow(ctx, `SELECT anonymised_at IS NOT NULL FROM persons WHERE id = $1`, intID(id)).Scan(&anonymised); err != nil {
		return fmt.Errorf("admin: person kept: %w", err)
	}
	above, err := refusal(anonymisable(ctx, r.h.pool, intID(id)))
	if err != nil {
		return err
	}
	anonymise := r.h.persons.detailURL(id) + "/anonymise"
	switch {
	case above != "":
		v.Instead = &adminui.Instead{Text: above}
	case !anonymised && books:
		v.Instead = &adminui.Instead{Text: tr(ctx, "admin.persons.kept.instead.books"), Label: tr(ctx, "admin.persons.anonymise"), URL: anonymise}
	case !anonymised:
		v.Instead = &adminui.Instead{Text: tr(ctx, "admin.persons.kept.instead.accounts"), Label: tr(ctx, "admin.persons.anonymise"), URL: anonymise}
	case books:
		v.Instead = &adminui.Instead{Text: tr(ctx, "admin.persons.kept.anonymised")}
	default:
		v.Instead = &adminui.Instead{Text: tr(ctx, "admin.persons.kept.accounts")}
	}
	return nil
}
