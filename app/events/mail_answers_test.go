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
// their group ("c: nein").
func TestMailListsAnswersUnderShortLabels(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {
		"phone": {"type": "string", "label": "Handynummer<br><small>Nur für Notfälle</small>"},
		"languages": {"type": "object", "label": "Programmiersprachen", "properties": {
			"c": {"type": "boolean"},
			"python": {"type": "boolean", "label": "Python <i>3</i>"}
		}}
	}}`})
	email := unique("labels") + "@example.org"
	resp := registerVia(t, app, app.Client(), ev.regPath(), "Label Reader", email, url.Values{
		"phone": {"0231 755-0"}, "languages.python": {"on"},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
	mustContain(t, m.Text, "- Handynummer: 0231 755-0\n", "- Programmiersprachen – c: nein\n", "- Programmiersprachen – Python 3: ja\n")
	if strings.Contains(m.Text, "Notfälle") {
		t.Errorf("the label's hint is in the mail:\n%s", m.Text)
	}
}
