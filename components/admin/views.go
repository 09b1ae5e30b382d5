// Package admin renders the admin console: the index, one list per table
// with inline editing, detail and create forms, delete confirmations, the
// role matrix, the audit log and the event editor's previews. View models
// are plain structs shaped by app/admin before rendering.
package admin

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/a-h/templ"
)

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
	// Retired is offered only where it is the value already (a hidden
	// membership type): a row that has it keeps it, no other gets it.
	Retired bool
}

// Link is a labelled URL.
type Link struct {
	Label string
	URL   string
}

// IndexEntry is one table on the admin index.
type IndexEntry struct {
	Name  string // stable name for tests: persons, events, …
	Title string
	URL   string
	// Count is the number of rows; -1 for a page that has none.
	Count int
	// Note explains the count ("3 failed"), optional.
	Note string
}

// IndexView is the admin index: only the tables the user may open.
type IndexView struct {
	Title   string
	Entries []IndexEntry
	// LegalMissing names the legal pages still without a text, for a
	// user who may write them: the warning links their editor.
	LegalMissing []string
	// EventPages names the event pages the user may open (participants,
	// check-in), which hang off each event: the index points there.
	EventPages string
}

// Column is one list column header; SortURL is empty when the column does
// not sort.
type Column struct {
	Key   string
	Label string
	// Small headers suit many narrow columns (the role matrix).
	Small bool
	// Group is shown above the label of the first column of a group of
	// columns (an access level's area); Title explains the column.
	Group, Title string
	SortURL      string
	// Sorted is "asc" or "desc" on the column the list is sorted by.
	Sorted string
}

// Filter is a select that narrows a list.
type Filter struct {
	Name    string
	Label   string
	Value   string
	Options []Option // the first one usually means "all" (Value "")
}

// Pager is the paging bar under a list.
type Pager struct {
	Page  int
	Pages int
	Total int
	Size  int
	// Capped: there are more than Total rows; a search counts no further.
	Capped  bool
	Sizes   []int
	PrevURL string // empty on the first page
	NextURL string // empty on the last page
}

// ListView is one admin table's list.
type ListView struct {
	Name        string // table name: DOM ids and test ids
	Title       string
	Action      string // the list's URL
	Query       string
	SearchLabel string
	Filters     []Filter
	// Sort and Dir are kept in hidden inputs so a new search keeps the order.
	Sort    string
	Dir     string
	Columns []Column
	Rows    []Row
	Pager   Pager
	NewURL  string
	NewText string
	// Links lead to related pages (the audit log, the role matrix).
	Links []Link
	// Empty is the text shown when no row matches.
	Empty string
	// Note explains the rows shown (similar names instead of matches).
	Note string
	// Warning is a problem with the list as a whole that staff should fix
	// (no membership type offered on the application form).
	Warning string
	// StickyFirst keeps the first column in view while a wide table
	// scrolls sideways (the role matrix).
	StickyFirst bool
	// StackOnPhone shows each row as a block on a phone, every cell headed
	// by its Label: a row of role boxes is too wide to read sideways.
	StackOnPhone bool
}

// Row is one list row; it is swapped in place after an inline edit.
type Row struct {
	DomID     string
	URL       string // detail page
	DeleteURL string // empty: no delete link
	Muted     bool   // disabled users, anonymised persons
	Cells     []Cell
}

// Cell is one list cell: read-only text, a link, a badge, an inline editor
// or a set of toggles.
type Cell struct {
	// Label names the cell's column above it where rows stack
	// (ListView.StackOnPhone); an editor's is its Edit.Label.
	Label string
	Text  string
	Href  string
	Badge string // Bootstrap colour of a badge around Text
	Small bool
	// NoWrap keeps a value on one line (a date).
	NoWrap bool
	// Hint says why a value others may change is not editable here; the
	// cell shows it muted, with the hint as its title and for screen
	// readers.
	Hint string
	// Collapse shows a long text (a schema in the audit log) behind its
	// beginning (LongText).
	Collapse bool
	Edit     *Edit
	// Toggles are checkboxes that save on change (a user's roles, a role's
	// grants).
	Toggles []Toggle
}

