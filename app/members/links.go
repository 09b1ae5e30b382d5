package members

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

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

// linkPurposes are the token purposes of the kinds of links.
var linkPurposes = map[string]string{
	kindVerify: tokens.MembershipVerify,
	kindEdit:   tokens.MembershipEdit,
	kindGDPR:   tokens.GDPRView,
}

// link is a working mailed link: the request's {token}, its kind and the
// id of what it points to (a person; an application for kindVerify).
type link struct {
	token   string
	kind    string
	subject int64
}

// openLink checks the request's {token} as a link of the first of kinds it
// was issued for (verification and edit links share /edit/{token}, as in
// the old system). A link that does not work is answered with the page
// explaining it, and ok is false.
func (h *Handler) openLink(w http.ResponseWriter, r *http.Request, kinds ...string) (l link, ok bool) {
	l.token = chi.URLParam(r, "token")
	var err error
	for _, l.kind = range kinds {
		l.subject, err = tokens.Check(r.Context(), h.pool, linkPurposes[l.kind], l.token)
		if !errors.Is(err, tokens.ErrNotFound) {
			break
		}
	}
	if err != nil {
		h.linkProblem(w, r, l.kind, err)
		return l, false
	}
	return l, true
}

// linkedPerson loads the person l points to. When they are gone the
// request is answered as for a dead link, and ok is false.
func (h *Handler) linkedPerson(w http.ResponseWriter, r *http.Request, l link) (p Person, ok bool) {
	p, err := loadPerson(r.Context(), h.pool, l.subject, false)
	if err != nil {
		h.linkProblem(w, r, l.kind, err)
		return Person{}, false
	}
	return p, true
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
	// A link of someone whose data is erased says so: a new link would
	// lead nowhere.
	if status == http.StatusGone && kind != kindVerify && h.erasedBehind(r, kind) {
		h.site.Render(w, r, status, i18n.T(ctx, "members.erase.done.title"), views.Erased())
		return
	}
	// A confirmation link used already: the address is confirmed, and
	// applying again is not what the person wants.
	used := kind == kindVerify && errors.Is(err, tokens.ErrUsed)
	title := "members.link." + strconv.Itoa(status) + ".title"
	if used {
		title = "members.link.used.title"
	}
	h.site.Render(w, r, status, i18n.T(ctx, title), views.LinkProblemPage(views.LinkProblem{Status: status, Kind: kind, Used: used}))
}

// isLinkProblem reports whether err is one linkProblem explains to the
// visitor rather than a failure of ours.
func isLinkProblem(err error) bool {
	return errors.Is(err, tokens.ErrNotFound) || errors.Is(err, tokens.ErrExpired) || errors.Is(err, ErrGone)
}

// erasedBehind reports whether the dead link of kind in r belongs to a
// person whose data was erased (anonymised; one deleted with an
// unconfirmed application may simply apply again).
func (h *Handler) erasedBehind(r *http.Request, kind string) bool {
	id, err := tokens.Subject(r.Context(), h.pool, linkPurposes[kind], chi.URLParam(r, "token"))
	if err != nil {
		return false
	}
	var erased bool
	err = h.pool.QueryRow(r.Context(), `SELECT anonymised_at IS NOT NULL FROM persons WHERE id = $1`, id).Scan(&erased)
	return err == nil && erased
}
