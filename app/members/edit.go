package members

import (
	"context"
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	views "github.com/pepalumni/memberdb/components/members"
)

// edit is GET /edit/{token}: one button for a verification link, the form
// for an edit link. An edit link works again and again until it expires,
// so a saved form can be corrected; a verification link works once.
func (h *Handler) edit(w http.ResponseWriter, r *http.Request) {
	l, ok := h.openLink(w, r, kindVerify, kindEdit)
	if !ok {
		return
	}
	if l.kind == kindVerify {
		h.verifyForm(w, r, l.token, l.subject)
		return
	}
	p, ok := h.linkedPerson(w, r, l)
	if !ok {
		return
	}
	f, err := h.editView(r.Context(), l.token, p)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderEdit(w, r, http.StatusOK, f)
}

// editSubmit is POST /edit/{token}: verify for a verification link, save
// for an edit link.
func (h *Handler) editSubmit(w http.ResponseWriter, r *http.Request) {
	l, ok := h.openLink(w, r, kindVerify, kindEdit)
	if !ok {
		return
	}
	if l.kind == kindVerify {
		h.verify(w, r, l.token)
		return
	}
	h.save(w, r, l)
}

// save stores the edit form of edit link l. Membership type only counts
// for members; email, joining date and status are not the person's to
// change.
func (h *Handler) save(w http.ResponseWriter, r *http.Request, l link) {
	if !h.site.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	p, ok := h.linkedPerson(w, r, l)
	if !ok {
		return
	}
	tus, err := tuStatuses(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	ts, err := LoadTypes(ctx, h.pool)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	in, f := readEditForm(ctx, r, p, tus, ts)
	f.Action = "/edit/" + l.token
	if in == nil {
		h.renderEdit(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	in.lang = i18n.LangOf(ctx)
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		id, err := tokens.Consume(ctx, tx, tokens.MembershipEdit, l.token)
		if err != nil {
			return err
		}
		return saveEdit(ctx, tx, id, *in)
	})
	switch {
	case errors.Is(err, ErrChanged):
		fresh, err := h.freshEditView(ctx, l.token, p.ID)
		if err != nil {
			h.linkProblem(w, r, kindEdit, err)
			return
		}
		fresh.Notice = i18n.T(ctx, "members.edit.changed")
		h.renderEdit(w, r, http.StatusUnprocessableEntity, fresh)
		return
	case isLinkProblem(err):
		h.linkProblem(w, r, kindEdit, err)
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "members.edit.saved"))
	if !web.IsFragment(r) {
		web.Redirect(w, r, "/edit/"+l.token)
		return
	}
	fresh, err := h.freshEditView(ctx, l.token, p.ID)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderEdit(w, r, http.StatusOK, fresh)
}

// saveEdit writes the edit of person id if nobody changed them since the
// form was loaded, and records each changed field.
func saveEdit(ctx context.Context, tx pgx.Tx, id int64, in editInput) error {
	p, err := loadPerson(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if p.Version != in.version {
		return ErrChanged
	}
	newType := p.MembershipType
	if p.IsMember() && in.membershipType != "" {
		newType = in.membershipType
	}
	const q = `
		UPDATE persons SET name = $2, date_of_birth = $3, tu_status_id = $4, membership_type = nullif($5, ''),
		       language = $6, version = version + 1, updated_at = now()
		WHERE id = $1`
	if _, err := tx.Exec(ctx, q, id, in.name, in.dateOfBirth, in.tuStatusID, newType, string(in.lang)); err != nil {
		return err
	}
	return audit.Record(ctx, tx, changed(id, audit.ActorParticipant, nil,
		field{"name", p.Name, in.name},
		field{"date_of_birth", isoDate(p.DateOfBirth), isoDate(in.dateOfBirth)},
		field{"tu_status_id", idString(p.TUStatusID), idString(in.tuStatusID)},
		field{"membership_type", p.MembershipType, newType})...)
}

// editView is the form for p with its stored values.
func (h *Handler) editView(ctx context.Context, token string, p Person) (views.EditForm, error) {
	tus, err := tuStatuses(ctx, h.pool)
	if err != nil {
		return views.EditForm{}, err
	}
	ts, err := LoadTypes(ctx, h.pool)
	if err != nil {
		return views.EditForm{}, err
	}
	f := editFrame(i18n.LangOf(ctx), p, tus, ts)
	// Without the SEPA settings the fee page only says so: an
	// association that collects no fees here shows members no link to it.
	f.ShowFees = f.ShowFees && h.cfg.SEPA.Ready()
	if !f.ShowFees {
		if f.ShowFees, err = persons.HeldBy(ctx, h.pool, persons.DomainFees, p.ID); err != nil {
			return views.EditForm{}, err
		}
	}
	f.Action = "/edit/" + token
	f.Version = p.Version
	f.Name = p.Name
	f.DateOfBirth = isoDate(p.DateOfBirth)
	f.TUStatus = idString(p.TUStatusID)
	f.MembershipType = p.MembershipType
	return f, nil
}

func (h *Handler) freshEditView(ctx context.Context, token string, personID int64) (views.EditForm, error) {
	p, err := loadPerson(ctx, h.pool, personID, false)
	if err != nil {
		return views.EditForm{}, err
	}
	return h.editView(ctx, token, p)
}

// renderEdit answers with the form alone for htmx, else the whole page.
// Pages behind personal links are never cached.
func (h *Handler) renderEdit(w http.ResponseWriter, r *http.Request, status int, f views.EditForm) {
	w.Header().Set("Cache-Control", "no-store")
	if web.IsFragment(r) {
		h.site.RenderFragment(w, r, status, views.EditFormFragment(f))
		return
	}
	h.site.Render(w, r, status, i18n.T(r.Context(), "members.edit.title"), views.EditPage(f))
}