// Edit makes a cell editable in place.
type Edit struct {
	Field string
	// URL answers GET with the open editor and POST by saving.
	URL string
	// RowURL answers GET with the row as stored (Escape).
	RowURL  string
	Kind    string // text, email, number, select, date, checkbox
	Value   string // stored value, or what the user typed after an error
	Options []Option
	// Version is the row's; Loaded the digest (Digest) of the field's
	// stored value as the editor shows it, "" for none. A save is refused
	// as a conflict only when the field's digest is no longer Loaded: a
	// change of another field is no reason.
	Version int
	Loaded  string
	Open    bool
	Error   string
	// Conflict is the current value after someone else changed the row.
	Conflict string
	// OverCapacity offers the explicit "over capacity" choice (status of a
	// registration).
	OverCapacity bool
	// OverCapacityChosen: the box was ticked in the save being confirmed.
	OverCapacityChosen bool
	Label              string // accessible name of the input
	// Confirm says what the typed value would do (people moved up from
	// the waiting list and mailed); the editor asks before it saves, with
	// ConfirmName=true.
	Confirm     string
	ConfirmName string
	// Undo offers, for a few seconds after a save, to put back UndoValue.
	Undo      bool
	UndoValue string
	// UndoAlso are the other fields the save changed by a rule (a joining
	// date set with the membership), by name, as they were before it;
	// UndoWas what the save left in them; UndoFor the value they go with.
	// An undo puts them back, and so does an editor that asks again.
	UndoAlso map[string]string
	UndoWas  map[string]string
	UndoFor  string
}

// LoadedName is the form field carrying Edit.Loaded.
const LoadedName = "loaded"

// Digest stands for a stored value in an editor's form. The value itself
// would not come back as it went: HTML turns a CR in an attribute into a
// LF, and a value imported with a character the site refuses (a bidi
// control) would have every save of the cell refused with it.
func Digest(stored string) string {
	sum := sha256.Sum256([]byte(stored))
	return hex.EncodeToString(sum[:16])
}

// The names an undo's form gives the fields it puts back besides its
// value (Edit.UndoAlso, UndoWas, UndoFor).
const (
	UndoAlsoPrefix = "also."
	UndoWasPrefix  = "was."
	UndoForName    = "also_for"
)

// undoFields are the form fields of e's other fields to put back.
func (e *Edit) undoFields() map[string]string {
	fields := map[string]string{}
	for name, v := range e.UndoAlso {
		fields[UndoAlsoPrefix+name] = v
		fields[UndoWasPrefix+name] = e.UndoWas[name]
	}
	if len(e.UndoAlso) > 0 {
		fields[UndoForName] = e.UndoFor
	}
	return fields
}

// Toggle is a checkbox that saves on change and is swapped in place.
type Toggle struct {
	DomID string
	// HideLabel keeps the label for screen readers only (matrix cells).
	HideLabel bool
	URL       string
	Label     string
	Checked   bool
	Disabled  bool
	// Name and Value are what the box sends when ticked: granted=true
	// unless set. A detail page's boxes send their choice (role=…), so
	// their form also works without JavaScript.
	Name, Value string
	// Vals are further values the box sends (JSON for hx-vals).
	Vals string
	// Help explains the choice under its label (what an access level
	// allows).
	Help string
}

// ToggleGroup is a titled group of boxes (access levels by area).
type ToggleGroup struct {
	Title   string
	Toggles []Toggle
}

// FieldName is the name the box is sent under.
func (t Toggle) FieldName() string {
	if t.Name == "" {
		return "granted"
	}
	return t.Name
}

// FieldValue is the value the box sends when ticked.
func (t Toggle) FieldValue() string {
	if t.Value == "" {
		return "true"
	}
	return t.Value
}

