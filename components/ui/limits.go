package ui

// Limits of what a person's forms accept, in characters: the handlers
// refuse longer input with a message next to the field, the inputs carry
// them as maxlength. Components cannot import app/, so they are declared
// here, where both sides see them.
const (
	// MaxNameLength bounds a person's name (membership application,
	// event registration, one's data).
	MaxNameLength = 200
	// MaxEmailLength bounds an address: the longest one SMTP carries.
	MaxEmailLength = 254
)
