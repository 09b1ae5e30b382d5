package mail_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// linkMail is a mail with both forms of address, a link and a list.
var linkMail = fstest.MapFS{
	"pending.de.txt": {Data: []byte("Subject: Anmeldung zu {{.EventName}}\n\n{{if .Sie}}Guten Tag {{.Name}},{{else}}Hallo {{.Name}},{{end}}\n\n{{.Link}}\n{{range .Answers}}- {{.Label}}: {{.Value}}\n{{end}}")},
	"pending.en.txt": {Data: []byte("Subject: Registration for {{.EventName}}\n\nHello {{.Name}},\n\n{{.Link}}\n")},
}

type edits map[string]*template.Template

func (e edits) MailText(key string, lang i18n.Lang) (*template.Template, bool) {
	t, ok := e[key+"."+string(lang)]
	return t, ok
}

func TestBookKnowsEachMailsPlaceholders(t *testing.T) {
	book := mail.NewBook(org)
	book.Texts("events", linkMail)
	m, ok := book.Mail("events/pending")
	if !ok {
		t.Fatal("the book has no events/pending")
	}
	if got, want := strings.Join(m.Placeholders, " "), "Answers EventName Link Name Sie"; got != want {
		t.Errorf("placeholders = %q, want %q", got, want)
	}
	if got := m.Required[i18n.DE]; len(got) != 1 || got[0] != "Link" {
		t.Errorf("required = %v, want [Link]", got)
	}
	if !m.Formal {
		t.Error("the mail has a du and a Sie wording")
	}
}

