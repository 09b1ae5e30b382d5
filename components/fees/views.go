// Package fees renders the fee pages: the member's mandate and fee
// history, and the treasurer's schedule, mandates and collection runs.
package fees

import (
	"context"
	"strings"

	"github.com/pepalumni/memberdb/components/i18n"
)

// MandateForm is the mandate form, for the member (consent) or the
// treasurer entering a paper mandate (person and date).
type MandateForm struct {
	Action string
	// Changing: the member has a valid mandate; the form changes its account.
	Changing bool
	Paper    bool
	Holder   string
	IBAN     string
	BIC      string
	Street   string
	Town     string
	Country  string
	Consent  bool
	// Paper only.
	PersonID string
	People   []Option
	SignedOn string

	HolderError, IBANError, BICError, AddressError, ConsentError, PersonError, SignedOnError string
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// MandateText is the mandate wording (from the EPC's model) in German and
// English, with the creditor and its identifier.
type MandateText struct {
	Creditor, CreditorID string
	// Reference is the mandate's, when the member has one already.
	Reference string
}

// fullStop ends a sentence once: the creditor's name may end the model
// wording with its own full stop ("… from PeP et al. e.V.").
func fullStop(s string) string {
	if strings.HasSuffix(s, "..") {
		return s[:len(s)-1]
	}
	return s
}

// MandateView is a stored mandate, its IBAN masked.
type MandateView struct {
	Reference, Holder, IBAN, SignedOn, LastCollected string
	Paper, Lapsed                                    bool
}

// FeeRow is one fee in a history or a run.
type FeeRow struct {
	PersonID int64
	ID       int64
	Name     string
	Year     string
	Amount   string
	Status   string // due, paid, returned, waived
	// CollectOn is the coming due date of a debit given to the bank.
	CollectOn string
	// RevokedAtBank: its mandate was revoked after the bank got the file.
	RevokedAtBank bool
	Reference     string
	Sequence      string
	ReturnReason  string
	// Again: returned, and collected again by a later run.
	Again     bool
	CanReturn bool
	// CanSettle: an open fee the treasurer can mark paid or waived.
	CanSettle bool
	// Transfer: an invoice still open while the member has a mandate,
	// which collects only fees to come; it is still to be transferred.
	Transfer bool
}

// MemberPage is the member's fee page behind their edit link.
type MemberPage struct {
	EditLink  string
	RevokeURL string
	Missing   bool
	Text      MandateText
	Mandate   *MandateView
	Fees      []FeeRow
	Form      MandateForm
	// Former is someone who left: they see their fees and can revoke
	// their mandate, but give none.
	Former bool
	// RevokeError says why the revocation was not taken (its box was not
	// ticked).
	RevokeError string
}

// RateRow is one line of the fee schedule.
type RateRow struct {
	ID int64
	// Category is the category's name for the reader: a membership
	// type's, or a reduced category's key; Key is what the form takes.
	Category, Key, Amount, ValidFrom string
	// Reduced: no membership type's key.
	Reduced bool
}

// RateForm adds a line to the schedule.
type RateForm struct {
	Category, Amount, ValidFrom                string
	CategoryError, AmountError, ValidFromError string
	// AskNew asks to confirm a category that is neither a membership
	// type nor in the schedule yet: a typo would leave everyone without
	// the new amount.
	AskNew bool
}

// MandateRow is a member's mandate in the treasurer's list.
type MandateRow struct {
	PersonID int64
	Name     string
	// NotMember: the person left (or was never confirmed) while the
	// mandate stands; the treasurer decides whether to revoke it.
	NotMember bool
	// Applying: the person's application is not decided yet.
	Applying bool
	MandateView
}

// RunRow is a collection run in the list.
type RunRow struct {
	ID, Year, Due, Created, Submitted string
	// InvoicesOnly: the run collects nothing by debit, so it is never
	// submitted; Withdrawn: it did when its file was downloaded.
	InvoicesOnly, Withdrawn bool
}

// RunForm starts a collection run: year and due date.
type RunForm struct {
	Year, Due, YearError, DueError string
	MinDue                         string
}

// AdminPage is /admin/fees.
type AdminPage struct {
	// TypeKeys lists the membership types' keys, the schedule's
	// categories besides reduced ones.
	TypeKeys string
	// Categories are offered while typing a category: the membership
	// types and the reduced categories the schedule has.
	Categories []Option
	Missing    []string
	// DefaultPrefix is the reference prefix while SEPA_REFERENCE_PREFIX
	// is unset ("PEP"); "" once set.
	DefaultPrefix string
	Rates         []RateRow
	// AskDelete asks to confirm deleting a line of the schedule;
	// Stranded counts the members in its category who then have no
	// amount for StrandedYear (this year or the next).
	AskDelete *RateRow
	Stranded  int
	// StrandedYear is the year Stranded are left without an amount.
	StrandedYear int
	RateForm     RateForm
	Mandates     []MandateRow
	Runs         []RunRow
	RunForm      RunForm
}

// CandidateRow is a member a new run would collect from.
type CandidateRow struct {
	PersonID string
	Name     string
	Category string
	Amount   string
	Mandate  string // reference; empty: an invoice
	Excluded bool
}

// NewRunPage previews a run before it is created and mails go out.
type NewRunPage struct {
	Year, Due  string
	Candidates []CandidateRow
	Debits     int
	Invoices   int
	Total      string
	// Summary says how many debits and invoices, and the sum.
	Summary string
	Error   string
	// Blocked: no run can be made (Error says why); nothing is listed.
	Blocked bool
}

// ReturnQuestion asks to confirm a returned debit before it is recorded
// and the member mailed.
type ReturnQuestion struct {
	FeeID                            int64
	Name, Amount, Reason, ReasonText string
}

// SettleQuestion asks to confirm marking an open fee paid by transfer or
// waived (Status).
type SettleQuestion struct {
	FeeID                int64
	Name, Amount, Status string
}

// RunPage is one collection run.
type RunPage struct {
	ID        string
	Year      string
	Due       string
	Submitted string
	FileURL   string
	Debits    int
	Total     string
	// Returned counts the debits the bank gave back, ReturnedTotal sums
	// them: the run's total is what it asked for, not what came in.
	Returned      int
	ReturnedTotal string
	Fees          []FeeRow
	// Codes are the return reasons, with what they mean.
	Codes []Option
	Error string
	// Ask, when set, asks to confirm a return.
	Ask *ReturnQuestion
	// AskSettle, when set, asks to confirm settling a fee.
	AskSettle *SettleQuestion
	// FileChanged is when the file was downloaded, if it changed since.
	FileChanged string
}

// History is a member's fees and mandate, for the treasurer.
type History struct {
	Name string
	// Action sets the reduced category; Category is "" for the
	// membership type's.
	// MembershipType is the member's type's name.
	Action, Category, CategoryError, MembershipType string
	Categories                                      []Option
	Mandate                                         *MandateView
	Fees                                            []FeeRow
	// RevokeURL records a revocation the member sent by letter;
	// RevokeError says why one was not taken.
	RevokeURL, RevokeError string
}

// euros writes an amount given as "1234.50" (sepa.Amount) as readers of
// the page's language write it: "1.234,50" in German, "1,234.50" in
// English. The currency sign stays with the text around it.
func euros(ctx context.Context, amount string) string { return Euros(i18n.LangOf(ctx), amount) }

// Euros is euros for a language, for the mails.
func Euros(lang i18n.Lang, amount string) string {
	whole, cents, ok := strings.Cut(amount, ".")
	if !ok {
		return amount
	}
	group, dec := ",", "."
	if lang == i18n.DE {
		group, dec = ".", ","
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	return b.String() + dec + cents
}
