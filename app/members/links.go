package members

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// Kinds of mailed links, for the page that explains a dead one.
const (
	kindVerify = "verify"
	kindEdit   = "edit"
	kindGDPR   = "gdpr"
)

// linkPurpose tells which kind of link /edit/{token} holds: verification
// links and edit links share the URL, as in the old system. Tokens of any
// other purpose are unknown here.
func linkPurpose(ctx context.Context, q tokens.Querier, token string) (kind string, subject int64, err error) {
	subject, err = tokens.Check(ctx, q, tokens.MembershipVerify, token)
	if !errors.Is(err, tokens.ErrNotFound) {
		return kindVerify, subject, err
	}
	subject, err = tokens.Check(ctx, q, tokens.MembershipEdit, token)
	return kindEdit, subject, err
}

// linkProblem answers a link that does not work: unknown (404), or expired,
// used, or pointing to what no longer exists (410). Other errors are
// server errors.
func (h *Handler) linkProblem(w http.ResponseWriter, r *http.Request, kind string, err error) {
	status := http.StatusGone
	switch {
	case errors.Is(err, tokens.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, tokens.ErrExpired), errors.Is(err, ErrGone):
	default:
		h.site.ServerError(w, r, err)
		return
	}
	ctx := r.Context()
	if web.WantsJSON(r) {
		h.site.Error(w, r, status, "")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if web.IsFragment(r) {
		// htmx swaps no 404 or 410 into the form; a reload of the link
		// shows this page instead of a button that does nothing.
		w.Header().Set("HX-Refresh", "true")
	}
	h.site.Render(w, r, status, i18n.T(ctx, "members.link."+strconv.Itoa(status)+".title"),
		views.LinkProblemPage(views.LinkProblem{Status: status, Kind: kind}))
}

// isLinkProblem reports whether err is one linkProblem explains to the
// visitor rather than a failure of ours.
func isLinkProblem(err error) bool {
	return errors.Is(err, tokens.ErrNotFound) || errors.Is(err, tokens.ErrExpired) || errors.Is(err, ErrGone)
}
