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

// Kept is what a form shown again keeps of a value refused for its
// length: its first limit characters (whole ones; the value is valid
// UTF-8, as the site refuses any other). Shown whole, a megabyte pasted
// into a field would travel back over a phone connection with the
// message that it was too long; cut, the person still sees where they
// were. A value within the limit, or a limit of 0, keeps it all.
func Kept(value string, limit int) string {
	if limit <= 0 || len(value) <= limit {
		return value
	}
	n := 0
	for i := range value {
		if n == limit {
			return value[:i]
		}
		n++
	}
	return value
}
