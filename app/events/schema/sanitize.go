package schema

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
)

// policy is bluemonday's policy for user-generated content with Bootstrap
// classes allowed: admins format descriptions with them, and a class cannot
// run code. Scripts, event handlers (on*), javascript: URLs, styles and
// htmx attributes (hx-*) never pass, so admin-written HTML cannot act on
// behalf of a visitor.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(formattingClasses).Globally()
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// formattingClasses are the Bootstrap classes that format text, boxes and
// tables. Classes that take an element out of the flow (position-fixed,
// fixed-top, sticky-*, stretched-link, top-0, z-*, modal, …) are not
// among them: with them a description could lay itself, links and all,
// over the whole registration page. A class attribute with any other
// class is dropped.
var formattingClasses = regexp.MustCompile(`^\s*(?:(?:` +
	`text(?:-[a-z0-9]+)*|fw-[a-z]+|fs-[1-6]|fst-[a-z]+|lh-[a-z0-9]+|font-monospace|lead|small|mark|display-[1-6]|h[1-6]|` +
	`bg-[a-z0-9-]+|border(?:-[a-z0-9]+)*|rounded(?:-[a-z0-9]+)*|shadow(?:-[a-z]+)?|opacity-[0-9]+|` +
	`[mp][xytbse]?-(?:[0-5]|auto)|m[xytbse]?-n[1-5]|` +
	`d(?:-(?:sm|md|lg|xl|xxl))?-(?:none|inline|inline-block|block|flex|inline-flex|grid|table|table-cell|table-row)|` +
	`flex-[a-z0-9-]+|justify-content-[a-z-]+|align-items-[a-z-]+|align-self-[a-z-]+|gap-[0-5]|row|col(?:-[a-z0-9]+)*|container(?:-fluid)?|` +
	`table(?:-[a-z]+)*|badge|alert(?:-[a-z]+)*|list-(?:unstyled|inline|inline-item|group|group-item|group-flush|group-numbered)|` +
	`btn|btn-(?:sm|lg|primary|secondary|success|danger|warning|info|light|dark|link|outline-[a-z]+)|link-[a-z-]+|` +
	`img-(?:fluid|thumbnail)|figure(?:-img|-caption)?|blockquote(?:-footer)?|` +
	`w-(?:25|50|75|100|auto)|mw-100|h-(?:25|50|75|100|auto)|float-(?:start|end|none)|clearfix|` +
	`card|card-(?:body|title|subtitle|text|header|footer)|math|katex` +
	`)(?:\s+|$))+$`)

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

var lineBreak = regexp.MustCompile(`(?i)<br\s*/?>`)

// PlainText turns label HTML into one line of plain text: tags removed,
// entities decoded, white space collapsed. The result is text, to be
// escaped wherever it is shown.
func PlainText(label string) string {
	return strings.Join(strings.Fields(html.UnescapeString(plain.Sanitize(label))), " ")
}

// ShortText is PlainText of the label's first line (up to the first
// <br>): labels often put a hint on a second line, which a table header
// or a list of answers in a mail does without. A label whose first line
// is empty gives its whole text.
func ShortText(label string) string {
	if short := PlainText(lineBreak.Split(label, 2)[0]); short != "" {
		return short
	}
	return PlainText(label)
}

// PlainLabel is the field's whole label as plain text.
func (f *Field) PlainLabel() string { return PlainText(f.Label) }

// ShortLabel is the first line of the field's label as plain text, for
// mails and table headers; the field's name when the label has no text.
func (f *Field) ShortLabel() string {
	if f.shortLabel != "" {
		return f.shortLabel
	}
	if short := ShortText(f.Label); short != "" {
		return short
	}
	return f.Name
}

// blockTag is an element that separates words: a paragraph, a line
// break, a list item.
var blockTag = regexp.MustCompile(`(?i)</?(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr)\b[^>]*>`)

var textOnly = bluemonday.StrictPolicy()

// Summary turns HTML such as a description into one line of plain text,
// for a page's meta description: blocks apart, inline elements kept in
// their words ("am <b>Teleskop</b>." reads "am Teleskop.").
func Summary(htmlText string) string {
	s := textOnly.Sanitize(blockTag.ReplaceAllString(htmlText, " "))
	return literalDollars(strings.Join(strings.Fields(html.UnescapeString(s)), " "))
}

// Lines turns HTML such as a description into plain text that keeps its
// paragraphs and line breaks apart, for calendar entries: one line per
// block, blank lines dropped, LaTeX left as written but for a dollar
// written \$ outside it, which is a dollar there as on the page.
func Lines(htmlText string) string {
	s := html.UnescapeString(textOnly.Sanitize(blockTag.ReplaceAllString(htmlText, "\n")))
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if l := strings.Join(strings.Fields(line), " "); l != "" {
			out = append(out, l)
		}
	}
	return literalDollars(strings.Join(out, "\n"))
}

// literalDollars writes each \$ outside a formula as the $ it stands for
// (the pages show it so); formulas, and a \$ inside one, stay as written.
// Text whose dollars do not pair up stays as it is, as on the page.
func literalDollars(s string) string {
	if !strings.Contains(s, `\$`) || !Balanced(s) {
		return s
	}
	var b strings.Builder
	open := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			if !open && s[i+1] == '$' {
				b.WriteByte('$')
			} else {
				b.WriteString(s[i : i+2])
			}
			i++
		case s[i] == '$':
			if strings.HasPrefix(s[i:], "$$") {
				b.WriteString("$$")
				i++
			} else {
				b.WriteByte('$')
			}
			open = !open
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Shows reports whether HTML shows anything once sanitised: text that is
// not all invisible (a zero-width space, a soft hyphen, a filler) or an
// image.
func Shows(htmlText string) bool {
	s := Sanitize(htmlText)
	visible := strings.IndexFunc(PlainText(s), func(r rune) bool {
		return !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !blankLetters[r]
	}) >= 0
	return visible || strings.Contains(s, "<img")
}

// blankLetters are characters Unicode counts as letters or symbols that
// draw nothing: Hangul's fillers and the blank braille pattern.
var blankLetters = map[rune]bool{'\u115F': true, '\u1160': true, '\u3164': true, '\uFFA0': true, '\u2800': true}
