package organisers

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// PurgeDrafts deletes the mail drafts older than their lifetime, sent or
// not, with their attachments: unsent ones can no longer be sent, and a
// sent one has long done its work of refusing a second send.
func PurgeDrafts(ctx context.Context, tx pgx.Tx, now time.Time) (persons.Purged, error) {
	return persons.PurgeRows(ctx, tx, `
		WITH gone AS (DELETE FROM organiser_mail_drafts WHERE created_at < $1 RETURNING created_at)
		SELECT count(*), min(created_at) FROM gone`, now.Add(-draftLifetime))
}
