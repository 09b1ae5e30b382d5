package mail

import (
	"html"
	"regexp"
	"strings"
)

// links finds the addresses in a mail's text to make them clickable in its
// HTML part; they end at white space, as the texts write them.
var links = regexp.MustCompile(`https?://[^\s<>"]+`)

// HTMLWithImage is the HTML part of a plain-text mail that shows an image
// (attached with Inline, named cid) before the signature: the text as it
// is, its links clickable, and the image with alt as its text alternative.
// Mail readers show no SVG and load no outside images, so a ticket's QR
// code travels inside the mail.
func HTMLWithImage(text, cid, alt string) string {
	return htmlWith(text, `<p><img src="cid:`+html.EscapeString(cid)+`" alt="`+html.EscapeString(alt)+
		`" width="264" height="264" style="image-rendering:pixelated"></p>`)
}

// HTMLWithButton is the HTML part of a plain-text mail with a button
// before the signature: a link to href, for the one thing the mail asks
// the reader to do. The address is in the text too.
func HTMLWithButton(text, label, href string) string {
	return htmlWith(text, `<p><a href="`+html.EscapeString(href)+`" style="display:inline-block;padding:12px 20px;`+
		`background:#0d6efd;color:#fff;border-radius:6px;text-decoration:none;font-family:sans-serif;font-weight:bold">`+
		html.EscapeString(label)+`</a></p>`)
}

// htmlWith is text as HTML with extra, an element in HTML, before the
// signature.
func htmlWith(text, extra string) string {
	body, signature, _ := strings.Cut(text, "\n-- \n")
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>`)
	b.WriteString(`<div style="font-family:sans-serif;white-space:pre-wrap">`)
	b.WriteString(linked(body))
	b.WriteString(`</div>` + extra)
	if signature != "" {
		b.WriteString(`<div style="font-family:sans-serif;white-space:pre-wrap;color:#555">-- ` + "\n" + linked(signature) + `</div>`)
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// linked escapes text for HTML and turns its addresses into links.
func linked(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range links.FindAllStringIndex(text, -1) {
		b.WriteString(html.EscapeString(text[last:m[0]]))
		u := html.EscapeString(text[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return b.String()
}
