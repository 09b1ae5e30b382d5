package events_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Every page describes itself for search results and link previews: a
// registration page with its event, the others with their title.
func TestPagesHaveADescription(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: "Sternwarte", description: `<p>Ein Abend am <b>Teleskop</b>.</p>`})
	meta := regexp.MustCompile(`<meta name="description" content="([^"]*)">`)
	for _, tt := range []struct{ path, lang, want string }{
		{ev.regPath(), "de", "Anmeldung zu „Sternwarte“. Ein Abend am Teleskop."},
		{ev.regPath(), "en", "Registration for &#34;Sternwarte&#34;. Ein Abend am Teleskop."},
		{"/events/", "de", "Veranstaltungen – PeP et al. e.V.: Mitglied werden, die eigenen Daten verwalten und sich zu Veranstaltungen anmelden."},
		{"/events/resend_emails/", "en", "Send registration links again – PeP et al. e.V.: become a member, manage your data and register for events."},
	} {
		body := app.Get(t, app.Client(), tt.path, "Accept-Language", tt.lang).Body
		m := meta.FindStringSubmatch(body)
		if m == nil || m[1] != tt.want {
			t.Errorf("%s (%s): description %q, want %q", tt.path, tt.lang, m, tt.want)
		}
	}
}

// A schema the admin mistyped is refused in the admin's language, with the
// line and column; the JSON decoder's English follows, smaller, as a
// detail, not in the middle of a German sentence.
func TestSchemaPreviewTranslatesParserErrors(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	resp := app.PostForm(t, c, "/admin/events/preview/registration_schema",
		url.Values{"registration_schema": {"{\n  \"type\": \"object\",\n  \"properties\": {,}\n}"}}, "HX-Request", "true")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview = %d", resp.StatusCode)
	}
	problem := regexp.MustCompile(`(?s)<li data-testid="schema-problem">(.*?)</li>`).FindStringSubmatch(resp.Body)
	if problem == nil {
		t.Fatalf("no problem shown:\n%s", resp.Body)
	}
	sentence, detail, _ := strings.Cut(problem[1], `<small`)
	if got := visibleText(sentence); got != "Kein gültiges JSON: Fehler in Zeile 3, Zeichen 18." {
		t.Errorf("problem %q", got)
	}
	if !strings.Contains(detail, `lang="en"`) || !strings.Contains(detail, `data-testid="problem-detail"`) ||
		!strings.Contains(visibleText("<small"+detail), "invalid character ','") {
		t.Errorf("detail %q, want the decoder's English, marked as such", detail)
	}
}
