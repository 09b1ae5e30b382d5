package schema

import (
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// policy is bluemonday's policy for user-generated content with Bootstrap
// classes allowed: admins format descriptions with them, and a class cannot
// run code. Scripts, event handlers (on*), javascript: URLs, styles and
// htmx attributes (hx-*) never pass, so admin-written HTML cannot act on
// behalf of a visitor.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Globally()
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// Sanitize returns html with everything that could run code removed. Use
// it for event descriptions, footers and field labels before rendering
// them unescaped; $…$ math stays as text for KaTeX.
func Sanitize(html string) string { return policy.Sanitize(html) }

// plain strips every tag, leaving a space where one was, so "a<br>b"
// reads "a b" in a mail or a table header.
var plain = func() *bluemonday.Policy {
	p := bluemonday.StrictPolicy()
	p.AddSpaceWhenStrippingTag(true)
	return p
}()

// PlainLabel is the field's label as plain text, for mails and CSV headers.
func (f *Field) PlainLabel() string {
	return strings.Join(strings.Fields(html.UnescapeString(plain.Sanitize(f.Label))), " ")
}
