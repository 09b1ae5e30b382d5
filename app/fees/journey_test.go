package fees_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// The IBANs of the journey; none may be readable anywhere but in the
// bank file.
const (
	ibanAnna    = "DE02100100100006820101"
	ibanAnnaNew = "DE02500105170137075030"
	ibanBeat    = "CH9300762011623852957"
	ibanDora    = "DE02120300000000202051"
	ibanEmil    = "DE89370400440532013000" // the same as the creditor's: searched only in mails and rows of members
)

func mustStatus(t *testing.T, what string, resp apptest.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s = %d, want %d\n%s", what, resp.StatusCode, want, resp.Body)
	}
}

func giveMandate(t *testing.T, app *apptest.App, link string, form url.Values) apptest.Response {
	t.Helper()
	return app.PostForm(t, app.Client(), link+"/mandate", form)
}

// A treasurer collects two years' fees from a fresh schedule: mandates
// given online (inside and outside the EEA) and on paper, an account
// changed between the runs, an invoice for the member without a mandate,
// the bank files, submission and a returned debit; and no IBAN is stored
// or mailed in clear.
func TestCollectingFees(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")

	for _, rate := range []url.Values{
		{"category": {"ordentlich"}, "amount": {"30"}, "valid_from": {"2020-01-01"}},
		{"category": {"ausserordentlich"}, "amount": {"15,50"}, "valid_from": {"2020-01-01"}},
		{"category": {"ordentlich"}, "amount": {"36.00"}, "valid_from": {"2027-01-01"}},
	} {
		mustStatus(t, "adding a rate", app.PostForm(t, treasurer, "/admin/fees/rates", rate), http.StatusSeeOther)
	}
	bad := app.PostForm(t, treasurer, "/admin/fees/rates", url.Values{"category": {"ordentlich"}, "amount": {"30"}, "valid_from": {"2020-01-01"}})
	mustStatus(t, "the same rate again", bad, http.StatusUnprocessableEntity)

	anna, annaMail := insertMember(t, app, "Anna Ärger", "ordentlich")
	beat, beatMail := insertMember(t, app, "Beat Zürcher", "ausserordentlich")
	carl, carlMail := insertMember(t, app, "Carl Ohnekonto", "ordentlich")
	dora, doraMail := insertMember(t, app, "Dora Papier", "ordentlich")
	emil, emilMail := insertMember(t, app, "Emil Spät", "ordentlich")

	annaLink := editLink(t, app, anna)
	page := app.Get(t, app.Client(), annaLink)
	if !strings.Contains(page.Body, annaLink+"/mandate") {
		t.Fatal("the edit page has no link to the fee page")
	}
	page = app.Get(t, app.Client(), annaLink+"/mandate")
	mustStatus(t, "the fee page", page, http.StatusOK)
	for _, want := range []string{"DE98ZZZ09999999999", "Ich ermächtige PeP Beitragskasse e.V.", "you authorise (A) PeP Beitragskasse e.V.", "instructions from PeP Beitragskasse e.V.</p>", `name="consent"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the fee page lacks %q", want)
		}
	}

	// Wrong input changes nothing and says why.
	for name, tt := range map[string]struct {
		form      url.Values
		wantField string
	}{
		"check digits":       {url.Values{"account_holder": {"Anna"}, "iban": {"DE02100100100006820102"}, "consent": {"yes"}}, "iban-error"},
		"no consent":         {url.Values{"account_holder": {"Anna"}, "iban": {ibanAnna}}, "consent-error"},
		"not SEPA":           {url.Values{"account_holder": {"Anna"}, "iban": {"BR1800360305000010009795493C1"}, "consent": {"yes"}}, "iban-error"},
		"CH without BIC":     {url.Values{"account_holder": {"Beat"}, "iban": {ibanBeat}, "street": {"A 1"}, "town": {"Zürich"}, "consent": {"yes"}}, "bic-error"},
		"CH without street":  {url.Values{"account_holder": {"Beat"}, "iban": {ibanBeat}, "bic": {"UBSWCHZH80A"}, "consent": {"yes"}}, "street-error"},
		"no holder":          {url.Values{"account_holder": {" "}, "iban": {ibanAnna}, "consent": {"yes"}}, "account_holder-error"},
		"holder in Cyrillic": {url.Values{"account_holder": {"Лиза Meitner"}, "iban": {ibanAnna}, "consent": {"yes"}}, "account_holder-error"},
	} {
		resp := giveMandate(t, app, annaLink, tt.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="`+tt.wantField+`"`) {
			t.Errorf("%s: %d without %s", name, resp.StatusCode, tt.wantField)
		}
		if strings.Contains(resp.Body, strings.Join(tt.form["iban"], "")) {
			t.Errorf("%s: the form shows the IBAN again", name)
		}
	}
	var n int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM sepa_mandates WHERE person_id = $1`, anna).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused forms stored %d mandates (%v)", n, err)
	}

	mustStatus(t, "Anna's mandate", giveMandate(t, app, annaLink, url.Values{
		"account_holder": {"Anna Ärger"}, "iban": {"de02 1001 0010 0006 8201 01"}, "consent": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "Beat's mandate", giveMandate(t, app, editLink(t, app, beat), url.Values{
		"account_holder": {"Beat Zürcher"}, "iban": {ibanBeat}, "bic": {"UBSWCHZH80A"},
		"street": {"Bahnhofstrasse 1"}, "town": {"8001 Zürich"}, "consent": {"yes"}}), http.StatusSeeOther)
	// A paper signed in the future, or so long ago that it lapsed unused,
	// is refused, saying which.
	today := time.Now()
	for signed, want := range map[string]string{
		today.AddDate(0, 0, 2).Format(time.DateOnly):   "liegt in der Zukunft",
		today.AddDate(-3, 0, -2).Format(time.DateOnly): "ist erloschen",
		"2008-01-01": "ist erloschen",
		"gestern":    "Bitte das Datum der Unterschrift angeben.",
	} {
		resp := app.PostForm(t, treasurer, "/admin/fees/mandates/new", url.Values{
			"person_id": {strconv.FormatInt(dora, 10)}, "signed_on": {signed}, "account_holder": {"Dora Papier"}, "iban": {ibanDora}})
		mustStatus(t, "a paper signed "+signed, resp, http.StatusUnprocessableEntity)
		if !strings.Contains(resp.Body, want) {
			t.Errorf("a paper signed %s: the answer does not say %q", signed, want)
		}
	}
	doraSigned := today.AddDate(-2, -11, 0).Format(time.DateOnly)
	mustStatus(t, "Dora's paper mandate", app.PostForm(t, treasurer, "/admin/fees/mandates/new", url.Values{
		"person_id": {strconv.FormatInt(dora, 10)}, "signed_on": {doraSigned},
		"account_holder": {"Dora Papier"}, "iban": {ibanDora}}), http.StatusSeeOther)

	page = app.Get(t, app.Client(), annaLink+"/mandate")
	if !strings.Contains(page.Body, "DE02 •••• •••• •••• ••01 01") || !strings.Contains(page.Body, "PEP-"+strconv.FormatInt(anna, 10)+"-1") {
		t.Errorf("the fee page does not show the mandate masked with its reference:\n%s", page.Body)
	}
	list := app.Get(t, treasurer, "/admin/fees")
	for _, want := range []string{sepa.IBAN(ibanBeat).Masked(), "Dora Papier"} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("the treasurer's list lacks %q", want)
		}
	}
	if strings.Contains(list.Body, `data-testid="mandate-not-member"`) {
		t.Error("a member's mandate is marked as a former member's")
	}
	// A member who left keeps the mandate until someone revokes it; the
	// list says so.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET membership_status = 'canceled' WHERE id = $1`, dora); err != nil {
		t.Fatal(err)
	}
	if list := app.Get(t, treasurer, "/admin/fees"); strings.Count(list.Body, `data-testid="mandate-not-member"`) != 1 {
		t.Error("the mandate of a member who left is not marked")
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET membership_status = 'confirmed' WHERE id = $1`, dora); err != nil {
		t.Fatal(err)
	}

	// The first run, for this year.
	due1 := dueAfter(16)
	year1 := time.Now().Year()
	soon := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year1)}, "due": {time.Now().AddDate(0, 0, 3).Format(time.DateOnly)}})
	mustStatus(t, "a due date too soon", soon, http.StatusUnprocessableEntity)
	preview := app.Get(t, treasurer, "/admin/fees/runs/new?year="+strconv.Itoa(year1)+"&due="+due1.Format(time.DateOnly))
	mustStatus(t, "the preview", preview, http.StatusOK)
	if !strings.Contains(preview.Body, "Carl Ohnekonto") || !strings.Contains(preview.Body, "15,50 €") {
		t.Error("the preview lacks the member without mandate or the reduced amount")
	}
	// Each member leads to their fee page, where a category is set.
	if !strings.Contains(preview.Body, `<a href="/admin/fees/members/`+strconv.FormatInt(emil, 10)+`" data-testid="candidate-link">`) {
		t.Error("the preview does not link the members' fee pages")
	}
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year1)}, "due": {due1.Format(time.DateOnly)},
		"exclude": {strconv.FormatInt(emil, 10)}})
	mustStatus(t, "creating the first run", resp, http.StatusSeeOther)
	run1 := strings.TrimPrefix(resp.Header.Get("Location"), "/admin/fees/runs/")

	file1 := app.Get(t, treasurer, "/admin/fees/runs/"+run1+"/pain.008.xml")
	mustStatus(t, "the first bank file", file1, http.StatusOK)
	if problems := sepa.Check([]byte(file1.Body)); len(problems) > 0 {
		t.Fatalf("the first file fails the checks: %v", problems)
	}
	if strings.Contains(file1.Body, "<SeqTp>RCUR</SeqTp>") || strings.Contains(file1.Body, "Emil") {
		t.Error("the first run collects recurrently or from the excluded member")
	}
	mustStatus(t, "submitting without confirming", app.PostForm(t, treasurer, "/admin/fees/runs/"+run1+"/submit", nil), http.StatusUnprocessableEntity)
	mustStatus(t, "submitting", app.PostForm(t, treasurer, "/admin/fees/runs/"+run1+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "submitting again", app.PostForm(t, treasurer, "/admin/fees/runs/"+run1+"/submit", url.Values{"confirm": {"yes"}}), http.StatusUnprocessableEntity)
	if again := app.Get(t, treasurer, "/admin/fees/runs/"+run1+"/pain.008.xml"); again.Body != file1.Body {
		t.Error("the submitted run's file changed")
	}
	// Given to the bank, the debits are paid in the books, but the members'
	// accounts are charged only on the due date: until then the pages say
	// when, not "paid".
	// The treasurer's list writes days as the mails do; an ISO day broke
	// at its hyphens on a phone.
	if list := app.Get(t, treasurer, "/admin/fees"); !strings.Contains(list.Body, "fällig am "+due1.Format("02.01.2006")) {
		t.Error("the run list does not write the due day as 02.01.2006")
	}
	submitted := app.Get(t, treasurer, "/admin/fees/runs/"+run1)
	if !strings.Contains(submitted.Body, "Einzug am "+due1.Format("02.01.2006")) || strings.Contains(submitted.Body, ">bezahlt<") {
		t.Error("the submitted run's debits read as paid before their due date")
	}
	if page := app.Get(t, treasurer, "/admin/fees/members/"+strconv.FormatInt(anna, 10), "Accept-Language", "en"); !strings.Contains(page.Body, "to be collected on "+due1.Format("2 Jan 2006")) {
		t.Error("Anna's history does not say when her debit is collected")
	}
	if _, err := app.Pool.Exec(ctx, `UPDATE fee_runs SET due_on = current_date - 1 WHERE id = $1`, run1); err != nil {
		t.Fatal(err)
	}
	if due := app.Get(t, treasurer, "/admin/fees/runs/"+run1); strings.Contains(due.Body, "Einzug am") || !strings.Contains(due.Body, ">bezahlt<") {
		t.Error("debits past their due date do not read as paid")
	}
	if _, err := app.Pool.Exec(ctx, `UPDATE fee_runs SET due_on = $2 WHERE id = $1`, run1, due1); err != nil {
		t.Fatal(err)
	}

	// Between the runs Anna changes her account and Emil gives a mandate.
	mustStatus(t, "Anna's new account", giveMandate(t, app, annaLink, url.Values{
		"account_holder": {"Anna Ärger"}, "iban": {ibanAnnaNew}, "consent": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "Emil's mandate", giveMandate(t, app, editLink(t, app, emil), url.Values{
		"account_holder": {"Emil Spät"}, "iban": {ibanEmil}, "consent": {"yes"}}), http.StatusSeeOther)

	// Carl studies now and pays the reduced fee.
	mustStatus(t, "a reduced rate", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"studierende"}, "amount": {"10"}, "valid_from": {"2020-01-01"}, "new_category": {"yes"}}), http.StatusSeeOther)
	carlCategory := "/admin/fees/members/" + strconv.FormatInt(carl, 10) + "/category"
	mustStatus(t, "an unknown category", app.PostForm(t, treasurer, carlCategory, url.Values{"category": {"rentner"}}), http.StatusUnprocessableEntity)
	mustStatus(t, "Carl's category", app.PostForm(t, treasurer, carlCategory, url.Values{"category": {"studierende"}}), http.StatusSeeOther)
	// The schedule's categories are the membership types, named as the
	// reader's language names them beside their keys, and the reduced
	// ones as written; typing a category offers them all.
	for lang, want := range map[string][]string{
		"de": {"ordentliches Mitglied <span class=\"text-body-secondary small ms-1\">ordentlich</span>", "studierende <span class=\"text-body-secondary small ms-1\">ermäßigt</span>",
			"(ordentlich, ausserordentlich)", `list="category-choices"`, `<option value="ausserordentlich" label="außerordentliches Mitglied">`, `<option value="studierende" label="ermäßigt">`},
		"en": {"regular member <span class=\"text-body-secondary small ms-1\">ordentlich</span>", "extraordinary member"},
	} {
		page := app.Get(t, treasurer, "/admin/fees", "Accept-Language", lang)
		for _, w := range want {
			if !strings.Contains(page.Body, w) {
				t.Errorf("the %s schedule lacks %q", lang, w)
			}
		}
	}

	// The second run, for next year.
	due2 := dueAfter(40)
	resp = app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year1 + 1)}, "due": {due2.Format(time.DateOnly)}})
	mustStatus(t, "creating the second run", resp, http.StatusSeeOther)
	run2 := strings.TrimPrefix(resp.Header.Get("Location"), "/admin/fees/runs/")
	file2 := app.Get(t, treasurer, "/admin/fees/runs/"+run2+"/pain.008.xml")
	mustStatus(t, "the second bank file", file2, http.StatusOK)
	if problems := sepa.Check([]byte(file2.Body)); len(problems) > 0 {
		t.Fatalf("the second file fails the checks: %v\n%s", problems, file2.Body)
	}
	body := file2.Body
	for _, want := range []string{
		"<SeqTp>FRST</SeqTp>", "<SeqTp>RCUR</SeqTp>",
		"<AmdmntInd>true</AmdmntInd>",
		"<IBAN>" + ibanAnnaNew + "</IBAN>", "<Nm>Anna Aerger</Nm>",
		"<BICFI>UBSWCHZH80A</BICFI>", "<Ctry>CH</Ctry>", "<AdrLine>8001 Zuerich</AdrLine>",
		"<MndtId>PEP-" + strconv.FormatInt(dora, 10) + "-1</MndtId>", "<DtOfSgntr>" + doraSigned + "</DtOfSgntr>",
		"<Id>DE98ZZZ09999999999</Id>", `<InstdAmt Ccy="EUR">36.00</InstdAmt>`, `<InstdAmt Ccy="EUR">15.50</InstdAmt>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the second file lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<OrgnlDbtrAcct>\s*<Id>\s*<IBAN>` + ibanAnna + `</IBAN>`).MatchString(body) {
		t.Error("Anna's amended debit does not name her original account")
	}
	if i := strings.Index(body, "<SeqTp>FRST</SeqTp>"); i < 0 || !strings.Contains(body[i:], "Emil Spaet") {
		t.Error("Emil's first collection is not in the FRST batch")
	}

	// Mails: confirmations, pre-notifications, an invoice with a GiroCode.
	pre := waitKind(t, app, annaMail, "Vorabankündigung", 2)
	for _, want := range []string{"36,00 EUR", due2.Format("02.01.2006"), "PEP-" + strconv.FormatInt(anna, 10) + "-1", "DE98ZZZ09999999999", "DE02 •••• •••• •••• ••50 30"} {
		if !strings.Contains(pre.Text, want) {
			t.Errorf("the pre-notification lacks %q:\n%s", want, pre.Text)
		}
	}
	waitKind(t, app, annaMail, "Konto für die Lastschrift wurde geändert", 1)
	waitKind(t, app, beatMail, "Vorabankündigung", 2)
	if given := waitKind(t, app, doraMail, "Dein SEPA-Lastschriftmandat", 1); !strings.Contains(given.Text, "du hast PeP Beitragskasse e.V. ein SEPA-Lastschriftmandat") {
		t.Errorf("the mandate's confirmation does not name its payee:\n%s", given.Text)
	}
	waitKind(t, app, emilMail, "Vorabankündigung", 1)
	inv := waitKind(t, app, carlMail, "Rechnung", 2)
	// Grouped in fours, as people copy an IBAN by hand.
	if !strings.Contains(inv.Text, "IBAN: DE89 3704 0044 0532 0130 00\n") || !strings.Contains(inv.Text, "10,00 EUR") {
		t.Errorf("the invoice lacks the association's account or the amount:\n%s", inv.Text)
	}
	// A member may give a mandate, and is told how (whoever left is not).
	if !strings.Contains(inv.Text, "SEPA-Lastschriftmandat: Über den Link") || strings.Contains(inv.Text, "\n\n\n") {
		t.Errorf("the member's invoice does not offer a mandate, or leaves a gap:\n%s", inv.Text)
	}
	if len(inv.Attachments) != 1 || !strings.HasPrefix(string(inv.Attachments[0].Content), "\x89PNG") {
		t.Fatalf("the invoice has no GiroCode image: %d attachments", len(inv.Attachments))
	}
	// Banking apps read the GiroCode: service tag, the association's
	// account and the amount.
	img, err := png.Decode(bytes.NewReader(inv.Attachments[0].Content))
	if err != nil {
		t.Fatal(err)
	}
	read, err := qr.Decode(img)
	if err != nil {
		t.Fatalf("the GiroCode cannot be read: %v", err)
	}
	if !strings.HasPrefix(read, "BCD\n") || !strings.Contains(read, "DE89370400440532013000") || !strings.Contains(read, "EUR10.00") {
		t.Errorf("the GiroCode reads %q", read)
	}

	// A returned debit opens the fee again and tells the member.
	mustStatus(t, "submitting the second run", app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	var emilFee int64
	if err := app.Pool.QueryRow(ctx, `SELECT id FROM fees WHERE person_id = $1 AND run_id = $2`, emil, run2).Scan(&emilFee); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "an unknown reason", app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(emilFee, 10)}, "reason": {"XX99"}}), http.StatusUnprocessableEntity)
	mustStatus(t, "a fee of another run", app.PostForm(t, treasurer, "/admin/fees/runs/"+run1+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(emilFee, 10)}, "reason": {"MD06"}}), http.StatusUnprocessableEntity)
	mustStatus(t, "recording the return", app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(emilFee, 10)}, "reason": {"MD06"}}), http.StatusSeeOther)
	var status string
	var lastCollected *time.Time
	if err := app.Pool.QueryRow(ctx, `SELECT f.status, m.last_collected_on FROM fees f JOIN sepa_mandates m ON m.id = f.mandate_id
		WHERE f.id = $1`, emilFee).Scan(&status, &lastCollected); err != nil {
		t.Fatal(err)
	}
	if status != "returned" || lastCollected != nil {
		t.Errorf("after the return: status %s, mandate last collected %v; want returned and never (the next is FRST again)", status, lastCollected)
	}
	ret := waitKind(t, app, emilMail, "zurückgegeben", 1)
	if !strings.Contains(ret.Text, "MD06") || !strings.Contains(ret.Text, "Rückgabe auf Wunsch des Kontoinhabers") {
		t.Errorf("the return mail lacks the reason:\n%s", ret.Text)
	}
	if !strings.Contains(ret.Text, "Ist deine Überweisung bei uns verbucht, ist der Beitrag erledigt.") {
		t.Errorf("the return mail does not say that a transfer settles it:\n%s", ret.Text)
	}
	feePage := app.Get(t, app.Client(), editLink(t, app, emil)+"/mandate")
	if !strings.Contains(feePage.Body, "zurückgegeben") || !strings.Contains(feePage.Body, "MD06: Rückgabe auf Wunsch des Kontoinhabers") {
		t.Error("the member's page does not show the returned fee with its reason")
	}

	// Open fees are settled by transfer or waived; collected ones are not.
	settle := func(person int64, status string) apptest.Response {
		var fee int64
		if err := app.Pool.QueryRow(ctx, `SELECT id FROM fees WHERE person_id = $1 AND run_id = $2`, person, run2).Scan(&fee); err != nil {
			t.Fatal(err)
		}
		return app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/settle", url.Values{"fee_id": {strconv.FormatInt(fee, 10)}, "status": {status}, "confirm": {"yes"}})
	}
	// Settling cannot be taken back, so the buttons ask first.
	ask := app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/settle", url.Values{"fee_id": {strconv.FormatInt(emilFee, 10)}, "status": {"waived"}},
		"Referer", app.URL+"/admin/fees/runs/"+run2)
	mustStatus(t, "waiving without confirming", ask, http.StatusOK)
	// Its language switch returns to the run's page: the question's own
	// address answers no GET.
	if !strings.Contains(ask.Body, `name="return" value="/admin/fees/runs/`+run2+`"`) {
		t.Error("the question's language switch does not return to the run's page")
	}
	// Without a Referer the question's address, which answers no GET, is
	// not where the switch goes.
	noReferer := app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/settle", url.Values{"fee_id": {strconv.FormatInt(emilFee, 10)}, "status": {"waived"}})
	if !strings.Contains(noReferer.Body, `name="return" value="/"`) {
		t.Error("without a Referer the language switch returns to an address that answers no GET")
	}
	if !strings.Contains(ask.Body, `data-testid="settle-question"`) || !strings.Contains(ask.Body, "Emil Spät") || !strings.Contains(ask.Body, "erlassen?") {
		t.Error("waiving Emil's fee does not ask first, naming him")
	}
	if err := app.Pool.QueryRow(ctx, `SELECT status FROM fees WHERE id = $1`, emilFee).Scan(&status); err != nil || status != "returned" {
		t.Errorf("asking changed Emil's fee: %s (%v)", status, err)
	}
	mustStatus(t, "Emil pays the returned fee by transfer", settle(emil, "paid"), http.StatusSeeOther)
	// Paid by transfer after its return, the fee is no debit the bank
	// could return again.
	mustStatus(t, "returning a fee paid by transfer", app.PostForm(t, treasurer, "/admin/fees/runs/"+run2+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(emilFee, 10)}, "reason": {"AC04"}}), http.StatusUnprocessableEntity)
	runPage := app.Get(t, treasurer, "/admin/fees/runs/"+run2)
	_, row, _ := strings.Cut(runPage.Body, `data-testid="fee-`+strconv.FormatInt(emilFee, 10)+`"`)
	row, _, _ = strings.Cut(row, "</tr>")
	if row == "" || strings.Contains(row, `data-testid="return-submit"`) || !strings.Contains(runPage.Body, `data-testid="return-submit"`) {
		t.Error("the run offers a return of the fee Emil paid by transfer")
	}
	// On Emil's own page the fee is paid; the return is what came before,
	// not a reason next to "paid" that reads as if the payment failed.
	if emilPage := app.Get(t, app.Client(), editLink(t, app, emil)+"/mandate"); !strings.Contains(emilPage.Body, "nach Rücklastschrift (MD06: Rückgabe auf Wunsch des Kontoinhabers)") {
		t.Error("Emil's page does not say the fee was paid after a returned debit")
	}
	mustStatus(t, "the board waives Carl's fee", settle(carl, "waived"), http.StatusSeeOther)
	mustStatus(t, "settling a collected debit", settle(dora, "waived"), http.StatusUnprocessableEntity)
	mustStatus(t, "settling as something else", settle(beat, "due"), http.StatusUnprocessableEntity)
	var statuses string
	if err := app.Pool.QueryRow(ctx, `SELECT string_agg(status, ',' ORDER BY person_id) FROM fees WHERE run_id = $1 AND person_id = ANY($2)`,
		run2, []int64{anna, beat, carl, dora, emil}).Scan(&statuses); err != nil || statuses != "paid,paid,waived,paid,paid" {
		t.Errorf("fees of the second run: %s (%v)", statuses, err)
	}

	hist := app.Get(t, treasurer, "/admin/fees/members/"+strconv.FormatInt(anna, 10))
	mustStatus(t, "Anna's history", hist, http.StatusOK)
	if strings.Count(hist.Body, `data-testid="fee-status"`) != 2 || !strings.Contains(hist.Body, "DE02 •••• •••• •••• ••50 30") {
		t.Error("the treasurer does not see Anna's two years and her account masked")
	}

	// The audit log says that the account changed, never what it is.
	var changed int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE table_name = 'sepa_mandates' AND new_value = 'IBAN changed'`).Scan(&changed); err != nil || changed != 1 {
		t.Errorf("audit entries of the changed IBAN: %d (%v), want 1", changed, err)
	}

	// No IBAN of a member is readable in the database or in a mail; the
	// search itself finds what is stored.
	if len(app.TablesHolding(t, "Beat Zürcher")) == 0 || len(app.SMTP.Messages()) < 10 {
		t.Fatal("the search finds nothing stored or mailed")
	}
	for _, iban := range []string{ibanAnna, ibanAnnaNew, ibanBeat, ibanDora} {
		for _, needle := range []string{iban, iban[4:], spaced(iban)} {
			if where := app.TablesHolding(t, needle); len(where) > 0 {
				t.Errorf("%s is stored in clear in %v", needle, where)
			}
			for _, m := range app.SMTP.Messages() {
				if strings.Contains(string(m.Raw), needle) || strings.Contains(m.Text, needle) {
					t.Errorf("the mail %q to %v carries %s", m.Subject, m.Rcpt, needle)
				}
			}
		}
	}
	for _, m := range app.SMTP.Messages() {
		if strings.Contains(m.Text, ibanEmil[4:]) && !strings.Contains(m.Subject, "Rechnung") && !strings.Contains(m.Subject, "zurückgegeben") {
			t.Errorf("the mail %q carries Emil's IBAN", m.Subject)
		}
	}
}

func spaced(iban string) string {
	var b strings.Builder
	for i, r := range iban {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// waitKind waits for n mails to addr whose subject contains subject and
// returns the last of them.
func waitKind(t *testing.T, app *apptest.App, addr, subject string, n int) mailtest.Message {
	t.Helper()
	return apptest.EventuallyValue(t, mailWait, "mail "+subject+" to "+addr, func() (mailtest.Message, bool) {
		var found []mailtest.Message
		for _, m := range app.SMTP.To(addr) {
			if strings.Contains(m.Subject, subject) {
				found = append(found, m)
			}
		}
		if len(found) < n {
			return mailtest.Message{}, false
		}
		return found[len(found)-1], true
	})
}
