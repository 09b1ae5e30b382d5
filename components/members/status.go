package members

// Membership statuses (persons.membership_status). The templates of this
// package compare against them and components never import app, so the
// values are declared here,
// the one package both the templates and app/members can import;
// app/members names them for the domain code without repeating them.
const (
	// StatusNone: the person never applied (NULL in the database).
	StatusNone       = ""
	StatusUnverified = "email_unverified"
	StatusPending    = "pending"
	StatusConfirmed  = "confirmed"
	StatusDenied     = "denied"
	StatusCanceled   = "canceled"
)

// Statuses lists the membership statuses a person can have, in the order
// of an application's way.
var Statuses = []string{StatusUnverified, StatusPending, StatusConfirmed, StatusDenied, StatusCanceled}

// TypeOption is a membership type as a form offers it, in the reader's
// language.
type TypeOption struct {
	Key         string
	Name        string
	Description string
}
