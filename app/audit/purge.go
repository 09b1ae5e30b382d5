package audit

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/persons"
)

// StripBefore removes the old and new values of the entries made before
// before (RETAIN_AUDIT); who changed which field when stays.
func StripBefore(ctx context.Context, tx pgx.Tx, before time.Time) (persons.Purged, error) {
	return persons.PurgeRows(ctx, tx, `
		WITH gone AS (
		    UPDATE audit_log SET old_value = NULL, new_value = NULL
		    WHERE at < $1 AND (old_value IS NOT NULL OR new_value IS NOT NULL)
		    RETURNING at)
		SELECT count(*), min(at) FROM gone`, before)
}

// StripRows removes the values of every entry about the given rows of
// table, for rows whose personal data is gone.
func StripRows(ctx context.Context, tx pgx.Tx, table string, ids []int64) error {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	_, err := tx.Exec(ctx, `UPDATE audit_log SET old_value = NULL, new_value = NULL
		WHERE table_name = $1 AND row_id = ANY($2) AND (old_value IS NOT NULL OR new_value IS NOT NULL)`, table, keys)
	return err
}
