package auth

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// PurgeSessions deletes the sessions that expired before now.
func PurgeSessions(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
	return persons.PurgeRows(ctx, tx, `
		WITH gone AS (DELETE FROM sessions WHERE expiry < $1 RETURNING expiry)
		SELECT count(*), min(expiry) FROM gone`, now)
}
