package tokens

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// PurgeExpired deletes the links that expired before now: they open
// nothing any more, and a link followed after that gets the same answer
// as an unknown one.
func PurgeExpired(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
	return persons.PurgeRows(ctx, tx, `
		WITH gone AS (DELETE FROM tokens WHERE expires_at < $1 RETURNING created_at)
		SELECT count(*), min(created_at) FROM gone`, now)
}

// Spend makes the unused links to the given rows of kind (as in
// persons.Subject.Refs) useless.
func Spend(ctx context.Context, tx pgx.Tx, kind string, ids []int64) error {
	for purpose, k := range subjectKinds {
		if k != kind {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE tokens SET used_at = now()
			WHERE used_at IS NULL AND purpose = $1 AND subject_id = ANY($2)`, purpose, ids); err != nil {
			return err
		}
	}
	return nil
}
