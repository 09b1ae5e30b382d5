package mail

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// PurgeBefore deletes the mails sent, failed or captured before before,
// with their attempts and attachments, and the attachment contents no
// other mail carries (RETAIN_MAIL). Queued mails stay whatever their age.
func PurgeBefore(ctx context.Context, tx pgx.Tx, before time.Time) (persons.Purged, error) {
	p, err := persons.PurgeRows(ctx, tx, `
		WITH gone AS (
		    DELETE FROM mail_outbox
		    WHERE status IN ('sent', 'failed', 'captured') AND coalesce(sent_at, created_at) < $1
		    RETURNING created_at)
		SELECT count(*), min(created_at) FROM gone`, before)
	if err != nil {
		return p, err
	}
	return p, DeleteUnusedBlobs(ctx, tx)
}
