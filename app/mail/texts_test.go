package mail_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

var org = mail.Org{Name: "PeP et al. e.V.", Email: "vorstand@example.org", Website: "https://example.org", Signature: "Dein PeP-Team"}

func TestTextsRenderInTheRecipientsLanguageWithSignature(t *testing.T) {
	texts, err := mail.NewTexts(fstest.MapFS{
		"welcome.de.txt": {Data: []byte("Subject: Willkommen bei {{.Org.Name}}, {{.Name}}\n\nHallo {{.Name}},\nschön, dass du da bist.\n\n")},
		"welcome.en.txt": {Data: []byte("Subject: Welcome to {{.Org.Name}}, {{.Name}}\n\nHello {{.Name}},\nglad you are here.\n")},
	}, org)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]string{"Name": "Ada"}
	tests := []struct {
		lang        i18n.Lang
		wantSubject string
		wantBody    string
	}{
		{i18n.DE, "Willkommen bei PeP et al. e.V., Ada", "Hallo Ada,\nschön, dass du da bist.\n\n-- \nDein PeP-Team\nhttps://example.org\n"},
		{i18n.EN, "Welcome to PeP et al. e.V., Ada", "Hello Ada,\nglad you are here.\n\n-- \nDein PeP-Team\nhttps://example.org\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			m, err := texts.Message(tt.lang, "welcome", data, "ada@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.wantSubject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.wantSubject)
			}
			if m.Text != tt.wantBody {
				t.Errorf("body = %q, want %q", m.Text, tt.wantBody)
			}
			if len(m.To) != 1 || m.To[0] != "ada@example.org" {
				t.Errorf("to = %v", m.To)
			}
		})
	}
}

func TestTextsRefuseIncompleteOrMalformedTexts(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"missing language", fstest.MapFS{"welcome.de.txt": {Data: []byte("Subject: Hallo\n\nText")}}, "no en version"},
		{"bad template", fstest.MapFS{
			"welcome.de.txt": {Data: []byte("Subject: {{.Name\n\nText")},
			"welcome.en.txt": {Data: []byte("Subject: Hi\n\nText")},
		}, "welcome.de.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.NewTexts(tt.files, org)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewTexts = %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestTextsRenderErrors(t *testing.T) {
	texts := mail.MustTexts(fstest.MapFS{
		"nosubject.de.txt": {Data: []byte("Hallo\n\nText")},
		"nosubject.en.txt": {Data: []byte("Hello\n\nText")},
		"named.de.txt":     {Data: []byte("Subject: Hallo {{.Name}}\n\nText")},
		"named.en.txt":     {Data: []byte("Subject: Hello {{.Name}}\n\nText")},
	}, org)
	tests := []struct {
		name, text string
		data       any
		wantErr    string
	}{
		{"no subject line", "nosubject", nil, "Subject:"},
		{"unknown text", "missing", nil, "no text missing.de"},
		{"missing data", "named", map[string]string{}, "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := texts.Render(i18n.DE, tt.text, tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Render = %v, want an error naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestTextsSubjectCannotCarryAHeader(t *testing.T) {
	texts := mail.MustTexts(fstest.MapFS{
		"hi.de.txt": {Data: []byte("Subject: Hallo {{.Name}}\n\nText")},
		"hi.en.txt": {Data: []byte("Subject: Hello {{.Name}}\n\nText")},
	}, org)
	// A name typed into a form ends the subject at the line break; the rest
	// lands in the body, never in a header.
	m, err := texts.Message(i18n.DE, "hi", map[string]string{"Name": "Ada\r\nBcc: someone@example.org"}, "ada@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject %q has a line break", m.Subject)
	}
}
