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
// go to next if it stays on this site. A successful login makes the browser
// a known device (see device.go).
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	// The site refuses text no person types (NUL bytes, invalid UTF-8)
	// before it gets here; CountRefusedLogin counts that as a failure.
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

	a := Attempt{Client: h.clientIP(r), UserOrEmail: f.UserOrEmail, Password: password}
	if ck, err := r.Cookie(deviceCookieName); err == nil {
		a.Device = ck.Value
	}
	c, retry, err := h.users.Authenticate(r.Context(), a)
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
	// Without the cookie the login still stands; the browser just stays
	// unknown until the next one.
	if token, err := h.users.issueDevice(r.Context(), c.UserID); err != nil {
		h.users.logError(r.Context(), "issuing a device cookie failed", err, c.UserID)
	} else {
		http.SetCookie(w, deviceCookie(token, h.cfg.Secure()))
	}
	h.site.Flash(r, "success", i18n.T(r.Context(), "auth.login.done"))
	web.Redirect(w, r, web.LocalPath(f.Next, "/"))
}

// CountRefusedLogin counts a login the site's input check refused (a
// web.Site.BadInputHooks hook, registered by NewHandler) as a failed attempt
// of its client: it names no account anyone has, but it is a try all the
// same, and must not be a way to probe for free.
func (s *Sessions) CountRefusedLogin(r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/login/" {
		s.limits().refuseLogin(r.Context(), web.ClientIP(r, s.TrustedProxies))
	}
}

// logout is POST /logout/. It is a POST so that a link (an image, a mail
// scanner) cannot log anyone out.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if CurrentUser(r.Context()) == nil {
		// Nobody to log out: no message, and so no session to carry it
		// (a loop of such posts would otherwise fill the sessions table).
		web.Redirect(w, r, "/")
		return
	}
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
