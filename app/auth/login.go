package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pepalumni/memberdb/app/web"
	view "github.com/pepalumni/memberdb/components/auth"
	"github.com/pepalumni/memberdb/components/i18n"
)

// loginForm is GET /login/.
func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	// A hostile next is dropped here already, so the form never carries it.
	h.renderLogin(w, r, http.StatusOK, view.LoginForm{Next: web.LocalPath(r.URL.Query().Get("next"), "")})
}

// login is POST /login/: check the credentials, start a fresh session and
// go to next if it stays on this site.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.site.ParseForm(w, r) {
		return
	}
	f := view.LoginForm{
		UserOrEmail: strings.TrimSpace(r.PostForm.Get("user_or_email")),
		Next:        r.PostForm.Get("next"),
	}
	password := r.PostForm.Get("password")
	if f.UserOrEmail == "" {
		f.UserOrEmailError = i18n.T(r.Context(), "auth.error.required")
	}
	if password == "" {
		f.PasswordError = i18n.T(r.Context(), "auth.error.required")
	}
	if f.UserOrEmailError != "" || f.PasswordError != "" {
		h.renderLogin(w, r, http.StatusUnprocessableEntity, f)
		return
	}

	c, retry, err := h.users.Authenticate(r.Context(), h.clientIP(r), f.UserOrEmail, password)
	switch {
	case errors.Is(err, ErrTooManyAttempts):
		h.site.TooManyRequests(w, r, retry)
		return
	case errors.Is(err, ErrBadCredentials):
		f.Failed = true
		h.renderLogin(w, r, http.StatusUnprocessableEntity, f)
		return
	case err != nil:
		h.site.ServerError(w, r, err)
		return
	}
	if err := h.users.LogIn(r.Context(), c.UserID, c.Epoch); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	h.site.Flash(r, "success", i18n.T(r.Context(), "auth.login.done"))
	web.Redirect(w, r, web.LocalPath(f.Next, "/"))
}

// logout is POST /logout/. It is a POST so that a link (an image, a mail
// scanner) cannot log anyone out.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.users.LogOut(r.Context()); err != nil {
		h.site.ServerError(w, r, err)
		return
	}
	// Destroy cleared the session; the flash starts a new, anonymous one.
	h.site.Flash(r, "info", i18n.T(r.Context(), "auth.logout.done"))
	web.Redirect(w, r, "/")
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, f view.LoginForm) {
	h.site.Render(w, r, status, i18n.T(r.Context(), "auth.login.title"), view.LoginPage(f))
}
