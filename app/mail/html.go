package mail

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

// links finds the addresses in a mail's text to make them clickable in its
// HTML part; they end at white space, as the texts write them.
var links = regexp.MustCompile(`https?://[^\s<>"]+`)

// defaultAccent is the buttons' colour when the association set none.
const defaultAccent = "#0d6efd"

// logoNames are the file names, and so the Content-IDs, of the logo in a
// mail.
var logoNames = map[string]string{"image/png": "logo.png", "image/jpeg": "logo.jpg"}

// WithImage gives msg, a plain-text mail, an HTML part that shows an image
// (attached with Inline, named cid) before the signature: the text as it
// is, its links clickable, and the image with alt as its text alternative.
// Mail readers show no SVG and load no outside images, so a ticket's QR
// code travels inside the mail, as does the association's logo.
func (t *Texts) WithImage(msg *Message, cid, alt string) {
	t.withHTML(msg, `<p><img src="cid:`+html.EscapeString(cid)+`" alt="`+html.EscapeString(alt)+
		`" width="264" height="264" style="image-rendering:pixelated"></p>`)
}

// WithButton gives msg, a plain-text mail, an HTML part with a button in
// the association's colour before the signature: a link to href, for the
// one thing the mail asks the reader to do. The address is in the text
// too.
func (t *Texts) WithButton(msg *Message, label, href string) {
	accent := t.book.org().Accent
	if accent == "" {
		accent = defaultAccent
	}
	t.withHTML(msg, `<p><a href="`+html.EscapeString(href)+`" style="display:inline-block;padding:12px 20px;`+
		`background:`+html.EscapeString(accent)+`;color:#fff;border-radius:6px;text-decoration:none;font-family:sans-serif;font-weight:bold">`+
		html.EscapeString(label)+`</a></p>`)
}

// withHTML sets msg's HTML part: the association's logo, if it has one
// that mail readers show, then the text with extra, an element in HTML,
// before the signature.
func (t *Texts) withHTML(msg *Message, extra string) {
	org := t.book.org()
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>`)
	if name, ok := logoNames[org.LogoType]; ok && org.Logo != nil {
		b.WriteString(`<p><img src="cid:` + name + `" alt="` + html.EscapeString(org.Name) + `" style="max-height:64px;max-width:240px"></p>`)
		msg.Attachments = append(msg.Attachments, Attachment{Filename: name, ContentType: org.LogoType, Content: org.Logo, Inline: true})
	}
	body, signature, _ := strings.Cut(msg.Text, "\n-- \n")
	b.WriteString(`<div style="font-family:sans-serif;white-space:pre-wrap">`)
	b.WriteString(linked(body))
	b.WriteString(`</div>` + extra)
	if signature != "" {
		b.WriteString(`<div style="font-family:sans-serif;white-space:pre-wrap;color:#555">-- ` + "\n" + linked(signature) + `</div>`)
	}
	b.WriteString(`</body></html>`)
	msg.HTML = b.String()
}

// linked escapes text for HTML and turns its addresses into links.
func linked(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range links.FindAllStringIndex(text, -1) {
		m[1] = m[0] + len(trimClosers(text[m[0]:m[1]]))
		b.WriteString(html.EscapeString(text[last:m[0]]))
		u := html.EscapeString(text[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}

// trimClosers cuts the punctuation, quotes and brackets a sentence puts
// after an address ("(see https://x.example/a)."), which are not part of
// it; a closing bracket the address opened stays (…/Foo_(bar)).
func trimClosers(u string) string {
	for u != "" {
		r, size := utf8.DecodeLastRuneInString(u)
		if !strings.ContainsRune(closers, r) || r == ')' && strings.Count(u, "(") >= strings.Count(u, ")") {
			return u
		}
		u = u[:len(u)-size]
	}
	return u
}