// FormField is one field of a detail or create form.
type FormField struct {
	Name  string
	Label string
	// Kind: text, email, number, select, checkbox, date, datetime-local,
	// textarea, password, html (textarea with a live preview) or schema
	// (JSON textarea with a live preview of the registration form).
	Kind     string
	Value    string
	Options  []Option
	Required bool
	// ReadOnly shows the value without letting it be changed (it is still
	// sent with the form).
	ReadOnly bool
	Help     string
	Error    string
	// ErrorMath: Error names questions whose labels may hold formulas.
	ErrorMath bool
	// Current is the stored value when someone else changed it meanwhile.
	Current string
	// PreviewURL answers a POST of the field's value with its preview.
	PreviewURL string
	// Preview is the preview of Value, rendered with the page.
	Preview templ.Component
	Rows    int
	// Wide fields take the whole row on large screens.
	Wide bool
}

// FormView is a detail or create form.
type FormView struct {
	Name    string
	Action  string
	Version int
	Fields  []FormField
	// Problem is shown above the fields (a refused save).
	Problem string
	// ProblemMath: Problem names a form's questions, whose labels may
	// hold formulas (a confirmation of a changed registration form).
	ProblemMath bool
	// Conflict explains that the row changed meanwhile.
	Conflict string
	Submit   string
	Cancel   string
	// Confirmed are the consequences confirmed before the one asked now,
	// sent again with it: a save that asks twice (a formula, then lost
	// answers) is confirmed once for each.
	Confirmed []string
	// ConfirmName is the consequence asked about now (Problem says
	// what it is): saving with it set confirms it. ConfirmLabel says so.
	ConfirmName, ConfirmLabel string
}

// Fact is a read-only line of a detail page.
type Fact struct {
	Label string
	Value string
	Href  string
}

// Related lists rows of other tables that belong to this one.
type Related struct {
	Title string
	Items []Link
	// More says how many were left out.
	More  int
	Empty string
}

// HistoryEntry is one audit log line.
type HistoryEntry struct {
	At     string
	Actor  string
	Table  string
	RowID  string
	RowURL string
	Field  string
	Old    string
	New    string
}

// Action is a button posting to URL (duplicate, disable), or a link to a
// confirmation when Method is "get".
type Action struct {
	Label  string
	URL    string
	Method string
	Style  string // Bootstrap button colour
	TestID string
}

// DetailView is a row's page: facts, its form, what belongs to it and its
// history.
type DetailView struct {
	Name      string
	Title     string
	ListURL   string
	ListTitle string
	Facts     []Fact
	Form      *FormView
	Sections  []templ.Component
	Related   []Related
	History   []HistoryEntry
	Actions   []Action
	DeleteURL string
}

// FormPage is a create form with its breadcrumb.
type FormPage struct {
	Title     string
	ListURL   string
	ListTitle string
	Form      FormView
}

// DeleteView asks to confirm a delete and says what goes with the row.
type DeleteView struct {
	Title        string
	ListURL      string
	ListTitle    string
	What         string
	Consequences []string
	// Blocked explains why the row cannot be deleted; no button then.
	Blocked string
	// BlockedBy lists what keeps the row (other rows that need it),
	// linked where they have a page of their own.
	BlockedBy []Link
	// Instead is the way to take where the row cannot be deleted.
	Instead   *Instead
	Action    string
	CancelURL string
	// Confirm labels the button; "delete for good" when empty.
	Confirm string
}

// Instead says what to do where a row cannot be deleted (anonymise a
// person); Label and URL make its button, none when URL is empty.
type Instead struct {
	Text  string
	Label string
	URL   string
}

// PasswordView is the "set new password" form of a user.
type PasswordView struct {
	Action string
	Value  string
	Error  string
	// Blocked, when set, says why the password cannot be set here.
	Blocked string
}

// Choice is one checkbox of a ChoicesForm.
type Choice struct {
	Value   string
	Label   string
	Checked bool
}

// ChoicesView is a plain form of checkboxes saved together (a user's
// roles, a role's access levels); it works without JavaScript.
type ChoicesView struct {
	Name    string // test id and checkbox name
	Title   string
	Action  string
	Choices []Choice
	// Toggles, when set, replace the choices: each box saves itself as it
	// is ticked, with its own toast; Submit then only shows without
	// JavaScript.
	Toggles []Toggle
	// Groups, when set, are the toggles under headings.
	Groups []ToggleGroup
	Submit string
	Error  string
	// Note explains the boxes that cannot be changed.
	Note string
}
