package events

// Registration statuses (registrations.status). The templates of this
// package and of components/organisers compare against them and components
// never import app, so the values are declared here, the one package both
// the templates and app/events can import; app/events names them for the
// domain code (events.StatusConfirmed) without repeating them.
const (
	StatusPending     = "pending"
	StatusConfirmed   = "confirmed"
	StatusWaitinglist = "waitinglist"
	StatusCanceled    = "canceled"
)
