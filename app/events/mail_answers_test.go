package events_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The answers in a mail are headed by the first line of each label, after
// the label of the group a field sits in. The whole label once ran into the
// answer ("Handynummer Nur für Notfälle …: 0231 …") and nested fields lost
// their group ("c: nein"). A group of boxes is one line naming those
// ticked; a box of its own says yes or no.
func TestMailListsAnswersUnderShortLabels(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {
		"phone": {"type": "string", "label": "Handynummer<br><small>Nur für Notfälle</small>"},
		"languages": {"type": "object", "label": "Programmiersprachen", "properties": {
			"c": {"type": "boolean"},
			"python": {"type": "boolean", "label": "Python <i>3</i>"}
		}},
		"cake": {"type": "boolean", "label": "Ich bringe Kuchen mit"},
		"height": {"type": "number", "label": "Größe in m"},
		"born": {"type": "string", "format": "date", "label": "Geburtsdatum"},
		"agree": {"type": "boolean", "label": "Ich komme zur Feier."},
		"comments": {"type": "string", "format": "multiline", "label": "Anmerkungen"}
	}}`})
	email := unique("labels") + "@example.org"
	resp := registerVia(t, app, app.Client(), ev.regPath(), "Label Reader", email, url.Values{
		"phone": {"0231 755-0"}, "languages.python": {"on"}, "height": {"1,85"}, "born": {"1990-05-17"}, "agree": {"on"},
		"comments": {"Zeile 1\r\n\r\n  Zeile 2  mit   Abstand"},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
	// A group of boxes is one line naming the ticked ones.
	// A decimal and a day read as their reader writes them.
	mustContain(t, m.Text, "- Handynummer: 0231 755-0\n", "- Programmiersprachen: Python 3\n", "- Ich bringe Kuchen mit: nein\n", "- Größe in m: 1,85\n",
		"- Geburtsdatum: 17.05.1990\n", "- Ich komme zur Feier: ja\n",
		// Lines typed on several stay lines, under the dash.
		"- Anmerkungen: Zeile 1\n  Zeile 2 mit Abstand\n")
	if strings.Contains(m.Text, "Notfälle") {
		t.Errorf("the label's hint is in the mail:\n%s", m.Text)
	}
	if strings.Contains(m.Text, "c: nein") || strings.Contains(m.Text, "Python 3: ja") {
		t.Errorf("the group's boxes have a line each:\n%s", m.Text)
	}

	// None ticked: the group says so once.
	other := unique("noticks") + "@example.org"
	if resp := registerVia(t, app, app.Client(), ev.regPath(), "No Ticks", other, url.Values{"phone": {"0231"}, "height": {"1.7"}, "born": {"1990-05-17"}},
		"Accept-Language", "en"); resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	none := app.SMTP.WaitTo(t, other, 1, 10*time.Second)[0]
	mustContain(t, none.Text, "- Programmiersprachen: none\n", "1.7\n", "17 May 1990\n")
}

// A registration's mails are in the language it was made in, not the one
// the person gave when they first applied.
func TestRegistrationMailsInTheLanguageOfTheRegistration(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	email := unique("sprache") + "@example.org"
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO persons (name, email, language) VALUES ('Deutsch Dora', $1, 'de')`, email); err != nil {
		t.Fatal(err)
	}
	if resp := registerVia(t, app, app.Client(), ev.regPath(), "Deutsch Dora", email, nil, "Accept-Language", "en"); resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	if m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]; !strings.Contains(m.Text, "confirm") || strings.Contains(m.Text, "bestätige") {
		t.Errorf("the request to confirm an English registration is not English:\n%s", m.Text)
	}
}
