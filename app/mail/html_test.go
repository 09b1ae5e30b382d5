package mail_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pepalumni/memberdb/app/mail"
)

// The HTML part of a mail carries the association's look: its logo atop
// (inline, as mail readers load no outside images) and its colour on the
// button; an SVG logo, which mail readers do not show, stays out.
func TestHTMLPartCarriesTheAssociationsLook(t *testing.T) {
	logo := []byte("\x89PNG\r\n\x1a\n the logo")
	files := fstest.MapFS{
		"offer.de.txt": {Data: []byte("Subject: Platz frei\n\nHallo {{.Name}}, nimm den Platz: {{.Link}}\n")},
		"offer.en.txt": {Data: []byte("Subject: A place\n\nHello {{.Name}}, take it: {{.Link}}\n")},
	}
	for _, tt := range []struct {
		name     string
		org      mail.Org
		wantLogo bool
		colour   string
	}{
		{"PNG logo and accent", mail.Org{Name: "Verein <B>", Signature: "Verein B", Logo: logo, LogoType: "image/png", Accent: "#7a1f5c"}, true, "#7a1f5c"},
		{"SVG logo", mail.Org{Name: "Verein B", Signature: "Verein B", Logo: []byte("<svg/>"), LogoType: "image/svg+xml"}, false, "#0d6efd"},
		{"no logo", mail.Org{Name: "Verein B", Signature: "Verein B"}, false, "#0d6efd"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			texts, err := mail.NewTexts(files, tt.org)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := texts.Message("de", "offer", map[string]string{"Name": "Ada", "Link": "https://example.org/r/1"}, "ada@example.org")
			if err != nil {
				t.Fatal(err)
			}
			texts.WithButton(&msg, "Platz nehmen", "https://example.org/r/1")
			if !strings.Contains(msg.HTML, "background:"+tt.colour+";") {
				t.Errorf("the button is not %s:\n%s", tt.colour, msg.HTML)
			}
			hasLogo := strings.Contains(msg.HTML, `src="cid:logo.png"`)
			if hasLogo != tt.wantLogo || (len(msg.Attachments) == 1) != tt.wantLogo {
				t.Fatalf("logo shown %v with attachments %+v, want %v:\n%s", hasLogo, msg.Attachments, tt.wantLogo, msg.HTML)
			}
			if tt.wantLogo {
				a := msg.Attachments[0]
				if !a.Inline || a.Filename != "logo.png" || a.ContentType != "image/png" || string(a.Content) != string(logo) {
					t.Errorf("the logo travels as %+v", a)
				}
				if !strings.Contains(msg.HTML, `alt="Verein &lt;B&gt;"`) {
					t.Errorf("the logo's alternative text is not the escaped name:\n%s", msg.HTML)
				}
			}
			if !strings.Contains(msg.HTML, "-- \nVerein B") || !strings.Contains(msg.HTML, `<a href="https://example.org/r/1">`) {
				t.Errorf("the text, its link or its signature is missing:\n%s", msg.HTML)
			}
		})
	}
}
