// Package layout is the page shell every full page renders in.
package layout

import (
	"context"

	"github.com/pepalumni/memberdb/components/i18n"
)

// Shell is what the page shell needs to know about the request.
type Shell struct {
	Title string
	Lang  i18n.Lang
	// Path is the current path: the language switcher returns to it.
	Path string
	// UserName is empty for anonymous visitors.
	UserName string
	// ShowAdmin shows the admin link (the user holds some admin level).
	ShowAdmin bool
	// PendingApplications is shown to users who may decide applications.
	PendingApplications int
	ShowApplications    bool
	// Dev shows the development mailbox link.
	Dev     bool
	Flashes []Flash
	Org     Org
	// Logo is the address of the association's logo, "" for none.
	Logo string
	// Accent is the association's accent colour; zero for the default.
	Accent Accent
}

// Accent is an accent colour as #rrggbb, with a darker shade for hover and
// pressed states and its red, green and blue for rgba().
type Accent struct {
	Colour string
	Dark   string
	RGB    string
	// DarkRGB is Dark's red, green and blue.
	DarkRGB string
}

// Org is the association, shown in the footer.
type Org struct {
	Name    string
	Email   string
	Website string
}

// Flash is a message that survived a redirect.
type Flash struct {
	Kind string // success | info | warning | danger
	Text string
}

type descriptionKey struct{}

// WithDescription gives the page rendered with ctx a description of its
// own, for search results and link previews (<meta name="description">).
func WithDescription(ctx context.Context, description string) context.Context {
	return context.WithValue(ctx, descriptionKey{}, description)
}

// Description is the page's description: its own (WithDescription), or
// one made of its title and the association's name.
func (s Shell) Description(ctx context.Context) string {
	if d, _ := ctx.Value(descriptionKey{}).(string); d != "" {
		return d
	}
	if s.Title == "" {
		return i18n.T(ctx, "layout.description", s.Org.Name)
	}
	return i18n.T(ctx, "layout.description.page", s.Title, s.Org.Name)
}

type pageTextsKey struct{}

// WithPageTexts lets the pages rendered with ctx show the association's
// own texts: text(key) is the sanitised HTML of the text key ("home",
// "apply", "footer") in the request's language, "" where it has none.
func WithPageTexts(ctx context.Context, text func(key string) string) context.Context {
	return context.WithValue(ctx, pageTextsKey{}, text)
}

// PageText is the association's text key as sanitised HTML, or "" to
// show the default.
func PageText(ctx context.Context, key string) string {
	if f, ok := ctx.Value(pageTextsKey{}).(func(string) string); ok {
		return f(key)
	}
	return ""
}
