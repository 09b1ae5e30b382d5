package texts_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// mailFiles finds every mail text in the code: the text files under app/
// that begin with a subject line, as "domain/name".
func mailFiles(t *testing.T) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(b), "Subject: ") {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		domain := strings.Split(filepath.ToSlash(rel), "/")[0]
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		found[domain+"/"+name[:strings.LastIndex(name, ".")]] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 30 {
		t.Fatalf("found only %d mail texts: %v; has their place changed?", len(found), found)
	}
	return found
}

// Every mail text of the code is in the book, its default passes the
// editor's own checks, and an edited version is what its domain renders:
// a new mail cannot be forgotten.
func TestEveryMailTextIsEditable(t *testing.T) {
	app := apptest.Start(t)
	book := app.Server.Book()
	c, _ := app.ClientWith(t, "texts_admin")
	for key := range mailFiles(t) {
		m, ok := book.Mail(key)
		if !ok {
			t.Errorf("mail text %s is not in the book (register it with mail.Book.Texts)", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			editor := app.Get(t, c, "/admin/texts/mail/"+key+"/de")
			wantStatus(t, "the editor", editor, http.StatusOK)
			for _, l := range i18n.Langs {
				if err := m.Check(l, m.Default[l]); err != nil {
					t.Errorf("the default %s text fails its check: %v", l, err)
				}
				body := "Eigener Text " + string(l) + "\n"
				for _, p := range m.Required[l] {
					if fields := m.Elements(p); fields != nil {
						// A list is walked, each field on a line of its own:
						// printed whole it would run its links into Go's
						// notation of a map.
						body += "{{range ." + p + "}}\n{{." + strings.Join(fields, "}}\n{{.") + "}}\n{{end}}\n"
						continue
					}
					body += "{{." + p + "}}\n"
				}
				saveMail(t, app, c, key, string(l), "Eigener Betreff "+string(l), body)
				for _, sie := range []bool{false, true} {
					subject, text, err := book.RenderSample(m, l, sie)
					if err != nil || subject != "Eigener Betreff "+string(l) || !strings.HasPrefix(text, "Eigener Text "+string(l)) {
						t.Errorf("%s rendered %q / %q, %v; want the edited text", l, subject, text, err)
					}
				}
			}
		})
	}
}