func TestBookChecksEditedTexts(t *testing.T) {
	book := mail.NewBook(org)
	book.Texts("events", linkMail)
	m, _ := book.Mail("events/pending")
	tests := []struct {
		name        string
		text        mail.Text
		wantKind    string
		wantField   string
		wantLine    int
		placeholder string
	}{
		{"fine", mail.Text{Subject: "Hallo {{.Name}}", Body: "Dein Link:\n{{.Link}}\n{{.Org.Name}}"}, "", "", 0, ""},
		{"unknown placeholder", mail.Text{Subject: "Hallo", Body: "Zeile eins\n{{.Link}}\n{{.Nmae}}"}, "unknown", "body", 3, "Nmae"},
		{"unknown in subject", mail.Text{Subject: "Hallo {{.Vorname}}", Body: "{{.Link}}"}, "unknown", "subject", 1, "Vorname"},
		{"unknown org field", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{.Org.Signature}}"}, "unknown", "body", 2, "Org.Signature"},
		{"unknown in a list", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{range .Answers}}{{.Lable}}{{end}}"}, "unknown", "body", 2, "Lable"},
		{"broken syntax", mail.Text{Subject: "Hallo", Body: "a\nb\n{{.Link}\n"}, "syntax", "body", 3, ""},
		{"unclosed if", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{if .Sie}}Sie\n\nGruß\n"}, "unclosed", "body", 2, "if"},
		{"an unclosed if around a closed range", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{- if .Sie}}\n{{range .Answers}}x\n{{end}}\nEnde"}, "unclosed", "body", 2, "if"},
		{"an unclosed range in an unclosed if", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{if .Sie}}\n{{ range .Answers }}x\nEnde"}, "unclosed", "body", 3, "range"},
		{"an end too many", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{if .Sie}}Sie{{end}}\n{{end}}\n"}, "syntax", "body", 3, ""},
		{"required link missing", mail.Text{Subject: "Hallo", Body: "Kein Link"}, "required", "", 0, "Link"},
		{"two-line subject", mail.Text{Subject: "Hallo\nBcc: x@example.org", Body: "{{.Link}}"}, "subject", "subject", 1, ""},
		// What would keep the server busy for hours or fill its memory.
		{"a loop over a number", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{range 100000000000}}{{end}}"}, "construct", "body", 2, ""},
		{"a loop over a placeholder that is no list", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n\n{{range .Name}}x{{end}}"}, "construct", "body", 3, ""},
		{"a loop in a loop", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{range .Answers}}{{if .Label}}{{range $.Answers}}{{end}}{{end}}{{end}}"}, "construct", "body", 2, ""},
		{"a padded printf", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{printf \"%0999999999d\" 1}}"}, "construct", "body", 2, ""},
		{"a template calling itself", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}"}, "construct", "body", 0, ""},
		{"a loop in the subject", mail.Text{Subject: "Hallo {{range 9}}x{{end}}", Body: "{{.Link}}"}, "construct", "subject", 1, ""},
		{"a value doubled", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{with print . .}}{{with print . .}}{{.}}{{end}}{{end}}"}, "construct", "body", 2, ""},
		{"a variable doubled", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{$x := .Name}}{{$x = print $x $x}}{{$x}}"}, "construct", "body", 2, ""},
		{"the answers by index and element", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{range $i, $a := .Answers}}{{$i}} {{$a.Label}}{{end}}"}, "", "", 0, ""},
		// A personal link run into an address of someone else's site
		// would hand every reset and registration link to it.
		{"a link glued to another address", mail.Text{Subject: "Hallo", Body: "Hier: https://evil.example/r?u={{.Link}}"}, "glued", "body", 0, ""},
		{"a link glued by with", mail.Text{Subject: "Hallo", Body: "{{.Link}}\nhttps://evil.example/{{with .Link}}{{.}}{{end}}"}, "link_use", "body", 2, ""},
		{"a link glued after a no-break space", mail.Text{Subject: "Hallo", Body: "https://evil.example/?u=\u00a0{{.Link}}"}, "glued", "body", 0, ""},
		{"a link glued in brackets", mail.Text{Subject: "Hallo", Body: "https://evil.example/?u=({{.Link}})"}, "glued", "body", 0, ""},
		{"a link spelt out by index", mail.Text{Subject: "Hallo", Body: "{{.Link}}\nhttps://evil.example/?a={{index .Link 0}}"}, "link_use", "body", 2, ""},
		{"a link measured", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{if gt (len .Link) 40}}x{{end}}"}, "link_use", "body", 2, ""},
		{"a link compared with a guess", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{if lt .Link \"https://example.org/l/M\"}}0{{else}}1{{end}}"}, "link_use", "body", 2, ""},
		{"a link piped", mail.Text{Subject: "Hallo", Body: "{{.Link | len}}"}, "link_use", "body", 1, ""},
		{"a link in another address's angle brackets", mail.Text{Subject: "Hallo", Body: "<https://evil.example/?u= {{.Link}}>"}, "glued", "body", 0, ""},
		{"a link after a form feed", mail.Text{Subject: "Hallo", Body: "https://evil.example/?u=\f{{.Link}}"}, "glued", "body", 0, ""},
		{"a link asked for", mail.Text{Subject: "Hallo", Body: "{{if .Link}}Dein Link:\n{{.Link}}{{end}}"}, "", "", 0, ""},
		{"a link glued after it", mail.Text{Subject: "Hallo", Body: "{{.Link}}&next=https://evil.example"}, "glued", "body", 0, ""},
		{"a link glued in the subject", mail.Text{Subject: "evil.example/?{{.Link}}", Body: "{{.Link}}"}, "glued", "subject", 0, ""},
		{"a link in brackets, quotes and at a sentence's end", mail.Text{Subject: "Hallo", Body: "Link: {{.Link}}\n<{{.Link}}>\n({{.Link}}), „{{.Link}}“ und {{.Link}}."}, "", "", 0, ""},
		{"the list of answers, once", mail.Text{Subject: "Hallo", Body: "{{.Link}}\n{{range .Answers}}{{if eq .Label \"x\"}}{{.Value}}{{end}}{{end}}"}, "", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Check(i18n.DE, tt.text)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			var te *mail.ErrText
			if !errors.As(err, &te) {
				t.Fatalf("Check = %v, want an *ErrText", err)
			}
			// The placeholder column names an unclosed block's word.
			named := te.Placeholder
			if te.Kind == "unclosed" {
				named = te.Block
			}
			if te.Kind != tt.wantKind || named != tt.placeholder || (tt.wantField != "" && te.Field != tt.wantField) ||
				(tt.wantLine != 0 && te.Line != tt.wantLine) {
				t.Errorf("Check = %+v, want kind %s, %s line %d, placeholder %q", te, tt.wantKind, tt.wantField, tt.wantLine, tt.placeholder)
			}
		})
	}
}

