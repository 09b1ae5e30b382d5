package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/tokens"
	"github.com/pepalumni/memberdb/app/web"
	view "github.com/pepalumni/memberdb/components/auth"
	"github.com/pepalumni/memberdb/components/i18n"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = 30 * time.Minute

// resetRequestForm is GET /password_reset/.
func (h *Handler) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "auth.reset.title"), view.ResetRequestPage(view.ResetRequestForm{}))
}

// resetRequest is POST /password_reset/. Known and unknown accounts get the
// same page after the same time, so it cannot be used to find out who has
// an account.
func (h *Handler) resetRequest(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	f := view.ResetRequestForm{UserOrEmail: strings.TrimSpace(r.PostForm.Get("user_or_email"))}
	if f.UserOrEmail == "" {
		f.UserOrEmailError = i18n.T(r.Context(), "auth.error.required")
		h.site.Render(w, r, http.StatusUnprocessableEntity, i18n.T(r.Context(), "auth.reset.title"), view.ResetRequestPage(f))
		return
	}
	if ok, retry := h.users.limits().allowReset(r.Context(), h.clientIP(r), f.UserOrEmail); !ok {
		h.site.TooManyRequests(w, r, retry)
		return
	}
	start := time.Now()
	if err := h.sendResetLink(r.Context(), f.UserOrEmail); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	// A known account costs a token and a queued mail: the floor keeps
	// the time from telling who has one.
	web.EvenOut(r.Context(), start)
	h.site.Render(w, r, http.StatusOK, i18n.T(r.Context(), "auth.reset.title"), view.ResetSentPage(int(ResetTTL.Minutes())))
}

// account is the user a reset link or a password change is about.
type account struct {
	UserID   int64
	Username string
	PersonID int64
	Name     string
	Email    string
}

// sendResetLink mails a new link to the account named userOrEmail, making
// earlier links void. It does nothing for unknown or disabled accounts.
func (h *Handler) sendResetLink(ctx context.Context, userOrEmail string) error {
	c, err := h.users.findCredentials(ctx, userOrEmail)
	if errors.Is(err, errNoUser) {
		return nil
	}
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, h.users.Pool, func(tx pgx.Tx) error {
		a, err := loadAccount(ctx, tx, c.UserID)
		if err != nil {
			return err
		}
		token, err := tokens.Issue(ctx, tx, tokens.Spec{
			Purpose: tokens.PasswordReset, SubjectID: a.UserID, TTL: ResetTTL, SingleUse: true, Supersede: true,
		})
		if err != nil {
			return err
		}
		data := map[string]any{
			"Name": a.Name, "Username": a.Username, "Validity": i18n.N(ctx, "auth.reset.validity", int(ResetTTL.Minutes())),
			"Link": h.cfg.URL("/password_reset/" + token),
		}
		return h.enqueue(ctx, tx, a, "password_reset", data)
	})
}

// newPasswordForm is GET /password_reset/{token}. Looking does not use the
// link up: mail scanners open links too.
func (h *Handler) newPasswordForm(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	if _, err := tokens.Check(r.Context(), h.users.Pool, tokens.PasswordReset, token); err != nil {
		h.linkProblem(w, r, err)
		return
	}
	h.renderNewPassword(w, r, http.StatusOK, view.NewPasswordForm{})
}

