package members

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/components/layout"
)

// ShellHook shows the applications link, with the number of pending
// applications, to users who may decide them.
func ShellHook(pool *pgxpool.Pool) func(r *http.Request, sh *layout.Shell) {
	return func(r *http.Request, sh *layout.Shell) {
		if !auth.CurrentUser(r.Context()).Has(LevelMemberManagement) {
			return
		}
		sh.ShowApplications = true
		// The badge is a courtesy: if counting fails the page still renders
		// (with the link but no number); the list itself reports errors.
		const q = `SELECT count(*) FROM persons WHERE membership_status = 'pending' AND anonymised_at IS NULL`
		_ = pool.QueryRow(r.Context(), q).Scan(&sh.PendingApplications)
	}
}
