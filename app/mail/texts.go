package mail

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"

	"github.com/pepalumni/memberdb/components/i18n"
)

// Org is the association as mails present it; it comes from configuration.
type Org struct {
	Name      string
	Email     string
	Website   string
	Signature string
}

// Texts renders one domain's mail texts: text/template files named
// <name>.<lang>.txt whose first line is "Subject: …", then a blank line,
// then the body. Every body ends with the association's signature.
// Templates see {{.Org}} and the caller's data as {{.Data}}.
type Texts struct {
	org       Org
	templates map[string]*template.Template
}

// NewTexts parses every *.txt file of fsys once, at start-up, and checks
// that each text exists in every language.
func NewTexts(fsys fs.FS, org Org) (*Texts, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	t := &Texts{org: org, templates: map[string]*template.Template{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		tmpl, err := template.New(name).Option("missingkey=error").Parse(string(b))
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

// MustTexts is NewTexts for embedded files known at compile time.
func MustTexts(fsys fs.FS, org Org) *Texts {
	t, err := NewTexts(fsys, org)
	if err != nil {
		panic(err)
	}
	return t
}

// Render returns subject and body of text name in lang.
func (t *Texts) Render(lang i18n.Lang, name string, data any) (subject, body string, err error) {
	tmpl, ok := t.templates[name+"."+string(lang)]
	if !ok {
		return "", "", fmt.Errorf("mail: no text %s.%s", name, lang)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, map[string]any{"Org": t.org, "Data": data}); err != nil {
		return "", "", fmt.Errorf("mail: render %s: %w", name, err)
	}
	head, rest, ok := strings.Cut(buf.String(), "\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return "", "", fmt.Errorf("mail: text %s must start with a Subject: line", name)
	}
	body = strings.TrimSpace(rest) + "\n\n-- \n" + t.org.Signature
	if t.org.Website != "" {
		body += "\n" + t.org.Website
	}
	return strings.TrimSpace(subject), body + "\n", nil
}

// Message renders text name into a Message for to; the caller fills in
// Kind and the related ids.
func (t *Texts) Message(lang i18n.Lang, name string, data any, to ...string) (Message, error) {
	subject, body, err := t.Render(lang, name, data)
	if err != nil {
		return Message{}, err
	}
	return Message{To: to, Subject: subject, Text: body}, nil
}
