// Package site renders the association's look page (logo, accent colour)
// and the first run's setup page.
package site

import "strings"

// LookView is the look page: the logo and the accent colour, each with
// its form and its error.
type LookView struct {
	// OrgName and ContactAddress are the association's as set here (or
	// sent); empty ones fall back to ConfigName and ConfigAddress.
	OrgName        string
	ContactAddress string
	ConfigName     string
	ConfigAddress  string
	// Website is the association's website as set here (or sent); empty
	// falls back to ConfigWebsite.
	Website       string
	ConfigWebsite string
	// PostalAddress is the association's postal address as set here (or
	// sent), a line each; empty falls back to ConfigPostal.
	PostalAddress string
	ConfigPostal  string
	// MaxPostal and MaxPostalLines bound it; its box shows every line.
	MaxPostal, MaxPostalLines int
	// OrgErrors are by field name.
	OrgErrors map[string]string
	LogoURL   string
	LogoError string
	// Accent is the colour in the form: the stored one, or what was sent.
	Accent      string
	AccentError string
	// MaxLogoKB and MaxLogoPixels state the limits next to the upload.
	MaxLogoKB     int
	MaxLogoPixels int
}

// SetupForm is the first run's setup page.
type SetupForm struct {
	Action         string
	OrgName        string
	ContactAddress string
	// Website is optional: empty, the configuration's stands.
	Website   string
	Name      string
	Email     string
	Username  string
	MinLength int
	// Errors are by field name.
	Errors map[string]string
}

// input is one labelled input of the site's forms.
type input struct {
	Name, Type, Label, Value string
	// Error is the message when the value was refused; Help a line
	// below the input.
	Error, Help               string
	Autocomplete, Placeholder string
	MaxLength                 int
	Required                  bool
	// Rows makes the input a text area of that many lines.
	Rows int
}

// describedBy names the help line and the message the input has.
func (in input) describedBy() string {
	var ids []string
	if in.Help != "" {
		ids = append(ids, in.Name+"-help")
	}
	if in.Error != "" {
		ids = append(ids, in.Name+"-error")
	}
	return strings.Join(ids, " ")
}
