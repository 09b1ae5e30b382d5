package members

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/tokens"
)

// Querier is a pool or a transaction, for the functions other domains
// read persons through.
type Querier = querier

// Load returns the person with id; ErrGone when they do not exist or
// were anonymised.
func Load(ctx context.Context, q Querier, id int64) (Person, error) {
	return loadPerson(ctx, q, id, false)
}

// EditLinkPerson returns the person an edit link (/edit/{token}) belongs
// to, without using it up: the pages beside the edit form (the fee
// mandate) open with the same link. Errors are tokens.ErrNotFound,
// tokens.ErrExpired and ErrGone.
func EditLinkPerson(ctx context.Context, q Querier, token string) (Person, error) {
	id, err := tokens.Check(ctx, q, tokens.MembershipEdit, token)
	if err != nil {
		return Person{}, err
	}
	return loadPerson(ctx, q, id, false)
}

// ConfirmedMembers returns every confirmed member who joined on or
// before the last day of year, by name.
func ConfirmedMembers(ctx context.Context, q Querier, year int) ([]Person, error) {
	rows, err := q.Query(ctx, `SELECT `+personColumns+` FROM persons
		WHERE membership_status = $1 AND anonymised_at IS NULL
		  AND (joining_date IS NULL OR extract(year FROM joining_date) <= $2)
		ORDER BY name COLLATE alphabetical, id`, StatusConfirmed, year)
	if err != nil {
		return nil, fmt.Errorf("members: confirmed: %w", err)
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Person, error) { return scanPerson(row) })
}
