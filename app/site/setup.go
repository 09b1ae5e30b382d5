package site

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
	view "github.com/pepalumni/memberdb/components/site"
)

// SetupTTL is how long a setup link works.
const SetupTTL = time.Hour

// AdminRole is the role the setup page gives the first admin: every
// access level there is.
const AdminRole = "admin"

// setupActor names the setup page in the audit log.
const setupActor = "setup"

// errSetupDone: someone has set up memberdb already.
var errSetupDone = errors.New("site: memberdb has been set up")

// lockSetup serialises everything that asks whether memberdb has a user
// yet: instances printing links, and setup pages sent at once.
func lockSetup(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('memberdb first run setup', 0))`)
	return err
}

// AnnounceSetup logs a link to the setup page when the database has no
// user. Instances started together print one link between them: one
// issued in the last minute and unused is taken as theirs (its secret is
// only in the log of the instance that issued it). An instance started
// later prints a new link; earlier ones keep working until they expire or
// the setup is done.
func AnnounceSetup(ctx context.Context, pool *pgxpool.Pool, base *url.URL, logger *slog.Logger) error {
	var link string
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockSetup(ctx, tx); err != nil {
			return err
		}
		var hasUser, recent bool
		const q = `SELECT EXISTS (SELECT 1 FROM users),
			EXISTS (SELECT 1 FROM tokens WHERE purpose = $1 AND used_at IS NULL AND expires_at > now()
				AND created_at > now() - interval '1 minute')`
		if err := tx.QueryRow(ctx, q, tokens.FirstRunSetup).Scan(&hasUser, &recent); err != nil {
			return err
		}
		if hasUser {
			return nil
		}
		if recent {
			logger.Info("first run: another instance has just printed the setup link; see its log")
			return nil
		}
		token, err := tokens.Issue(ctx, tx, tokens.Spec{Purpose: tokens.FirstRunSetup, TTL: SetupTTL, SingleUse: true})
		if err != nil {
			return err
		}
		link = base.JoinPath("setup", token).String()
		return nil
	})
	if err != nil {
		return fmt.Errorf("site: setup link: %w", err)
	}
	if link != "" {
		logger.Warn("first run: memberdb has no user yet; open this link within an hour to create the first admin",
			"setup_url", link)
	}
	return nil
}

// setupForm is GET /setup/{token}.
func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	_, err := tokens.Check(ctx, h.store.pool, tokens.FirstRunSetup, token)
	if err == nil {
		var hasUser bool
		if err = h.store.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&hasUser); err == nil && hasUser {
			err = errSetupDone
		}
	}
	if err != nil {
		h.setupRefused(w, r, err)
		return
	}
	h.renderSetup(w, r, http.StatusOK, h.setupView(r, token))
}

func (h *Handler) setupView(r *http.Request, token string) view.SetupForm {
	return view.SetupForm{Action: "/setup/" + url.PathEscape(token), MinLength: auth.MinPasswordLength, Errors: map[string]string{}}
}

func (h *Handler) renderSetup(w http.ResponseWriter, r *http.Request, status int, f view.SetupForm) {
	h.site.Render(w, r, status, i18n.T(r.Context(), "site.setup.title"), view.SetupPage(f))
}

// setupRefused explains a link that does not (or no longer) work.
func (h *Handler) setupRefused(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	switch {
	case errors.Is(err, tokens.ErrNotFound):
		h.site.Error(w, r, http.StatusNotFound, i18n.T(ctx, "site.setup.unknown"))
	case errors.Is(err, tokens.ErrExpired), errors.Is(err, errSetupDone):
		h.site.Error(w, r, http.StatusGone, i18n.T(ctx, "site.setup.gone"))
	default:
		h.site.ServerError(w, r, err)
	}
}

// setup is POST /setup/{token}: in one transaction it uses up the link,
// creates the first admin, names the association and makes every other
// setup link void. Of two pages sent at once, one wins; the other is
// told the link is used.
func (h *Handler) setup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.site.ParseForm(w, r) {
		return
	}
	token := chi.URLParam(r, "token")
	f := h.setupView(r, token)
	acc, password := h.readSetup(ctx, r, &f)
	if len(f.Errors) > 0 {
		// A dead link is told as such before any field's message.
		if _, err := tokens.Check(ctx, h.store.pool, tokens.FirstRunSetup, token); err != nil {
			h.setupRefused(w, r, err)
			return
		}
		h.renderSetup(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	acc.Password = password
	var userID int64
	err := h.store.update(ctx, func(tx pgx.Tx) error {
		if err := lockSetup(ctx, tx); err != nil {
			return err
		}
		if _, err := tokens.Consume(ctx, tx, tokens.FirstRunSetup, token); err != nil {
			return err
		}
		var hasUser bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&hasUser); err != nil {
			return err
		}
		if hasUser {
			return errSetupDone
		}
		var err error
		if userID, err = auth.CreateFirstAdmin(ctx, tx, acc, AdminRole, setupActor); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE site_settings SET org_name = $1, contact_address = $2, website = $3, updated_at = now()`,
			f.OrgName, f.ContactAddress, f.Website); err != nil {
			return fmt.Errorf("site: name the association: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE tokens SET used_at = now() WHERE purpose = $1 AND used_at IS NULL`, tokens.FirstRunSetup); err != nil {
			return fmt.Errorf("site: void setup links: %w", err)
		}
		return nil
	})
	switch {
	case errors.Is(err, tokens.ErrNotFound), errors.Is(err, tokens.ErrExpired), errors.Is(err, errSetupDone):
		h.setupRefused(w, r, err)
		return
	case errors.Is(err, auth.ErrUserExists):
		// Only reachable if a user appeared meanwhile: setup is over.
		h.setupRefused(w, r, errSetupDone)
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	if err := h.logIn(ctx, userID, 0); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(ctx, "site.setup.done"))
	web.Redirect(w, r, "/admin/")
}

