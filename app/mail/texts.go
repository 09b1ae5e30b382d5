package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"text/template"

	"github.com/pepalumni/memberdb/app/config"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Org is the association as mails present it: from the configuration and
// the association's settings.
type Org struct {
	Name      string
	Email     string
	Website   string
	Signature string
	// Postal is the postal address, a line each (legal pages, the privacy
	// statement's draft); none when unknown.
	Postal []string
	// Logo is shown atop the HTML part of mails that have one: PNG or
	// JPEG (LogoType), as mail readers show no SVG; nil for none.
	Logo     []byte
	LogoType string
	// Accent is the colour of the HTML part's buttons (#rrggbb); ""
	// keeps the default blue.
	Accent string
}

// ConfiguredOrg is the association as the configuration names it, which
// mails say until the association sets its own name and address.
func ConfiguredOrg(cfg *config.Config) Org {
	return Org{Name: cfg.OrgName, Email: cfg.OrgEmail, Website: cfg.OrgWebsite, Signature: cfg.OrgSignature,
		Postal: PostalLines(cfg.OrgAddress)}
}

// PostalLines splits a postal address into its lines, however they are
// broken (CR LF as browsers send it, a lone CR, Unicode's line and
// paragraph separators), trimmed, blank ones left out.
func PostalLines(address string) []string {
	var lines []string
	for _, line := range strings.Split(lineBreaks.Replace(address), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

var lineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n")

// Texts renders one domain's mail texts: text/template files named
// <name>.<lang>.txt whose first line is "Subject: …", then a blank line,
// then the body. Every body ends with the association's signature.
// Templates see the caller's data flattened ({{.Name}}, {{.Link}}) and
// the association as {{.Org.Name}}, {{.Org.Email}}, {{.Org.Website}}. An
// edited text (Book.Edits) replaces the file's where there is one.
type Texts struct {
	book      *Book
	domain    string
	templates map[string]*template.Template
}

// Org is the association its mails speak for now.
func (t *Texts) Org() Org { return t.book.org() }

// NewTexts parses every *.txt file of fsys once, at start-up, and checks
// that each text exists in every language. The texts belong to a book of
// their own: no edits, org for every mail.
func NewTexts(fsys fs.FS, org Org) (*Texts, error) {
	return NewBook(org).load("", fsys)
}

// MustTexts is NewTexts for embedded files known at compile time.
func MustTexts(fsys fs.FS, org Org) *Texts {
	t, err := NewTexts(fsys, org)
	if err != nil {
		panic(err)
	}
	return t
}

func (b *Book) load(domain string, fsys fs.FS) (*Texts, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	t := &Texts{book: b, domain: domain, templates: map[string]*template.Template{}}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		tmpl, err := parseText(name, string(src))
		if err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		t.templates[strings.TrimSuffix(path.Base(name), ".txt")] = tmpl
	}
	for key := range t.templates {
		base := key[:strings.LastIndex(key, ".")]
		for _, l := range i18n.Langs {
			if _, ok := t.templates[base+"."+string(l)]; !ok {
				return nil, fmt.Errorf("mail: text %s has no %s version", base, l)
			}
		}
	}
	return t, nil
}

func parseText(name, src string) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Parse(src)
}

// Render returns subject and body of text name in lang. An edited text
// that fails with the mail's data gives way to the default text: the mail
// goes out in the words the code knows rather than not at all.
func (t *Texts) Render(lang i18n.Lang, name string, data any) (subject, body string, err error) {
	return t.render(lang, name, data, nil)
}

// render is Render; an edited text whose body lacks one of must (facts
// this mail has to tell, which the edit may predate), or that runs a
// personal link into other text, gives way to the default text too.
func (t *Texts) render(lang i18n.Lang, name string, data any, must []string) (subject, body string, err error) {
	tmpl, ok := t.templates[name+"."+string(lang)]
	if !ok {
		return "", "", fmt.Errorf("mail: no text %s.%s", name, lang)
	}
	org := t.book.org()
	flat := flatten(data, org)
	if edits := t.book.Edits; edits != nil && t.domain != "" {
		if edited, ok := edits.MailText(t.domain+"/"+name, lang); ok {
			subject, body, err := execute(edited, name, flat, org)
			text := subject + "\n" + body
			if err == nil && !slices.ContainsFunc(must, func(s string) bool { return !strings.Contains(text, s) }) &&
				linkMisused(edited.Tree) == nil && !linkRunsInto(text, flat) {
				return subject, body, nil
			}
		}
	}
	return execute(tmpl, name, flat, org)
}

// maxRendered bounds a rendered text: no mail is longer, and a text
// staff wrote cannot fill the memory whatever it does.
const maxRendered = 1 << 20

// errTooLong stops a rendering that passed maxRendered.
var errTooLong = errors.New("mail: the rendered text is too long")

// cappedBuffer is a bytes.Buffer that refuses to grow past maxRendered.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxRendered {
		return 0, errTooLong
	}
	return b.Buffer.Write(p)
}

// execute renders tmpl with data and signs it with org.
func execute(tmpl *template.Template, name string, data map[string]any, org Org) (subject, body string, err error) {
	var buf cappedBuffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return "", "", fmt.Errorf("mail: render %s: %w", name, err)
	}
	head, rest, ok := strings.Cut(buf.String(), "\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return "", "", fmt.Errorf("mail: text %s must start with a Subject: line", name)
	}
	body = strings.TrimSpace(rest) + "\n\n-- \n" + org.Signature
	if org.Website != "" {
		body += "\n" + org.Website
	}
	return strings.TrimSpace(subject), body + "\n", nil
}

// flatten puts the caller's data (a struct or a map) and the association
// side by side, so the texts say {{.Name}} and {{.Org.Name}}: the short
// placeholders the text editor lists.
func flatten(data any, org Org) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(data)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String {
			for _, k := range v.MapKeys() {
				out[k.String()] = v.MapIndex(k).Interface()
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				out[t.Field(i).Name] = v.Field(i).Interface()
			}
		}
	}
	out["Org"] = org
	return out
}

// Message renders text name into a Message for to; the caller fills in
// Kind and the related ids.
func (t *Texts) Message(lang i18n.Lang, name string, data any, to ...string) (Message, error) {
	return t.MessageTelling(lang, name, data, nil, to...)
}

// MessageTelling is Message for a mail that must tell each of must (a due
// date, say): an edited text that leaves one out gives way to the
// default text, which tells them all.
func (t *Texts) MessageTelling(lang i18n.Lang, name string, data any, must []string, to ...string) (Message, error) {
	subject, body, err := t.render(lang, name, data, must)
	if err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: subject, Text: body}, nil
}
