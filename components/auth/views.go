// Package auth renders the login, logout and password reset pages.
package auth

// LoginForm is what the login page shows. Messages are translated already.
type LoginForm struct {
	UserOrEmail string
	// Next is where to go after logging in; kept as typed, checked on POST.
	Next string
	// Failed is set after a wrong name or password (one message for both).
	Failed           bool
	UserOrEmailError string
	PasswordError    string
}

// ResetRequestForm asks for the account whose password is forgotten.
type ResetRequestForm struct {
	UserOrEmail      string
	UserOrEmailError string
}

// NewPasswordForm sets a new password through a mailed link.
type NewPasswordForm struct {
	// Action is the form's URL, the link itself.
	Action string
	// MinLength is the shortest password allowed, named in the rule.
	MinLength     int
	PasswordError string
	ConfirmError  string
}

// LinkProblem explains a mailed link that no longer works.
type LinkProblem struct {
	// Status is 404 (unknown or altered link) or 410 (expired or used).
	Status int
}
