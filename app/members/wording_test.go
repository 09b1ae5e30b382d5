package members_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

var tagRE = regexp.MustCompile(`<[^>]*>`)

func pageText(body string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(body, " "))), " ")
}

// The data page names a registration's status as the participant's own
// page and mails do ("storniert", not "abgesagt"), and its labels are
// capitalised alike ("Angelegt am", not "angelegt" among "Status" and
// "Beginn").
func TestDataPageWording(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	person := insertPerson(t, app, "Wanda Worte", email, "confirmed", "ordentlich")
	insertRegistration(t, app, insertEvent(t, app, "Abgesagtes Fest", "-30 days"), person, "canceled", `{}`)
	page := app.Get(t, app.Client(), gdprLink(t, app, email, 1))
	text := pageText(page.Body)
	for _, want := range []string{"Status storniert", "Angelegt am", "Bestätigt am"} {
		if !strings.Contains(text, want) {
			t.Errorf("the data page lacks %q:\n%s", want, text)
		}
	}
	for _, wrong := range []string{"abgesagt", " angelegt ", " bestätigt am "} {
		if strings.Contains(text, wrong) {
			t.Errorf("the data page says %q", wrong)
		}
	}
}
