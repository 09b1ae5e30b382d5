// Package texts renders the text editors of the admin and the legal pages.
package texts

// IndexView lists every editable text.
type IndexView struct {
	// LegalMissing names the legal pages still without a text.
	LegalMissing []string
	Pages        []PageRow
	Mails        []MailRow
}

// PageRow is one page text with a state per language.
type PageRow struct {
	Key   string
	Title string
	Langs []LangLink
}

// MailRow is one mail text: its domain, name, default subject and a state
// per language.
type MailRow struct {
	Key     string
	Domain  string
	Subject string
	Langs   []LangLink
}

// LangLink opens the editor of a text in one language; Edited says the
// text differs from the default.
type LangLink struct {
	Lang   string
	URL    string
	Edited bool
}

// MailEditor is the editor of one mail text in one language.
type MailEditor struct {
	Key      string
	Lang     string
	LangName string
	URL      string // the form's address; preview and reset hang below it
	Subject  string
	Body     string
	// Error is the message of a refused save, with its field and line.
	Error  string
	Edited bool
	// Placeholders are the ones the text may use, Required those it must.
	Placeholders []Placeholder
	Preview      []MailPreview
	Saved        bool
}

// Placeholder is one placeholder as the editor lists it.
type Placeholder struct {
	Code     string // "{{.Name}}"
	Text     string // what it stands for, in the editor's language
	Required bool
}

// MailPreview is a text rendered with sample data, in one form of address
// (Label names it when the mail has two), or why it cannot be.
type MailPreview struct {
	Label   string
	Subject string
	Body    string
	Error   string
}

// PageEditor is the editor of one page text in one language.
type PageEditor struct {
	Key      string
	Title    string
	Lang     string
	LangName string
	URL      string
	Body     string
	Error    string
	Edited   bool
	// Fallback is what the page shows while it has no text.
	Fallback string
	// DraftURL fills the editor with a draft (the privacy page's record
	// of processing); empty for other pages.
	DraftURL string
	Drafted  bool
	Preview  string
	Public   string // the public address of a legal page
}

// previewClass styles the preview as the page shows the text: the home
// page's as its lead, the footer's small and grey.
func (e PageEditor) previewClass() string {
	switch e.Key {
	case "home":
		return "lead"
	case "footer":
		return "small text-body-secondary"
	}
	return ""
}

// LegalPage is /impressum or /datenschutz.
type LegalPage struct {
	Title string
	// HTML is the association's sanitised text; empty shows the fallback.
	HTML string
	// The fallback: name, postal address lines, contact address.
	OrgName    string
	OrgAddress []string
	OrgEmail   string
}
