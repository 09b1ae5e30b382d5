package events

// EventCard is one event in the list.
type EventCard struct {
	Name string
	// URL is the registration page.
	URL  string
	When string
	// FreePlaces is nil when the number of places is unlimited.
	FreePlaces *int
	// CalendarURL is the event's .ics file; empty without a start time.
	CalendarURL string
	// ParticipantsURL and CheckinURL are the organisers' pages of the
	// event, for users who may open them.
	ParticipantsURL, CheckinURL string
}

// ListView is the events list: open events with free places, open events
// that are full (registering puts you on the waiting list), and, for
// logged-in users, closed ones.
type ListView struct {
	Open       []EventCard
	Full       []EventCard
	Closed     []EventCard
	ShowClosed bool
	// ClosedNotice names the event whose registration a visitor just
	// tried; it has closed. Empty when there is nothing to say.
	ClosedNotice string
}

// EventHeader is what the registration and personal pages show about the
// event. Description and Footer are sanitised HTML.
type EventHeader struct {
	Name        string
	When        string
	Location    string
	Description string
	Footer      string
	// FreePlaces is nil when unlimited; Full means no place is left.
	FreePlaces *int
	Full       bool
	// Begun: the event has started, so its waiting list moves up no more.
	Begun bool
	// Preview: registration is closed, shown to a user who may look.
	Preview bool
}

// RegistrationView is the registration page.
type RegistrationView struct {
	Event EventHeader
	Form  RegistrationForm
}

// RegistrationForm is the form of the registration page, or, once sent,
// the notice to check one's mail in its place.
type RegistrationForm struct {
	Action string
	// Fields are name and email, then the schema's fields.
	Fields []Field
	// Sent replaces the form by the "check your mail" notice.
	Sent   bool
	SentTo string
	// HasErrors shows a summary above the form.
	HasErrors bool
	// Preview shows a closed event's form to a user who may look; it
	// cannot be sent.
	Preview bool
}

// PersonalView is a participant's page for one registration.
type PersonalView struct {
	Event  EventHeader
	Action string
	Name   string
	Email  string
	// Status is pending, confirmed, waitinglist or canceled.
	Status   string
	Position int
	// CanConfirm shows the confirm button (pending, or registering again
	// after cancelling while registration is open).
	CanConfirm bool
	CanCancel  bool
	// CancelFreesPlace: cancelling gives a place to the waiting list, so
	// the question before cancelling says so.
	CancelFreesPlace bool
	// Answers is the form with the stored answers; nil while pending or
	// canceled.
	Answers *AnswersForm
	// Ticket is shown while the registration is confirmed.
	Ticket *Ticket
	// CalendarURL is the event's .ics file; empty without a start time.
	CalendarURL string
	// OfferDeadline is when the place offered to this person on the
	// waiting list must be taken by; empty without an open offer.
	OfferDeadline string
}

// Ticket is a confirmed registration's check-in code.
type Ticket struct {
	// Code is the code as people read it (ABCDE-FGHJK).
	Code string
	// QR is the code's QR code as inline SVG, drawn by the server.
	QR string
	// CheckedIn is when the person was checked in; empty before.
	CheckedIn string
}

// AnswersForm is the participant's form of stored answers.
type AnswersForm struct {
	Action string
	Fields []Field
	// Editable is false once the event closed editing.
	Editable  bool
	HasErrors bool
	// Former are stored answers the form cannot show: to questions it no
	// longer asks, or choices it no longer offers. They stay stored.
	Former []FormerAnswer
}

// FormerAnswer is a stored answer under the question it answered.
type FormerAnswer struct{ Label, Value string }

// ResendView is the page asking for an address to resend links to.
type ResendView struct {
	Email string
	Error string
	Sent  bool
}

// Problem is a refusal as a page shows it: memberdb's own translated
// sentence, and what the library that found the problem said about it
// (in English), if anything.
type Problem struct {
	Text   string
	Detail string
}
