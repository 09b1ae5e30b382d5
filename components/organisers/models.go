// Package organisers renders the pages for the people running an event:
// the participant list and the mail to participants.
package organisers

import (
	"unicode/utf8"

	"github.com/pepalumni/memberdb/components/events"
)

// Statuses are the registration statuses in the order the organiser pages
// list them: who comes first.
var Statuses = []string{events.StatusConfirmed, events.StatusWaitinglist, events.StatusPending, events.StatusCanceled}

// ParticipantList is the participants page of one event.
type ParticipantList struct {
	EventName string
	// Path is the page's own URL (without query), the target of the
	// filter form.
	Path string
	// CSVURL downloads the rows and columns shown, MailURL writes to
	// participants (empty when the user may not), ColumnsURL saves the
	// choice of columns.
	CSVURL  string
	MailURL string
	// CheckinURL opens the door's page; empty when the user may not.
	CheckinURL string
	ColumnsURL string
	Filter     ListFilter
	// Columns are the answer columns shown; Choices are all of them, for
	// choosing.
	Columns []Column
	Choices []ColumnChoice
	Rows    []Row
	// Totals has one entry per column shown: sums of numbers, count of
	// ticks, over the rows shown. TotalsLabel says which rows those are.
	Totals      []Total
	TotalsLabel string
	// Counts are over every registration, whatever the filter.
	Counts []StatusCount
	All    int
	// Matched is how many rows the filter matches; Rows are one page of
	// them, From to To (counted from 1). PrevURL and NextURL open the
	// neighbouring pages with the same filter, empty at either end.
	Matched          int
	From, To         int
	Page, Pages      int
	PrevURL, NextURL string
}

// ListFilter is the statuses shown and the search text.
type ListFilter struct {
	Statuses []string
	Query    string
	// NotHere keeps only those not checked in yet.
	NotHere bool
}

// ColumnChoice is an answer column the user may show or hide.
type ColumnChoice struct {
	Key    string
	Label  string
	Detail string
	Shown  bool
}

// Column is an answer column; Label is plain text, Detail the whole label.
type Column struct {
	Key     string
	Label   string
	Detail  string
	Numeric bool
	// Latex columns are typeset with KaTeX; other answers are shown as
	// typed, dollars and all.
	Latex bool
}

// minWidthRem is the width a long header needs to wrap into about four
// lines (a bold character is some 0.55rem wide), at least 9 and at most 16
// rem; 0 for a short header, which sets its column's width itself. On a
// phone a long header would otherwise wrap into a tall, narrow tower.
func (c Column) minWidthRem() int {
	n := utf8.RuneCountInString(c.Label)
	if n <= 16 {
		return 0
	}
	return min(max(9, (n*55+399)/400), 16)
}

// Row is one registration.
type Row struct {
	Number         int
	RegistrationID int64
	Name           string
	Email          string
	Status         string
	ConfirmedAt    string
	// CheckedInAt is when the person was let in at the door; empty
	// before.
	CheckedInAt string
	// OfferUntil is when the place offered to this person on the waiting
	// list goes to the next; empty without an offer.
	OfferUntil string
	// AdminURL opens the registration in the admin console; empty when
	// the user may not.
	AdminURL string
	Cells    []Cell
}

// Cell is one answer.
type Cell struct {
	Text    string
	IsBool  bool
	Checked bool
	Numeric bool
	Latex   bool
}

// Total is a column footer.
type Total struct {
	Shown bool
	Text  string
	// Mean is the numbers' average; "" for ticks.
	Mean string
}

// StatusCount is how many registrations have a status, and whether the
// filter shows them.
type StatusCount struct {
	Status string
	Count  int
	Chosen bool
	// Offered counts those on the waiting list who hold an offer of a
	// place.
	Offered int
}

