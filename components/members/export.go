package members

import "encoding/json"

// Export is everything stored about one person: the GDPR page shows it and
// its download is this very struct as JSON. Dates are ISO 8601.
type Export struct {
	GeneratedAt      string               `json:"generated_at"`
	Person           ExportPerson         `json:"person"`
	Applications     []ExportApplication  `json:"membership_applications"`
	Registrations    []ExportRegistration `json:"registrations"`
	Users            []ExportUser         `json:"user_accounts"`
	Mails            []ExportMail         `json:"mails"`
	DeletionRequests []ExportDeletion     `json:"deletion_requests"`
	Changes          []ExportChange       `json:"changes"`
	Links            []ExportLink         `json:"links"`
	Drafts           []ExportDraft        `json:"mail_drafts"`
	Mandates         []ExportMandate      `json:"sepa_mandates"`
	Fees             []ExportFee          `json:"fees"`
	FeeCategory      *string              `json:"fee_category"`
}

// ExportMandate is a SEPA direct debit mandate; its IBAN only masked.
type ExportMandate struct {
	Reference       string  `json:"reference"`
	AccountHolder   string  `json:"account_holder"`
	IBAN            string  `json:"iban_masked"`
	SignedOn        string  `json:"signed_on"`
	Paper           bool    `json:"paper"`
	LastCollectedOn *string `json:"last_collected_on"`
	RevokedAt       *string `json:"revoked_at"`
	// Lapsed: unused for 36 months, so no longer collected from.
	Lapsed bool `json:"lapsed"`
}

// ExportFee is the membership fee of one year.
type ExportFee struct {
	Year         int     `json:"year"`
	Cents        int64   `json:"amount_cents"`
	Status       string  `json:"status"`
	Mandate      string  `json:"mandate_reference"`
	ReturnReason *string `json:"return_reason"`
}

// ExportChange is one audit entry about the person's rows.
type ExportChange struct {
	At       string  `json:"at"`
	Table    string  `json:"table"`
	Field    string  `json:"field"`
	OldValue *string `json:"old_value"`
	NewValue *string `json:"new_value"`
	// Words is the change as the page shows it; not exported to JSON.
	Words ChangeWords `json:"-"`
}

// ChangeWords are a change's table, field and values in the reader's
// language, as the board's audit log words them.
type ChangeWords struct {
	Table, Field, Old, New string
}

// ExportLink is one personal link mailed to the person (never its secret).
type ExportLink struct {
	Purpose   string  `json:"purpose"`
	CreatedAt string  `json:"created_at"`
	ExpiresAt string  `json:"expires_at"`
	UsedAt    *string `json:"used_at"`
}

// ExportDraft is a mail to participants the person wrote as an organiser.
type ExportDraft struct {
	Event     string  `json:"event"`
	Subject   string  `json:"subject"`
	CreatedAt string  `json:"created_at"`
	SentAt    *string `json:"sent_at"`
}

// PersonJSON is a person as the JSON API lists them.
type PersonJSON struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Email            string  `json:"email"`
	EmailValid       bool    `json:"email_valid"`
	DateOfBirth      *string `json:"date_of_birth"`
	JoiningDate      *string `json:"joining_date"`
	MembershipStatus *string `json:"membership_status"`
	MembershipType   *string `json:"membership_type"`
	TUStatus         *string `json:"tu_status"`
}

// ExportPerson is the person row with its membership: what the API shows
// and what only the person sees.
type ExportPerson struct {
	PersonJSON
	// MembershipTypeName is the type's name in the reader's language.
	MembershipTypeName *string `json:"membership_type_name"`
	// LeavingDate is the day a member left (yyyy-mm-dd).
	LeavingDate *string `json:"leaving_date"`
	Language    string  `json:"language"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

// ExportApplication is one submission of the membership form.
type ExportApplication struct {
	Name           string `json:"name"`
	MembershipType string `json:"membership_type"`
	// MembershipTypeName is the type's name in the reader's language.
	MembershipTypeName string  `json:"membership_type_name"`
	CreatedAt          string  `json:"created_at"`
	VerifiedAt         *string `json:"verified_at"`
}

// ExportRegistration is one event registration with its event and answers.
type ExportRegistration struct {
	ID          int64           `json:"id"`
	EventID     int64           `json:"event_id"`
	EventName   string          `json:"event_name"`
	EventStart  *string         `json:"event_starts_at"`
	Status      string          `json:"status"`
	Answers     json.RawMessage `json:"answers"`
	CreatedAt   string          `json:"created_at"`
	ConfirmedAt *string         `json:"confirmed_at"`
	CanceledAt  *string         `json:"canceled_at"`
	// AnswerList is Answers flattened for the page; not exported to JSON.
	AnswerList []Answer `json:"-"`
}

// Answer is one answered field: nested fields have their path as Label.
type Answer struct {
	Label string
	Value string
}

// ExportUser is the person's login account, without the password hash.
type ExportUser struct {
	Username   string   `json:"username"`
	Roles      []string `json:"roles"`
	CreatedAt  string   `json:"created_at"`
	DisabledAt *string  `json:"disabled_at"`
}

// ExportMail is one mail sent to or about the person.
type ExportMail struct {
	CreatedAt string   `json:"created_at"`
	SentAt    *string  `json:"sent_at"`
	Kind      string   `json:"kind"`
	Status    string   `json:"status"`
	To        []string `json:"to"`
	Subject   string   `json:"subject"`
	Text      string   `json:"text"`
}

// ExportDeletion is one request to erase the person's data.
type ExportDeletion struct {
	RequestedAt string  `json:"requested_at"`
	DoneAt      *string `json:"done_at"`
}

// DataPage is the GDPR page: the export plus its links.
type DataPage struct {
	Export Export
	// Download is the URL of the JSON download.
	Download string
	// Delete is the URL of the "delete my data" confirmation.
	Delete string
}