// Limits of the setup page's fields, as the columns hold them.
const (
	maxOrgName = 200
	maxAddress = 254
	maxWebsite = 200
	// A postal address of six lines at most holds a c/o line, a
	// faculty, a street, a place and a country.
	maxPostal      = 500
	maxPostalLines = 6
	maxName        = 200
	maxUsername    = 100
	maxPassword    = 1000
)

// readSetup reads the form into f and acc, putting a message per bad field
// into f.Errors.
func (h *Handler) readSetup(ctx context.Context, r *http.Request, f *view.SetupForm) (auth.NewAccount, string) {
	get := func(name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }
	f.OrgName, f.ContactAddress, f.Website = get("org_name"), get("contact_address"), get("website")
	f.Name, f.Email, f.Username = get("name"), get("email"), get("username")
	password, confirm := r.PostForm.Get("password"), r.PostForm.Get("confirm")
	required := func(name, value string, max int) bool {
		switch {
		case value == "":
			f.Errors[name] = i18n.T(ctx, "site.error.required")
		case len([]rune(value)) > max:
			f.Errors[name] = i18n.T(ctx, "site.error.too_long", fmt.Sprint(max))
		default:
			return true
		}
		return false
	}
	address := func(name, value string) {
		if required(name, value, maxAddress) && !isAddress(value) {
			f.Errors[name] = i18n.T(ctx, "site.error.address")
		}
	}
	required("org_name", f.OrgName, maxOrgName)
	address("contact_address", f.ContactAddress)
	if f.Website != "" && !isWebsite(f.Website) {
		f.Errors["website"] = i18n.T(ctx, "site.error.website")
	}
	required("name", f.Name, maxName)
	address("email", f.Email)
	if required("username", f.Username, maxUsername) && strings.ContainsAny(f.Username, ": \t\r\n") {
		f.Errors["username"] = i18n.T(ctx, "site.error.username")
	}
	switch {
	case len([]rune(password)) > maxPassword:
		f.Errors["password"] = i18n.T(ctx, "site.error.too_long", fmt.Sprint(maxPassword))
	case auth.CheckNewPassword(password) != nil:
		f.Errors["password"] = i18n.N(ctx, "site.error.password_short", auth.MinPasswordLength)
	case password != confirm:
		f.Errors["confirm"] = i18n.T(ctx, "site.error.mismatch")
	}
	return auth.NewAccount{Username: f.Username, Email: f.Email, Name: f.Name}, password
}

// isWebsite accepts a full http(s) address of a host, as pages link it and
// mails print it, written as the database's check wants it.
func isWebsite(value string) bool {
	u, err := url.Parse(value)
	return err == nil && (strings.HasPrefix(value, "https://") || strings.HasPrefix(value, "http://")) && u.Host != "" &&
		u.User == nil && len(value) <= maxWebsite && strings.IndexFunc(value, notInURL) < 0
}

// notInURL is a space of any kind, a control character or a quote or
// bracket that would end an attribute.
func notInURL(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`"<>`, r)
}

// isAddress reports whether value is a bare mail address.
func isAddress(value string) bool {
	a, err := mail.ParseAddress(value)
	return err == nil && a.Address == value && len(value) <= maxAddress
}