// MailForm is the form for writing to an event's participants.
type MailForm struct {
	EventName string
	Action    string
	// ParticipantsURL links back to the list; empty without the right.
	ParticipantsURL string
	SenderName      string
	SenderEmail     string
	Subject         string
	Body            string
	Statuses        []StatusOption
	CopyToSender    bool
	// FromDraft is the draft this form edits; its attachments in Kept can
	// be carried over instead of uploaded again.
	FromDraft string
	Kept      []KeptAttachment
	MaxSize   string
	// MaxFiles is how many files a mail may carry.
	MaxFiles int
	MaxBytes int64
	// Errors are messages by field: sender_name, sender_email, subject,
	// body, statuses, attachments.
	Errors map[string]string
	// Notice is a message above the form (e.g. the upload was too large).
	Notice string
}

// StatusOption is a recipients checkbox: the participants with a status.
type StatusOption struct {
	Status  string
	Count   int
	Checked bool
}

// KeptAttachment is an attachment of the draft being edited.
type KeptAttachment struct {
	ID       int64
	Filename string
	Size     string
	Bytes    int64
	Checked  bool
}

// MailPreview shows a draft as participants will receive it.
type MailPreview struct {
	EventName string
	SendURL   string
	EditURL   string
	ReplyTo   string
	// CopyTo is the sender's address when they get a copy.
	CopyTo      string
	Subject     string
	Text        string
	Attachments []AttachmentView
	// Recipients are the participants the mail goes to, in confirmation
	// order.
	Recipients []Recipient
	Statuses   []string
	// Others are the mail as recipients reading another language than
	// the organiser get it (its own lines translated).
	Others []OtherLanguage
}

// OtherLanguage is the mail in another language, with who reads it.
type OtherLanguage struct {
	Summary, Text string
}

// Recipient is a participant a mail goes to.
type Recipient struct {
	Name  string
	Email string
}

// AttachmentView names an attached file.
type AttachmentView struct {
	Filename string
	Size     string
}

// CheckinPage is the door's page of one event.
type CheckinPage struct {
	EventName string
	// Path is the page's URL: the code form posts to it, the search
	// form gets it; UndoURL, SearchURL and CountsURL are its helpers.
	Path      string
	UndoURL   string
	SearchURL string
	CountsURL string
	// ParticipantsURL leads back to the list, for those who may read it.
	ParticipantsURL string
	// Result is the answer to the code just sent without JavaScript.
	Result *CheckinResult
	Counts CheckinCounts
	Search CheckinSearch
}

// CheckinResult is what the door sees after a code: green for checked in,
// yellow for someone already checked in, red for no valid ticket, grey
// for an undone check-in.
type CheckinResult struct {
	// Status is one of the check-in JSON's statuses, or undone /
	// not_checked_in after an undo.
	Status string
	// Code is the code as read; the undo button sends it back.
	Code string
	Name string
	// RegStatus is the registration's status (for the red answer).
	RegStatus string
	// At is when the person was checked in, By by whom.
	At      string
	By      string
	Answers []CheckinAnswer
	// UndoURL undoes the check-in; empty when there is none to undo.
	UndoURL string
	// OtherEvent names the event an unknown code is a ticket of.
	OtherEvent string
}

// CheckinAnswer is an answer the organisers want the door to see.
type CheckinAnswer struct{ Label, Value string }

// CheckinCounts are the door's counters: checked in of confirmed, and the
// sums of the number answers of those checked in of the confirmed's.
type CheckinCounts struct {
	URL       string
	CheckedIn int
	Confirmed int
	Sums      []CheckinSum
}

// CheckinSum is a number answer added up over those let in (In) and over
// every confirmed person (Of): "Gäste: 2 / 6".
type CheckinSum struct{ Label, In, Of string }

// CheckinSearch is the search by name or email and what it found.
type CheckinSearch struct {
	URL     string
	Path    string
	Query   string
	Hits    []CheckinHit
	TooMany bool
}

// CheckinHit is a registration found by the search.
type CheckinHit struct {
	Name      string
	Email     string
	Status    string
	Code      string
	CheckedIn string
}