// The editor refuses what would break a mail, in the user's language with
// the line, answers 422 and saves nothing.
func TestEditorRefusesBrokenTexts(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	const path = "/admin/texts/mail/members/verify/de"
	tests := []struct {
		name          string
		subject, body string
		lang          string
		want          string
	}{
		{"unknown placeholder", "Hallo", "Hallo {{.Name}},\n\n{{.Link}}\n{{.Vorname}}", "de", "Text, Zeile 4: Den Platzhalter {{.Vorname}} kennt diese Mail nicht."},
		{"unknown placeholder, English", "Hallo", "{{.Link}}\n{{.Vorname}}", "en", "Text, line 2: this mail has no placeholder {{.Vorname}}."},
		{"broken syntax", "Hallo", "Hallo\n\n{{.Link}\n", "de", "Text, Zeile 3: Die Platzhalter-Schreibweise ist fehlerhaft"},
		{"broken subject", "Hallo {{.Name", "{{.Link}}", "de", "Betreff, Zeile 1: Die Platzhalter-Schreibweise ist fehlerhaft"},
		{"an if without end", "Hallo", "{{if .Sie}}Guten Tag{{else}}Hallo{{end}},\n{{if .Sie}}Ihr Link:\n{{.Link}}\n\nGruß", "de", "Text, Zeile 2: Zu diesem {{if}} fehlt das {{end}}."},
		{"a range without end, English", "Hallo", "{{.Link}}\n\n{{range .Answers}}x\n", "en", "Text, line 3: this {{range}} has no {{end}}."},
		{"required link missing", "Hallo", "Ohne Link", "de", "Der Platzhalter {{.Link}} fehlt"},
		{"empty", "", "{{.Link}}", "de", "Betreff und Text dürfen nicht leer sein."},
		{"huge", "Hallo", "{{.Link}}" + strings.Repeat("x", 20001), "de", "Der Text ist zu lang (höchstens 20000 Zeichen)."},
		{"huge subject", strings.Repeat("B", 501), "{{.Link}}", "de", "Der Betreff ist zu lang (höchstens 500 Zeichen)."},
		{"huge subject, English", strings.Repeat("B", 501), "{{.Link}}", "en", "The subject is too long (at most 500 characters)."},
		{"a loop over a number", "Hallo", "{{.Link}}\n{{range 10}}{{range 1000}}{{range 1000}}x{{end}}{{end}}{{end}}", "de",
			"Text, Zeile 2: Erlaubt sind Platzhalter"},
		{"a padded printf, English", "Hallo", "{{.Link}}\n{{printf \"%0999999999d\" 1}}", "en", "Text, line 2: placeholders, {{if}}"},
		// A texts admin could have sent every personal link to a site of
		// their own, one click from the account it opens.
		{"a link glued to another site", "Hallo", "Bitte hier klicken: https://evil.example/r?u={{.Link}}", "de",
			"Text: Ein Link-Platzhalter wie {{.Link}} muss ein Wort für sich sein"},
		{"a link glued to another site, English", "Hallo", "https://evil.example/#{{.Link}}", "en",
			"Text: a link placeholder such as {{.Link}} must be a word of its own"},
		{"a link spelt out", "Hallo", "{{.Link}}\nhttps://evil.example/?a={{index .Link 0}}{{index .Link 1}}", "de",
			"Text, Zeile 2: Einen Link-Platzhalter wie {{.Link}} kann der Text nur ausgeben oder mit {{if}} abfragen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.PostForm(t, c, path, url.Values{"subject": {tt.subject}, "body": {tt.body}}, "Accept-Language", tt.lang)
			wantStatus(t, "saving", resp, http.StatusUnprocessableEntity)
			if !strings.Contains(resp.Body, html(tt.want)) {
				t.Errorf("the answer does not say %q", tt.want)
			}
			var n int
			if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_texts WHERE key = 'members/verify'`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d texts saved (%v)", n, err)
			}
		})
	}
}

// html escapes s as templ does in text.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// The preview shows the posted text with sample data in both forms of
// address, and saves nothing.
func TestPreviewShowsDuAndSie(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	resp := app.PostForm(t, c, "/admin/texts/mail/events/registration_pending/de/preview", url.Values{
		"subject": {"Anmeldung: {{.EventName}}"},
		"body":    {"{{if .Sie}}Guten Tag {{.Name}}{{else}}Hallo {{.Name}}{{end}},\n{{.Link}}"},
	})
	wantStatus(t, "the preview", resp, http.StatusOK)
	for _, want := range []string{"Anmeldung: Sommerfest", "Hallo Erika Mustermann,", "Guten Tag Erika Mustermann,", "Mit „du“", "Mit „Sie“"} {
		if !strings.Contains(resp.Body, html(want)) {
			t.Errorf("the preview does not show %q", want)
		}
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_texts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the preview saved %d texts (%v)", n, err)
	}
}

// An edited welcome text reaches the applicant's mailbox in their language,
// and after a reset the default text goes out again.
func TestEditedMailTextArrivesInBothLanguages(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	saveMail(t, app, c, "members/verify", "de", "Willkommen bei {{.Org.Name}}, {{.Name}}",
		"Liebe:r {{.Name}},\nbitte bestätige hier: {{.Link}}\nGültig {{.Validity}}.")
	saveMail(t, app, c, "members/verify", "en", "Welcome to {{.Org.Name}}, {{.Name}}",
		"Dear {{.Name}},\nplease confirm here: {{.Link}}\nValid for {{.Validity}}.")
	for _, tt := range []struct{ lang, subject, body string }{
		{"de", "Willkommen bei " + app.Config.OrgName + ", Ada", "Liebe:r Ada,\nbitte bestätige hier: " + app.Config.BaseURL.String()},
		{"en", "Welcome to " + app.Config.OrgName + ", Ada", "Dear Ada,\nplease confirm here: " + app.Config.BaseURL.String()},
	} {
		email := newAddress()
		resp := app.PostForm(t, app.Client(), "/register/", url.Values{"name": {"Ada"}, "email": {email}, "membership_type": {"ordentlich"}},
			"Accept-Language", tt.lang)
		wantStatus(t, "applying", resp, http.StatusOK)
		got := app.SMTP.WaitTo(t, email, 1, mailWait)[0]
		if got.Subject != tt.subject || !strings.HasPrefix(got.Text, tt.body) {
			t.Errorf("%s mail = %q\n%s\nwant %q, starting %q", tt.lang, got.Subject, got.Text, tt.subject, tt.body)
		}
	}
	wantStatus(t, "reset", app.PostForm(t, c, "/admin/texts/mail/members/verify/de/reset", nil), http.StatusSeeOther)
	email := newAddress()
	app.PostForm(t, app.Client(), "/register/", url.Values{"name": {"Ada"}, "email": {email}, "membership_type": {"ordentlich"}})
	if got := app.SMTP.WaitTo(t, email, 1, mailWait)[0]; got.Subject != "Bitte bestätige deinen Mitgliedsantrag" {
		t.Errorf("after the reset the subject is %q", got.Subject)
	}
}

// A text changed through one instance reaches the mails of another: the
// change's notification makes every instance forget its cached texts.
func TestEditReachesEveryInstance(t *testing.T) {
	one, other := apptest.Start(t), apptest.Start(t)
	m, _ := other.Server.Book().Mail("events/registration_pending")
	before, _, err := other.Server.Book().RenderSample(m, i18n.DE, false)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := one.ClientWith(t, "texts_admin")
	saveMail(t, one, c, "events/registration_pending", "de", "Neu: {{.EventName}}", "{{.Link}}")
	apptest.Eventually(t, mailWait, "the other instance renders the edited text", func() bool {
		subject, _, err := other.Server.Book().RenderSample(m, i18n.DE, false)
		return err == nil && subject == "Neu: Sommerfest" && subject != before
	})
}

// What no person types is refused before the editor sees it, and saves
// nothing: NUL bytes, invalid UTF-8, a text posted from another site.
func TestEditorRefusesWhatNoPersonTypes(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	const path = "/admin/texts/mail/members/verify/de"
	for _, tt := range []struct {
		name    string
		body    string
		headers []string
		want    int
	}{
		{"NUL byte", "subject=Hallo&body=%7B%7B.Link%7D%7D%00", nil, http.StatusUnprocessableEntity},
		{"invalid UTF-8", "subject=Hallo%FF&body=%7B%7B.Link%7D%7D", nil, http.StatusUnprocessableEntity},
		{"another site", "subject=Hallo&body=%7B%7B.Link%7D%7D", []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(tt.headers); i += 2 {
				req.Header.Set(tt.headers[i], tt.headers[i+1])
			}
			wantStatus(t, "posting", apptest.Do(t, c, req), tt.want)
			var n int
			if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_texts`).Scan(&n); err != nil || n != 0 {
				t.Errorf("%d texts saved (%v)", n, err)
			}
		})
	}
}

// The list's language buttons name, for screen readers, the language in
// the reader's own: "auf Englisch", not "auf English".
func TestTextsListNamesLanguagesInTheReadersLanguage(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	de := app.Get(t, c, "/admin/texts", "Accept-Language", "de")
	wantStatus(t, "the German list", de, http.StatusOK)
	if !strings.Contains(de.Body, "auf Englisch bearbeiten") || strings.Contains(de.Body, "auf English") {
		t.Error("the German list does not name English in German")
	}
	en := app.Get(t, c, "/admin/texts", "Accept-Language", "en")
	if !strings.Contains(en.Body, " in German") || strings.Contains(en.Body, " in Deutsch") {
		t.Error("the English list does not name German in English")
	}
}
