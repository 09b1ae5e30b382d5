package members

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/components/layout"
)

// ShellHook shows the applications link, with the number of pending
// applications, to users who may decide them.
func ShellHook(pool *pgxpool.Pool, logger *slog.Logger) func(r *http.Request, sh *layout.Shell) {
	return func(r *http.Request, sh *layout.Shell) {
		if !auth.CurrentUser(r.Context()).Has(LevelMemberManagement) {
			return
		}
		sh.ShowApplications = true
		// The badge is a courtesy: if counting fails the page still renders
		// (with the link but no number); the list itself reports errors.
		n, err := pendingApplications(r.Context(), pool)
		if err != nil && r.Context().Err() == nil {
			logger.WarnContext(r.Context(), "counting pending applications for the navigation", "error", err)
		}
		sh.PendingApplications = n
	}
}

// pendingApplications counts the applications waiting for the board.
func pendingApplications(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	const q = `SELECT count(*) FROM persons WHERE membership_status = 'pending' AND anonymised_at IS NULL`
	var n int
	err := pool.QueryRow(ctx, q).Scan(&n)
	return n, err
}
