package texts_test

import (
	stdhtml "html"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Every placeholder a mail text may use is described in both languages,
// in the editor, and a description of a placeholder in one mail names a
// mail that uses it: a new placeholder cannot go undescribed, nor an
// override outlive its mail.
func TestEveryPlaceholderIsDescribed(t *testing.T) {
	app := apptest.Start(t)
	book := app.Server.Book()
	used := map[string]bool{}
	for _, m := range book.Mails() {
		for _, p := range m.Placeholders {
			used["placeholders."+p] = true
			used["placeholders."+m.Key+"."+p] = true
			for _, l := range i18n.Langs {
				if _, ok := i18n.Keys(l)["placeholders."+p]; !ok {
					t.Errorf("placeholder %s (in %s) has no %s description (placeholders.%s)", p, m.Key, l, p)
				}
			}
		}
	}
	// The association's placeholders are offered in every editor, used by
	// a default or not.
	for _, p := range mail.OrgPlaceholders {
		used["placeholders."+p] = true
		for _, l := range i18n.Langs {
			if _, ok := i18n.Keys(l)["placeholders."+p]; !ok {
				t.Errorf("placeholder %s has no %s description", p, l)
			}
		}
	}
	for _, l := range i18n.Langs {
		for key := range i18n.Keys(l) {
			if strings.HasPrefix(key, "placeholders.") && !used[key] {
				t.Errorf("%s description %s names no placeholder of a mail", l, key)
			}
		}
	}

	// The editor shows them in the reader's language, a mail's own
	// description before the shared one.
	c, _ := app.ClientWith(t, "texts_admin")
	for _, tt := range []struct{ lang, mail, placeholder string }{
		{"de", "events/registration_pending", "EventName"},
		{"en", "events/registration_pending", "EventName"},
		{"de", "auth/password_reset", "Link"},
		{"en", "auth/password_reset", "Link"},
		{"en", "fees/mandate_given", "CreditorID"},
		{"de", "fees/mandate_given", "CreditorID"},
	} {
		editor := app.Get(t, c, "/admin/texts/mail/"+tt.mail+"/de", "Accept-Language", tt.lang)
		wantStatus(t, "the editor", editor, http.StatusOK)
		want, ok := i18n.Keys(i18n.Lang(tt.lang))["placeholders."+tt.mail+"."+tt.placeholder]
		if !ok {
			want = i18n.Keys(i18n.Lang(tt.lang))["placeholders."+tt.placeholder]
		}
		item := "<code class=\"text-break\">{{." + tt.placeholder + "}}</code>"
		_, after, found := strings.Cut(editor.Body, item)
		text, _, _ := strings.Cut(after, "</li>")
		if !found || want == "" || !strings.Contains(text, stdhtml.EscapeString(want)) {
			t.Errorf("%s editor of %s describes %s as %q, want %q", tt.lang, tt.mail, tt.placeholder, text, want)
		}
	}
	// A default that names the association lists its placeholders once.
	editor := app.Get(t, c, "/admin/texts/mail/auth/password_changed/de")
	for _, p := range mail.OrgPlaceholders {
		if n := strings.Count(editor.Body, "<code class=\"text-break\">{{."+p+"}}</code>"); n != 1 {
			t.Errorf("the editor lists {{.%s}} %d times", p, n)
		}
	}
}

// Every default text previews with a sample for each of its
// placeholders, not with the placeholder's name.
func TestEveryPreviewShowsSampleValues(t *testing.T) {
	app := apptest.Start(t)
	book := app.Server.Book()
	for _, m := range book.Mails() {
		for _, l := range i18n.Langs {
			for _, sie := range []bool{false, true} {
				subject, body, err := book.Preview(m, l, m.Default[l], sie)
				if err != nil {
					t.Fatalf("%s %s: %v", m.Key, l, err)
				}
				if strings.Contains(subject+body, "‹") {
					t.Errorf("%s %s previews a placeholder's name:\n%s\n%s", m.Key, l, subject, body)
				}
			}
		}
	}
}
