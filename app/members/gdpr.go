package members

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// viewData is GET /view_data/{token}: everything stored about the person,
// as a page, or as JSON for ?format=json (a download) and for
// Accept: application/json.
func (h *Handler) viewData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, ok := h.openLink(w, r, kindGDPR)
	if !ok {
		return
	}
	var ex views.Export
	err := pgx.BeginTxFunc(ctx, h.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) (err error) {
			ex, err = collectExport(ctx, tx, l.subject)
			return err
		})
	if isLinkProblem(err) {
		h.linkProblem(w, r, kindGDPR, err)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Accept")
	download := r.URL.Query().Get("format") == "json"
	if download || web.WantsJSON(r) {
		b, err := json.MarshalIndent(ex, "", "  ")
		if err != nil {
			h.site.ServerError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if download {
			w.Header().Set("Content-Disposition",
				`attachment; filename="memberdb-`+time.Now().Format(time.DateOnly)+`.json"`)
		}
		_, _ = w.Write(append(b, '\n'))
		return
	}
	base := "/view_data/" + l.token
	h.site.Render(w, r, http.StatusOK, i18n.T(ctx, "members.gdpr.title"),
		views.DataView(views.DataPage{Export: ex, Download: base + "?format=json", Delete: base + "/delete"}))
}
