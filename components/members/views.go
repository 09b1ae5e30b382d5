// Package members renders applying for membership, the board's decisions,
// the self-service data pages and GDPR access and erasure.
package members

import (
	"context"
	"time"
	_ "time/tzdata" // Europe/Berlin on hosts without a zone database

	"github.com/pepalumni/memberdb/components/i18n"
)

// Option is one choice of a radio list or select.
type Option struct {
	Value string
	Label string
}

// ApplyForm is the membership application at /register/. Messages are
// translated already; empty means the field is fine.
type ApplyForm struct {
	Name           string
	Email          string
	MembershipType string
	// Types are the types the form offers.
	Types      []TypeOption
	NameError  string
	EmailError string
	TypeError  string
}

// LinkSent is the answer to every submitted address: the same whatever is
// known about it.
type LinkSent struct {
	// Validity of the mailed link, e.g. "30 Minuten" (translated).
	Validity string
}

// RequestForm asks for an address to mail a personal link to.
type RequestForm struct {
	// Kind is "edit" (link to edit one's data) or "gdpr" (link to see it).
	Kind       string
	Email      string
	EmailError string
}

// Action is the URL the request form posts to.
func (f RequestForm) Action() string {
	if f.Kind == "gdpr" {
		return "/request_gdpr_data"
	}
	return "/request_edit"
}

// VerifyPage asks the applicant to confirm with one button; following the
// mailed link alone changes nothing, since mail scanners open links.
type VerifyPage struct {
	Action string
	Name   string
	Email  string
}

// EditForm is the self-service form behind an edit link.
type EditForm struct {
	// Action is the link itself; the form posts back to it.
	Action string
	// Version guards against overwriting a change made in another tab.
	Version        int
	Name           string
	DateOfBirth    string // yyyy-mm-dd or empty
	TUStatus       string // id or empty for "no answer"
	MembershipType string
	// Read-only facts.
	Email            string
	JoiningDate      string // yyyy-mm-dd or empty
	LeavingDate      string // yyyy-mm-dd or empty
	MembershipStatus string // raw status, translated by the template; may be empty
	TUStatuses       []Option
	// ShowType is set for members and applicants, who may change their
	// type to one of Types.
	ShowType bool
	Types    []TypeOption
	// CanCancel is set for members, who may end their membership.
	CanCancel bool
	// ShowFees links the fee page: for members, and for someone who left
	// while a mandate or an open fee still concerns them.
	ShowFees bool
	// Notice is a form-level message (e.g. changed in another tab).
	Notice           string
	NameError        string
	DateOfBirthError string
	TUStatusError    string
	TypeError        string
}

// CancelPage is the second confirmation before ending a membership.
type CancelPage struct {
	// Fees: a mandate or an open fee outlasts the membership.
	Fees   bool
	Action string
	Back   string
	Name   string
}

// LinkProblem explains a mailed link that does not work (any more).
type LinkProblem struct {
	// Status is 404 (unknown link) or 410 (expired, used, or what it
	// pointed to is gone).
	Status int
	// Kind is "verify", "edit" or "gdpr": it picks where a new link comes from.
	Kind string
	// Used marks a confirmation link used already: the application is
	// made, a new link to the person's details is what helps.
	Used bool
}

// Application is one pending application on the board's list, or the
// outcome of a decision on it.
type Application struct {
	ID             int64
	Name           string
	Email          string
	MembershipType string
	// TypeName is the type's name in the reader's language.
	TypeName  string
	AppliedAt string // RFC 3339
	// Status is the current status: pending until decided.
	Status string
	// AlreadyDecided says that someone else decided first; nothing changed.
	AlreadyDecided bool
	// HeldByFees: the applicant gave a mandate (or owes a fee from an
	// earlier membership); denying revokes the mandate and mails them.
	HeldByFees   bool
	Message      string
	MessageError string
}

// DeletionRequest is a member's open wish to be erased, on the board's list.
type DeletionRequest struct {
	ID               int64
	PersonID         int64
	Name             string
	Email            string
	MembershipStatus string
	RequestedAt      string // RFC 3339
	// UpcomingEvents counts registrations for events still to come.
	UpcomingEvents int
	// AppliedSince: the person applied for membership after asking to
	// be erased, so the two wishes contradict each other.
	AppliedSince bool
}

// Erasure says what "delete my data" will do for this person.
type Erasure struct {
	Action string
	Back   string
	// Immediate: the data is anonymised right away; otherwise the board
	// receives a request.
	Immediate bool
	// Reasons why the board must decide (translated), shown when not immediate.
	Reasons []string
	// Requested is set when a request is already waiting for the board.
	Requested bool
}

// orNone names the "no answer" choice in ids and test ids.
func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return v
}

// berlin is where the association lives; times are shown as its members
// read them, whatever zone the server runs in.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// when shows an ISO timestamp of the export as people read it; anything
// else stays as it is.
func when(ctx context.Context, iso string) string {
	t, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		return iso
	}
	if i18n.LangOf(ctx) == i18n.DE {
		return t.In(berlin).Format("02.01.2006, 15:04")
	}
	return t.In(berlin).Format("2 Jan 2006, 15:04")
}

func whenPtr(ctx context.Context, iso *string) string {
	if iso == nil {
		return ""
	}
	return when(ctx, *iso)
}

// day shows the day of an ISO date (yyyy-mm-dd) or timestamp as people
// read it; anything else stays as it is.
func day(ctx context.Context, iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		ts, err := time.Parse(time.RFC3339, iso)
		if err != nil {
			return iso
		}
		t = ts.In(berlin)
	}
	return t.Format(i18n.DayLayout(i18n.LangOf(ctx)))
}
