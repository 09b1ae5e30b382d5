package mail

import (
	"cmp"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/pepalumni/memberdb/components/i18n"
)

// Book is every mail text memberdb sends, each domain's registered with
// Texts: the text editor lists them from here, and each rendering asks
// the book for the association and for an edited version of the text.
type Book struct {
	// Org is the association the mails speak for, asked at every
	// rendering, so a change of its settings reaches the next mail.
	Org func() Org
	// Edits are the association's own versions of the texts; nil keeps
	// the defaults. Set it before the first mail is rendered.
	Edits Edits

	mu      sync.Mutex
	mails   map[string]*Mail
	domains map[string]*Texts
}

// Edits looks up an edited mail text, cheaply: it is asked for every mail.
type Edits interface {
	// MailText is the edited text key ("members/welcome") in lang, parsed
	// with Parse; false keeps the default.
	MailText(key string, lang i18n.Lang) (*template.Template, bool)
}

// NewBook is a book whose mails speak for org.
func NewBook(org Org) *Book {
	return &Book{Org: func() Org { return org }, mails: map[string]*Mail{}, domains: map[string]*Texts{}}
}

func (b *Book) org() Org {
	if b.Org == nil {
		return Org{}
	}
	return b.Org()
}

// Texts parses domain's mail texts (as NewTexts does) and enters them in
// the book under "domain/name"; it panics on a broken file, which only
// the embedded files of the code can be.
func (b *Book) Texts(domain string, fsys fs.FS) *Texts {
	t, err := b.load(domain, fsys)
	if err != nil {
		panic(err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.domains[domain]; !ok {
		b.domains[domain] = t
	}
	for name := range t.templates {
		base := name[:strings.LastIndex(name, ".")]
		key := domain + "/" + base
		if _, ok := b.mails[key]; ok {
			continue
		}
		m := &Mail{Key: key, Domain: domain, Name: base, Default: map[i18n.Lang]Text{}}
		for _, l := range i18n.Langs {
			src, _ := fs.ReadFile(fsys, base+"."+string(l)+".txt")
			m.Default[l] = splitText(string(src))
		}
		if err := m.analyse(); err != nil {
			panic(fmt.Errorf("mail: %s: %w", key, err))
		}
		b.mails[key] = m
	}
	return t
}

// Mails are the book's texts, ordered by domain and name.
func (b *Book) Mails() []*Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]*Mail, 0, len(b.mails))
	for _, m := range b.mails {
		out = append(out, m)
	}
	slices.SortFunc(out, func(x, y *Mail) int { return cmp.Compare(x.Key, y.Key) })
	return out
}

// Mail is the text key, if the book has it.
func (b *Book) Mail(key string) (*Mail, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, ok := b.mails[key]
	return m, ok
}

// Preview renders t, a version of m in lang, with sample data and the
// book's association, signed as the real mail is; sie picks the formal
// German address where the mail has both.
func (b *Book) Preview(m *Mail, lang i18n.Lang, t Text, sie bool) (subject, body string, err error) {
	tmpl, err := Parse(m.Key, lang, t)
	if err != nil {
		return "", "", err
	}
	org := b.org()
	return execute(tmpl, m.Key, m.sample(lang, sie, org), org)
}

// RenderSample renders m in lang as a real mail of its domain is rendered
// (the edited text where there is one), with sample data.
func (b *Book) RenderSample(m *Mail, lang i18n.Lang, sie bool) (subject, body string, err error) {
	b.mu.Lock()
	t := b.domains[m.Domain]
	b.mu.Unlock()
	return t.Render(lang, m.Name, m.sample(lang, sie, Org{}))
}

// Text is a mail text as the editor shows it: the subject line and the
// body, both text/template.
type Text struct {
	Subject string
	Body    string
}

// source is t as a text file: the subject line, a blank line, the body.
func (t Text) source() string {
	return "Subject: " + t.Subject + "\n\n" + t.Body
}

func splitText(src string) Text {
	head, body, _ := strings.Cut(src, "\n")
	return Text{Subject: strings.TrimPrefix(head, "Subject: "), Body: strings.TrimPrefix(body, "\n")}
}

// Parse parses an edited text, refusing what a text may not do (an
// *ErrText); Check says in full what is wrong with one.
func Parse(key string, lang i18n.Lang, t Text) (*template.Template, error) {
	tmpl, err := parseText(key+"."+string(lang), t.source())
	if err != nil {
		return nil, err
	}
	if n := refusedConstruct(tmpl, nil); n != nil {
		return nil, constructError(tmpl, n)
	}
	return tmpl, nil
}
