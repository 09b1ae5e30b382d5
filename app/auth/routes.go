package auth

// Routes registers the accounts pages. All are public: they are how one
// becomes a logged-in user.
func (h *Handler) Routes(rt *Router) {
	rt.Public().Get("/login/", h.loginForm)
	rt.Public().Post("/login/", h.login)
	rt.Public().Post("/logout/", h.logout)
	rt.Public().Get("/password_reset/", h.resetRequestForm)
	rt.Public().Post("/password_reset/", h.resetRequest)
	rt.Public().Get("/password_reset/{token}", h.newPasswordForm)
	rt.Public().Post("/password_reset/{token}", h.setNewPassword)
}