// setNewPassword is POST /password_reset/{token}: set the password, end
// every session of the user, tell them by mail, and log in this browser.
func (h *Handler) setNewPassword(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	if !h.site.ParseForm(w, r) {
		return
	}
	// A dead link is answered as such before the form is judged.
	if _, err := tokens.Check(r.Context(), h.users.Pool, tokens.PasswordReset, token); err != nil {
		h.linkProblem(w, r, err)
		return
	}
	password, confirm := r.PostForm.Get("new_password"), r.PostForm.Get("confirm")
	var f view.NewPasswordForm
	if err := CheckNewPassword(password); err != nil {
		f.PasswordError = i18n.N(r.Context(), "auth.error.too_short", MinPasswordLength)
	} else if password != confirm {
		f.ConfirmError = i18n.T(r.Context(), "auth.error.mismatch")
	}
	if f.PasswordError != "" || f.ConfirmError != "" {
		h.renderNewPassword(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	hash, err := HashPassword(password)
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}

	var userID int64
	var epoch int
	err = pgx.BeginFunc(r.Context(), h.users.Pool, func(tx pgx.Tx) error {
		id, err := tokens.Consume(r.Context(), tx, tokens.PasswordReset, token)
		if err != nil {
			return err
		}
		a, err := loadAccount(r.Context(), tx, id)
		if err != nil {
			return err
		}
		if epoch, err = storePassword(r.Context(), tx, a.UserID, hash, a.Username, &a.UserID); err != nil {
			return err
		}
		userID = a.UserID
		return h.enqueue(r.Context(), tx, a, "password_changed", map[string]any{"Name": a.Name, "Username": a.Username})
	})
	if errors.Is(err, tokens.ErrNotFound) || errors.Is(err, tokens.ErrExpired) || errors.Is(err, errNoUser) {
		h.linkProblem(w, r, err)
		return
	}
	if err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	if err := h.users.LogIn(r.Context(), userID, epoch); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(r.Context(), "auth.newpw.done"))
	web.Redirect(w, r, "/")
}

func (h *Handler) renderNewPassword(w http.ResponseWriter, r *http.Request, status int, f view.NewPasswordForm) {
	// The form posts back to the link itself; the token is not echoed from
	// anywhere else.
	f.Action = "/password_reset/" + url.PathEscape(chi.URLParam(r, "token"))
	f.MinLength = MinPasswordLength
	h.site.Render(w, r, status, i18n.T(r.Context(), "auth.newpw.title"), view.NewPasswordPage(f))
}

// linkProblem answers a dead link: 410 for expired or used, 404 otherwise.
func (h *Handler) linkProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusNotFound
	switch {
	case errors.Is(err, tokens.ErrExpired):
		status = http.StatusGone
	case errors.Is(err, tokens.ErrNotFound), errors.Is(err, errNoUser):
	default:
		h.site.ServerError(w, r, err)
		return
	}
	title := i18n.T(r.Context(), "auth.link.unknown.title")
	if status == http.StatusGone {
		title = i18n.T(r.Context(), "auth.link.expired.title")
	}
	h.site.Render(w, r, status, title, view.LinkProblemPage(view.LinkProblem{Status: status}))
}

// enqueue queues text name to the account's person in the language of the
// request: the one asking for a link or setting a password is, as far as
// anyone can tell, that person, and reads the site in the language they
// want their mail in.
func (h *Handler) enqueue(ctx context.Context, tx pgx.Tx, a account, name string, data any) error {
	m, err := h.texts.Message(i18n.LangOf(ctx), name, data, mail.Address(a.Name, a.Email))
	if err != nil {
		return err
	}
	m.Kind = name
	m.PersonID = a.PersonID
	_, err = mail.Enqueue(ctx, tx, m)
	return err
}

// loadAccount returns the active user id with their person.
func loadAccount(ctx context.Context, tx pgx.Tx, userID int64) (account, error) {
	const q = `
		SELECT u.id, u.username, p.id, p.name, p.email
		FROM users u JOIN persons p ON p.id = u.person_id
		WHERE u.id = $1 AND u.disabled_at IS NULL`
	var a account
	err := tx.QueryRow(ctx, q, userID).Scan(&a.UserID, &a.Username, &a.PersonID, &a.Name, &a.Email)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, errNoUser
	}
	if err != nil {
		return a, fmt.Errorf("auth: load account: %w", err)
	}
	return a, nil
}

// storePassword sets the hash and bumps the session epoch, which ends every
// session of the user made before; it returns the new epoch. actor names
// who did it in the audit log.
func storePassword(ctx context.Context, tx pgx.Tx, userID int64, hash, actor string, actorID *int64) (int, error) {
	const q = `UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1, version = version + 1
		WHERE id = $1 RETURNING session_epoch`
	var epoch int
	if err := tx.QueryRow(ctx, q, userID, hash).Scan(&epoch); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, errNoUser
		}
		return 0, fmt.Errorf("auth: set password: %w", err)
	}
	// The hash itself never goes into the log.
	return epoch, audit.Record(ctx, tx, audit.Entry{
		UserID: actorID, Actor: actor, Table: "users", RowID: fmt.Sprint(userID), Field: "password_hash",
		NewValue: audit.Value("(changed)"),
	})
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
