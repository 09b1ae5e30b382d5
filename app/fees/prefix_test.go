package fees_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/fees/sepa"
)

// Another association's members read its own short name on their bank
// statements: the mandate reference, the end-to-end and message ids.
func TestReferencesCarryTheAssociationsPrefix(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.Env("SEPA_REFERENCE_PREFIX", "VB"))...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES
		('ordentlich', 3000, '2020-01-01'), ('ausserordentlich', 1550, '2020-01-01') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(app.Get(t, treasurer, "/admin/fees").Body, `data-testid="fees-default-prefix"`) {
		t.Error("the fee page warns of the default prefix when one is set")
	}
	vera, veraMail := insertMember(t, app, "Vera Verein", "ordentlich")
	const iban = "DE66500105170137075333"
	mustStatus(t, "Vera's mandate", giveMandate(t, app, editLink(t, app, vera), url.Values{
		"account_holder": {"Vera Verein"}, "iban": {iban}, "consent": {"yes"}}), http.StatusSeeOther)
	ref := "VB-" + strconv.FormatInt(vera, 10) + "-1"
	if mail := waitKind(t, app, veraMail, "Lastschriftmandat", 1); !strings.Contains(mail.Text, ref) {
		t.Errorf("the mandate's mail lacks the reference %s:\n%s", ref, mail.Text)
	}
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2037"}, "due": {dueAfter(16).Format(time.DateOnly)}})
	mustStatus(t, "creating a run", resp, http.StatusSeeOther)
	file := app.Get(t, treasurer, resp.Header.Get("Location")+"/pain.008.xml")
	mustStatus(t, "the bank file", file, http.StatusOK)
	if problems := sepa.Check([]byte(file.Body)); len(problems) > 0 {
		t.Fatalf("the file fails the checks: %v", problems)
	}
	for _, want := range []string{"<MsgId>VB-RUN-", "<MndtId>" + ref + "</MndtId>", "<EndToEndId>VB-2037-"} {
		if !strings.Contains(file.Body, want) {
			t.Errorf("the bank file lacks %s", want)
		}
	}
}

// While SEPA_REFERENCE_PREFIX is unset the treasurer is told that PeP's
// PEP starts every reference, before a mandate makes it permanent.
func TestFeePageWarnsOfTheDefaultPrefix(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	page := app.Get(t, treasurer, "/admin/fees")
	mustStatus(t, "the fee page", page, http.StatusOK)
	if !strings.Contains(page.Body, `data-testid="fees-default-prefix"`) || !strings.Contains(page.Body, "SEPA_REFERENCE_PREFIX") {
		t.Error("the fee page does not warn that references begin with the default PEP")
	}
	// The treasurer cannot change the server's configuration: the warning
	// says whom to ask.
	en := app.Get(t, treasurer, "/admin/fees", "Accept-Language", "en")
	for _, want := range []string{"die Person, die den Server von memberdb betreibt", "whoever runs memberdb&#39;s server"} {
		if !strings.Contains(page.Body+en.Body, want) {
			t.Errorf("the default prefix's warning does not say whom to ask (%q)", want)
		}
	}
}