func TestBookRendersEditsWithFlatDataAndFallsBack(t *testing.T) {
	book := mail.NewBook(org)
	texts := book.Texts("events", linkMail)
	m, _ := book.Mail("events/pending")
	edited, err := mail.Parse(m.Key, i18n.DE, mail.Text{Subject: "Eigener Betreff für {{.Name}}", Body: "{{.Link}} – {{.Org.Name}}"})
	if err != nil {
		t.Fatal(err)
	}
	book.Edits = edits{"events/pending.de": edited}
	type data struct {
		Sie             bool
		Name, EventName string
		Link            string
		Answers         []struct{ Label, Value string }
	}
	d := data{Name: "Ada", EventName: "Fest", Link: "https://example.org/x"}
	subject, body, err := texts.Render(i18n.DE, "pending", d)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Eigener Betreff für Ada" || !strings.HasPrefix(body, "https://example.org/x – PeP et al. e.V.\n\n-- \nDein PeP-Team") {
		t.Errorf("edited text rendered as %q / %q", subject, body)
	}
	subject, _, err = texts.Render(i18n.EN, "pending", d)
	if err != nil || subject != "Registration for Fest" {
		t.Errorf("English without an edit = %q, %v; want the default", subject, err)
	}
	// An edit that fails with the real data gives way to the default.
	broken, _ := mail.Parse(m.Key, i18n.DE, mail.Text{Subject: "{{index .Answers 3}}", Body: "{{.Link}}"})
	book.Edits = edits{"events/pending.de": broken}
	subject, _, err = texts.Render(i18n.DE, "pending", d)
	if err != nil || subject != "Anmeldung zu Fest" {
		t.Errorf("failing edit rendered %q, %v; want the default", subject, err)
	}
	// An edit saved before the editor refused links run into another
	// site's address does not send the link there.
	glued, _ := mail.Parse(m.Key, i18n.DE, mail.Text{Subject: "Eigener Betreff", Body: "https://evil.example/r?u={{.Link}}"})
	book.Edits = edits{"events/pending.de": glued}
	subject, body, err = texts.Render(i18n.DE, "pending", d)
	if err != nil || subject != "Anmeldung zu Fest" || strings.Contains(body, "evil.example") {
		t.Errorf("an edit gluing the link rendered %q / %q, %v; want the default", subject, body, err)
	}
}

func TestBookPreviewsBothFormsOfAddress(t *testing.T) {
	book := mail.NewBook(org)
	book.Texts("events", linkMail)
	m, _ := book.Mail("events/pending")
	for _, tt := range []struct {
		sie  bool
		want string
	}{{false, "Hallo Erika Mustermann,"}, {true, "Guten Tag Erika Mustermann,"}} {
		subject, body, err := book.Preview(m, i18n.DE, m.Default[i18n.DE], tt.sie)
		if err != nil {
			t.Fatal(err)
		}
		if subject != "Anmeldung zu Sommerfest" || !strings.HasPrefix(body, tt.want) || !strings.Contains(body, "- Essen: vegetarisch") {
			t.Errorf("preview (Sie %v) = %q / %q", tt.sie, subject, body)
		}
	}
}

// A mail that must tell a fact keeps an edit that tells it (in its body or
// its subject) and gives way to the default text where the edit leaves it
// out; without such a fact the edit goes out as it is.
func TestMessageTellingKeepsEditsThatTell(t *testing.T) {
	book := mail.NewBook(org)
	texts := book.Texts("events", linkMail)
	m, _ := book.Mail("events/pending")
	d := struct {
		Sie             bool
		Name, EventName string
		Link            string
		Answers         []struct{ Label, Value string }
	}{Name: "Ada", EventName: "Fest am 24.12.", Link: "https://example.org/x"}
	for _, tt := range []struct {
		name        string
		text        mail.Text
		must        []string
		wantSubject string
	}{
		{"an edit that tells it in the body", mail.Text{Subject: "Eigen", Body: "{{.Link}} {{.EventName}}"}, []string{"24.12."}, "Eigen"},
		{"an edit that tells it in the subject", mail.Text{Subject: "{{.EventName}}", Body: "{{.Link}}"}, []string{"24.12."}, "Fest am 24.12."},
		{"an edit that leaves it out", mail.Text{Subject: "Eigen", Body: "{{.Link}}"}, []string{"24.12."}, "Anmeldung zu Fest am 24.12."},
		{"nothing that must be told", mail.Text{Subject: "Eigen", Body: "{{.Link}}"}, nil, "Eigen"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			edited, err := mail.Parse(m.Key, i18n.DE, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			book.Edits = edits{"events/pending.de": edited}
			msg, err := texts.MessageTelling(i18n.DE, "pending", d, tt.must, "ada@example.org")
			if err != nil || msg.Subject != tt.wantSubject {
				t.Errorf("subject %q (%v), want %q", msg.Subject, err, tt.wantSubject)
			}
		})
	}
}
