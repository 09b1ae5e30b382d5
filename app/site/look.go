package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/site"
)

// look is GET /admin/site.
func (h *Handler) look(w http.ResponseWriter, r *http.Request) {
	st, err := h.store.Current(r.Context())
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.renderLook(w, r, http.StatusOK, h.lookView(st))
}

func (h *Handler) lookView(st *Settings) view.LookView {
	return view.LookView{LogoURL: st.LogoPath(), Accent: st.Accent, MaxLogoKB: MaxLogoBytes >> 10, MaxLogoPixels: MaxLogoPixels,
		OrgName: st.OrgName, ContactAddress: st.ContactAddress, ConfigName: h.store.cfg.OrgName, ConfigAddress: h.store.cfg.OrgEmail,
		Website: st.Website, ConfigWebsite: h.store.cfg.OrgWebsite,
		PostalAddress: st.PostalAddress, ConfigPostal: h.store.cfg.OrgAddress,
		MaxPostal: maxPostal, MaxPostalLines: maxPostalLines,
		OrgErrors: map[string]string{}}
}

func (h *Handler) renderLook(w http.ResponseWriter, r *http.Request, status int, v view.LookView) {
	h.site.Render(w, r, status, i18n.T(r.Context(), "site.look.title"), view.LookPage(v))
}

// uploadLogo is POST /admin/site/logo: the file is cleaned (CleanLogo)
// and replaces the logo.
func (h *Handler) uploadLogo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := h.store.Current(ctx)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	v := h.lookView(st)
	upload, err := readLogo(r)
	switch {
	case web.ClientGone(r):
		return
	case errors.Is(err, ErrLogoTooLarge) || web.IsTooLarge(err):
		v.LogoError = i18n.T(ctx, "site.logo.error.too_large", fmt.Sprint(MaxLogoBytes>>10))
	case errors.Is(err, errNoFile):
		v.LogoError = i18n.T(ctx, "site.logo.error.none")
	case err != nil:
		h.site.Error(w, r, http.StatusBadRequest, "")
		return
	}
	var logo Logo
	if v.LogoError == "" {
		logo, err = CleanLogo(upload)
		if err != nil {
			v.LogoError = logoErrorText(ctx, err)
		}
	}
	if v.LogoError != "" {
		h.renderLook(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	err = h.store.update(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE site_settings SET logo = $1, logo_type = $2, updated_at = now()`, logo.Data, logo.Type); err != nil {
			return fmt.Errorf("site: save logo: %w", err)
		}
		return audit.Record(ctx, tx, change(ctx, "logo", nil, audit.Value(logo.Type)))
	})
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "site.logo.saved"))
	web.Redirect(w, r, "/admin/site")
}

var errNoFile = errors.New("site: no file sent")

// readLogo reads the one file of the form, at most MaxLogoBytes of it.
// Only the logo part is read, straight from the body: nothing goes to
// temporary files.
func readLogo(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errNoFile
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() != "logo" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, MaxLogoBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > MaxLogoBytes {
			return nil, ErrLogoTooLarge
		}
		if len(data) == 0 {
			return nil, errNoFile
		}
		return data, nil
	}
}

func logoErrorText(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, ErrLogoTooLarge):
		return i18n.T(ctx, "site.logo.error.too_large", fmt.Sprint(MaxLogoBytes>>10))
	case errors.Is(err, ErrLogoTooWide):
		return i18n.T(ctx, "site.logo.error.too_wide", fmt.Sprint(MaxLogoPixels))
	case errors.Is(err, ErrLogoUnreadable):
		return i18n.T(ctx, "site.logo.error.unreadable")
	default:
		return i18n.T(ctx, "site.logo.error.format")
	}
}

// confirmDeleteLogo is GET /admin/site/logo/delete: it asks first.
func (h *Handler) confirmDeleteLogo(w http.ResponseWriter, r *http.Request) {
	st, err := h.store.Current(r.Context())
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if st.Logo == nil {
		web.Redirect(w, r, "/admin/site")
		return
	}
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "site.logo.delete.title"), view.LogoDeletePage(st.LogoPath()))
}

// deleteLogo is POST /admin/site/logo/delete.
func (h *Handler) deleteLogo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.site.ParseForm(w, r) {
		return
	}
	err := h.store.update(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE site_settings SET logo = NULL, logo_type = NULL, updated_at = now() WHERE logo IS NOT NULL`)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, change(ctx, "logo", nil, audit.Value("")))
	})
	if err != nil {
		h.site.ServerError(w, r, fmt.Errorf("site: delete logo: %w", err))
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "site.logo.deleted"))
	web.Redirect(w, r, "/admin/site")
}

