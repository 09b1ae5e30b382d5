package members_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Each required field of the membership forms has its mark right after
// its label, before any explanation, and the form says what the mark
// means.
func TestMembershipFormsMarkRequiredFieldsAtTheirLabels(t *testing.T) {
	app := apptest.Start(t)
	page := app.Get(t, app.Client(), "/register/")
	mark := `<span class="text-danger ms-1" aria-hidden="true" data-testid="required-mark">*</span>`
	for _, want := range []string{
		`Name` + mark + `</label>`,
		`E-Mail-Adresse` + mark + `</label>`,
		`Art der Mitgliedschaft` + mark + `</legend>`,
		`data-testid="required-note">Pflichtfelder sind mit * markiert.`,
	} {
		if !strings.Contains(strings.Join(strings.Fields(page.Body), " "), want) {
			t.Errorf("the application form lacks %s", want)
		}
	}
	if n := strings.Count(page.Body, "required-mark"); n != 3 {
		t.Errorf("%d required marks, want 3 (name, address, kind of membership)", n)
	}
	for _, input := range []string{`id="name"`, `id="email"`, `id="membership_type-ordentlich"`} {
		tag := regexp.MustCompile(`<input[^>]*` + regexp.QuoteMeta(input) + `[^>]*>`).FindString(page.Body)
		if !strings.Contains(tag, " required") {
			t.Errorf("input %s is not marked required: %s", input, tag)
		}
	}
}