// saveAccent is POST /admin/site/accent; an empty colour, or the
// default's button (reset=yes), brings back the default.
func (h *Handler) saveAccent(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.site.ParseForm(w, r) {
		return
	}
	sent := r.PostForm.Get("accent")
	if r.PostForm.Get("reset") == "yes" {
		// The default's button sends the typed colour too.
		sent = ""
	}
	colour := ""
	if sent != "" {
		var err error
		colour, err = CheckAccent(sent)
		if err != nil {
			st, lerr := h.store.Current(ctx)
			if lerr != nil {
				h.site.ServerError(w, r, lerr)
				return
			}
			v := h.lookView(st)
			v.Accent = truncate(sent, 20)
			v.AccentError = i18n.T(ctx, "site.accent.error.format")
			if errors.Is(err, ErrAccentLight) {
				v.AccentError = i18n.T(ctx, "site.accent.error.light")
			}
			h.renderLook(w, r, http.StatusUnprocessableEntity, v)
			return
		}
	}
	err := h.store.update(ctx, func(tx pgx.Tx) error {
		var old string
		if err := tx.QueryRow(ctx, `SELECT accent FROM site_settings FOR UPDATE`).Scan(&old); err != nil {
			return err
		}
		if old == colour {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE site_settings SET accent = $1, updated_at = now()`, colour); err != nil {
			return err
		}
		return audit.Record(ctx, tx, change(ctx, "accent", audit.Value(old), audit.Value(colour)))
	})
	if err != nil {
		h.site.ServerError(w, r, fmt.Errorf("site: save accent: %w", err))
		return
	}
	if colour == "" {
		h.site.Flash(r, "success", i18n.T(ctx, "site.accent.default"))
	} else {
		h.site.Flash(r, "success", i18n.T(ctx, "site.accent.saved"))
	}
	web.Redirect(w, r, "/admin/site")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// change is the audit log's entry of a change of the settings by the
// request's user.
func change(ctx context.Context, field string, old, new *string) audit.Entry {
	e := auth.AuditActor(ctx, "")
	e.Table, e.RowID, e.Field, e.OldValue, e.NewValue = "site_settings", "1", field, old, new
	return e
}

// saveOrg is POST /admin/site/org: the association's name and contact
// address; empty ones fall back to the configuration's.
func (h *Handler) saveOrg(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.site.ParseForm(w, r) {
		return
	}
	st, err := h.store.Current(ctx)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	v := h.lookView(st)
	v.OrgName = strings.TrimSpace(r.PostForm.Get("org_name"))
	v.ContactAddress = strings.TrimSpace(r.PostForm.Get("contact_address"))
	v.Website = strings.TrimSpace(r.PostForm.Get("website"))
	if v.Website != "" && !isWebsite(v.Website) {
		v.OrgErrors["website"] = i18n.T(ctx, "site.error.website")
	}
	// Lines as the pages show them: trimmed, blank ones left out.
	postal := mail.PostalLines(r.PostForm.Get("postal_address"))
	v.PostalAddress = strings.Join(postal, "\n")
	switch {
	case len([]rune(v.PostalAddress)) > maxPostal:
		v.OrgErrors["postal_address"] = i18n.T(ctx, "site.error.too_long", fmt.Sprint(maxPostal))
	case len(postal) > maxPostalLines:
		v.OrgErrors["postal_address"] = i18n.T(ctx, "site.error.postal_lines", fmt.Sprint(maxPostalLines))
	}
	switch {
	case len([]rune(v.OrgName)) > maxOrgName:
		v.OrgErrors["org_name"] = i18n.T(ctx, "site.error.too_long", fmt.Sprint(maxOrgName))
	case strings.ContainsAny(v.OrgName, "\r\n"):
		// The name opens mails and subjects: a line break in it would
		// fake a line of every mail.
		v.OrgErrors["org_name"] = i18n.T(ctx, "site.error.line_break")
	}
	if v.ContactAddress != "" && !isAddress(v.ContactAddress) {
		v.OrgErrors["contact_address"] = i18n.T(ctx, "site.error.address")
	}
	if len(v.OrgErrors) > 0 {
		v.OrgName, v.ContactAddress = truncate(v.OrgName, maxOrgName+20), truncate(v.ContactAddress, maxAddress+20)
		v.Website, v.PostalAddress = truncate(v.Website, maxWebsite+20), truncate(v.PostalAddress, maxPostal+20)
		h.renderLook(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	err = h.store.update(ctx, func(tx pgx.Tx) error {
		var oldName, oldAddress, oldWebsite, oldPostal string
		if err := tx.QueryRow(ctx, `SELECT org_name, contact_address, website, postal_address FROM site_settings FOR UPDATE`).
			Scan(&oldName, &oldAddress, &oldWebsite, &oldPostal); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE site_settings SET org_name = $1, contact_address = $2, website = $3, postal_address = $4, updated_at = now()`,
			v.OrgName, v.ContactAddress, v.Website, v.PostalAddress); err != nil {
			return err
		}
		var entries []audit.Entry
		if oldName != v.OrgName {
			entries = append(entries, change(ctx, "org_name", audit.Value(oldName), audit.Value(v.OrgName)))
		}
		if oldAddress != v.ContactAddress {
			entries = append(entries, change(ctx, "contact_address", audit.Value(oldAddress), audit.Value(v.ContactAddress)))
		}
		if oldWebsite != v.Website {
			entries = append(entries, change(ctx, "website", audit.Value(oldWebsite), audit.Value(v.Website)))
		}
		if oldPostal != v.PostalAddress {
			entries = append(entries, change(ctx, "postal_address", audit.Value(oldPostal), audit.Value(v.PostalAddress)))
		}
		return audit.Record(ctx, tx, entries...)
	})
	if err != nil {
		h.site.ServerError(w, r, fmt.Errorf("site: save org: %w", err))
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "site.org.saved"))
	web.Redirect(w, r, "/admin/site")
}
