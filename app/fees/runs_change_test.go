package fees_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/fees"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	views "github.com/pepalumni/memberdb/components/fees"
	"github.com/pepalumni/memberdb/components/i18n"
)

// What happens to a run between its creation and the bank, and after:
// a revoked mandate is not collected from (its fee becomes an invoice,
// mailed), a changed account is collected from as the member was told, a
// debit the file still collects cannot be settled by hand, a member whose
// fee is 0,00 € is asked for nothing, and a returned debit collected again
// leaves the run the bank got unchanged.
func TestRunsFollowMandatesUntilTheBankHasThem(t *testing.T) {
	// IBANs of this test alone: every test's members are in every run.
	const ibanLise, ibanMax, ibanMaxNew = "DE02370400440532013111", "DE56500105170137075222", "DE43100100100006820333"
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")
	const year = 2035
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES
		('ordentlich', 3000, '2020-01-01'), ('ausserordentlich', 1550, '2020-01-01'), ('beitragsfrei', 0, '2020-01-01')
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	lise, liseMail := insertMember(t, app, "Lise Widerruf", "ordentlich")
	max, _ := insertMember(t, app, "Max Kontowechsel", "ordentlich")
	otto, ottoMail := insertMember(t, app, "Otto Ehrenmitglied", "ordentlich")
	mustStatus(t, "Otto's category", app.PostForm(t, treasurer, "/admin/fees/members/"+strconv.FormatInt(otto, 10)+"/category",
		url.Values{"category": {"beitragsfrei"}}), http.StatusSeeOther)
	liseLink, maxLink := editLink(t, app, lise), editLink(t, app, max)
	mustStatus(t, "Lise's mandate", giveMandate(t, app, liseLink, url.Values{
		"account_holder": {"Lise Widerruf"}, "iban": {ibanLise}, "consent": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "Max's mandate", giveMandate(t, app, maxLink, url.Values{
		"account_holder": {"Max Kontowechsel"}, "iban": {ibanMax}, "consent": {"yes"}}), http.StatusSeeOther)

	// A paper mandate for a member who has one would only change its
	// account and drop the paper's date: it is refused, saying why.
	paper := app.PostForm(t, treasurer, "/admin/fees/mandates/new", url.Values{"person_id": {strconv.FormatInt(max, 10)},
		"signed_on": {"2025-06-01"}, "account_holder": {"Max Kontowechsel"}, "iban": {ibanMaxNew}})
	mustStatus(t, "a paper mandate for a member with one", paper, http.StatusUnprocessableEntity)
	if !strings.Contains(paper.Body, "hat schon ein gültiges Mandat") {
		t.Error("the refusal does not say that the member has a mandate")
	}
	var mandates int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM sepa_mandates WHERE person_id = $1 AND NOT paper AND iban_masked = $2`,
		max, sepa.IBAN(ibanMax).Masked()).Scan(&mandates); err != nil || mandates != 1 {
		t.Fatalf("the refused paper mandate changed Max's mandate (%d, %v)", mandates, err)
	}

	createRun := func(days int) string {
		t.Helper()
		resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year)}, "due": {dueAfter(days).Format(time.DateOnly)}})
		mustStatus(t, "creating a run", resp, http.StatusSeeOther)
		return strings.TrimPrefix(resp.Header.Get("Location"), "/admin/fees/runs/")
	}
	file := func(run string) string {
		t.Helper()
		resp := app.Get(t, treasurer, "/admin/fees/runs/"+run+"/pain.008.xml")
		mustStatus(t, "the bank file", resp, http.StatusOK)
		if problems := sepa.Check([]byte(resp.Body)); len(problems) > 0 {
			t.Fatalf("the file fails the checks: %v", problems)
		}
		return resp.Body
	}
	feeOf := func(person int64, run string) (id int64, status string, mandate *int64) {
		t.Helper()
		if err := app.Pool.QueryRow(ctx, `SELECT id, status, mandate_id FROM fees WHERE person_id = $1 AND run_id = $2`,
			person, run).Scan(&id, &status, &mandate); err != nil {
			t.Fatal(err)
		}
		return id, status, mandate
	}

	// Creating a run mails every member in it: it asks first, and its
	// summary follows who is left out.
	var runs int
	countRuns := func() int {
		var n int
		if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM fee_runs WHERE year = $1`, year).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	runs = countRuns()
	unconfirmed := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"year": {strconv.Itoa(year)}, "due": {dueAfter(16).Format(time.DateOnly)}})
	mustStatus(t, "creating a run without confirming", unconfirmed, http.StatusUnprocessableEntity)
	if !strings.Contains(unconfirmed.Body, "Bitte bestätige") || countRuns() != runs {
		t.Fatal("a run was created without the confirmation, or the page does not ask for it")
	}
	preview := "/admin/fees/runs/new?year=" + strconv.Itoa(year) + "&due=" + dueAfter(16).Format(time.DateOnly)
	summary := func(page apptest.Response) string {
		_, rest, _ := strings.Cut(page.Body, `data-testid="run-summary"`)
		text, _, _ := strings.Cut(rest, "</p>")
		return text
	}
	all, withoutLise := summary(app.Get(t, treasurer, preview)), summary(app.Get(t, treasurer, preview+"&exclude="+strconv.FormatInt(lise, 10)))
	if all == withoutLise || !strings.Contains(withoutLise, "Lastschrift") {
		t.Errorf("leaving Lise out does not change the summary: %q / %q", all, withoutLise)
	}
	if en := summary(app.Get(t, treasurer, preview+"&exclude="+strconv.FormatInt(lise, 10), "Accept-Language", "en")); !strings.Contains(en, "direct debit") {
		t.Errorf("the English summary reads %q", en)
	}
	runA := createRun(16)
	liseRef := "PEP-" + strconv.FormatInt(lise, 10) + "-1"
	if body := file(runA); !strings.Contains(body, liseRef) || !strings.Contains(body, "<IBAN>"+ibanMax+"</IBAN>") {
		t.Fatal("the new run does not collect from Lise and Max")
	}
	var n int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM fees WHERE person_id = $1`, otto).Scan(&n); err != nil || n != 0 {
		t.Errorf("a 0,00 € fee went into the run (%d rows, %v)", n, err)
	}

	// Lise revokes before the bank has the file: it no longer collects
	// from her, and she is asked to transfer instead.
	// The file was downloaded above: the run's page says it is stale
	// until it is downloaded again.
	stale := func() bool {
		return strings.Contains(app.Get(t, treasurer, "/admin/fees/runs/"+runA).Body, `data-testid="file-changed"`)
	}
	if stale() {
		t.Fatal("a run whose file did not change says it did")
	}
	mustStatus(t, "Lise revokes", app.PostForm(t, app.Client(), liseLink+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if !stale() {
		t.Error("the run's page does not say that the downloaded file changed")
	}
	outdated := app.PostForm(t, treasurer, "/admin/fees/runs/"+runA+"/submit", url.Values{"confirm": {"yes"}})
	mustStatus(t, "submitting the file downloaded before the revocation", outdated, http.StatusUnprocessableEntity)
	if !strings.Contains(outdated.Body, "seit dem letzten Herunterladen geändert") {
		t.Error("the refused submission does not say the file changed since its download")
	}
	if body := file(runA); strings.Contains(body, liseRef) || strings.Contains(body, "<IBAN>"+ibanLise+"</IBAN>") {
		t.Error("the run still collects from the revoked mandate")
	}
	if stale() {
		t.Error("the page still calls the file stale after it was downloaded again")
	}
	if _, status, mandate := feeOf(lise, runA); status != "due" || mandate != nil {
		t.Errorf("Lise's fee is %s with mandate %v; want an open invoice", status, mandate)
	}
	var cents int64
	if err := app.Pool.QueryRow(ctx, `SELECT cents FROM fees WHERE person_id = $1 AND run_id = $2`, lise, runA).Scan(&cents); err != nil {
		t.Fatal(err)
	}
	amount := strings.Replace(sepa.Amount(cents), ".", ",", 1) + " EUR"
	if inv := waitKind(t, app, liseMail, "Rechnung", 1); !strings.Contains(inv.Text, amount) {
		t.Errorf("the invoice lacks the amount %s:\n%s", amount, inv.Text)
	}

	// Max changes his account: the run collects from the new one.
	mustStatus(t, "Max's new account", giveMandate(t, app, maxLink, url.Values{
		"account_holder": {"Max Kontowechsel"}, "iban": {ibanMaxNew}, "consent": {"yes"}}), http.StatusSeeOther)
	// The bank must get the file as it is now: not marked submitted before
	// it is downloaded again.
	refused := app.PostForm(t, treasurer, "/admin/fees/runs/"+runA+"/submit", url.Values{"confirm": {"yes"}})
	mustStatus(t, "submitting a file changed since its download", refused, http.StatusUnprocessableEntity)
	if !strings.Contains(refused.Body, "Lade sie jetzt herunter") || !strings.Contains(refused.Body, `data-testid="bank-file"`) ||
		!strings.Contains(refused.Body, "/admin/fees/runs/"+runA+"/submit") {
		t.Error("the refusal does not show the run with its file to download again")
	}
	if _, status, _ := feeOf(max, runA); status != "due" {
		t.Fatalf("the refused submission left Max's fee %s", status)
	}
	if body := file(runA); !strings.Contains(body, "<IBAN>"+ibanMaxNew+"</IBAN>") || strings.Contains(body, "<IBAN>"+ibanMax+"</IBAN>") {
		t.Error("the run does not collect from Max's new account")
	}

	// A debit the file collects cannot be marked paid or waived by hand.
	maxFee, _, _ := feeOf(max, runA)
	settle := func(run string, fee int64) apptest.Response {
		return app.PostForm(t, treasurer, "/admin/fees/runs/"+run+"/settle", url.Values{"fee_id": {strconv.FormatInt(fee, 10)}, "status": {"waived"}})
	}
	mustStatus(t, "waiving a debit the file collects", settle(runA, maxFee), http.StatusUnprocessableEntity)
	if _, status, _ := feeOf(max, runA); status != "due" {
		t.Fatalf("the refused waiver left Max's fee %s", status)
	}

	// The bank gets the file; Max's debit comes back and is collected again.
	mustStatus(t, "submitting", app.PostForm(t, treasurer, "/admin/fees/runs/"+runA+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	// Recording a return mails Max: the page asks first and changes nothing.
	ask := app.PostForm(t, treasurer, "/admin/fees/runs/"+runA+"/returns", url.Values{"fee_id": {strconv.FormatInt(maxFee, 10)}, "reason": {"MD06"}})
	mustStatus(t, "a return without confirming", ask, http.StatusOK)
	if !strings.Contains(ask.Body, `data-testid="return-question"`) || !strings.Contains(ask.Body, "Max Kontowechsel") ||
		!strings.Contains(ask.Body, "Rückgabe auf Wunsch des Kontoinhabers") {
		t.Error("the page does not ask about the return, naming the member and the reason")
	}
	if _, status, _ := feeOf(max, runA); status != "paid" {
		t.Fatalf("asking recorded the return: Max's fee is %s", status)
	}
	mustStatus(t, "Max's return", app.PostForm(t, treasurer, "/admin/fees/runs/"+runA+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(maxFee, 10)}, "reason": {"MD06"}}), http.StatusSeeOther)
	fileA, pageA := file(runA), app.Get(t, treasurer, "/admin/fees/runs/"+runA)
	runB := createRun(30)
	if file(runA) != fileA {
		t.Error("collecting the returned debit again changed the file of the run the bank has")
	}
	if id, status, _ := feeOf(max, runA); id != maxFee || status != "returned" {
		t.Errorf("Max's fee in the first run is %d %s; want %d returned", id, status, maxFee)
	}
	again, status, _ := feeOf(max, runB)
	if again == maxFee || status != "due" {
		t.Errorf("the second run collects Max's fee as row %d (%s), want a new, due row", again, status)
	}
	if !strings.Contains(file(runB), "PEP-"+strconv.Itoa(year)+"-"+strconv.FormatInt(again, 10)) {
		t.Error("the second run's debit has no end-to-end id of its own")
	}
	pageA2 := app.Get(t, treasurer, "/admin/fees/runs/"+runA)
	// Amounts depend on the rates of every test in the package: the sum
	// is read from Max's fee.
	var maxCents int64
	if err := app.Pool.QueryRow(ctx, `SELECT cents FROM fees WHERE id = $1`, maxFee).Scan(&maxCents); err != nil {
		t.Fatal(err)
	}
	if want := "Davon hat die Bank 1 über " + views.Euros(i18n.DE, sepa.Amount(maxCents)) + " € zurückgegeben."; !strings.Contains(pageA2.Body, want) {
		t.Errorf("the first run's total does not say what came back (%q)", want)
	}
	if !strings.Contains(pageA2.Body, `data-testid="collected-again"`) || strings.Count(pageA2.Body, `data-testid="settle-paid"`) >= strings.Count(pageA.Body, `data-testid="settle-paid"`) {
		t.Error("the first run's page still offers to settle the debit collected again, or does not say it was")
	}
	// Max's own page shows both rows of the year; the returned one says
	// it was collected again, so it does not read as a second debt.
	if own := app.Get(t, app.Client(), maxLink+"/mandate"); !strings.Contains(own.Body, `data-testid="collected-again"`) {
		t.Error("Max's fee page does not say that the returned debit was collected again")
	}
	mustStatus(t, "settling the returned debit collected again", settle(runA, maxFee), http.StatusUnprocessableEntity)
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM fees WHERE person_id = $1 AND year = $2 AND status <> 'returned'`, max, year).Scan(&n); err != nil || n != 1 {
		t.Errorf("Max has %d open or settled fees for %d (%v), want 1", n, year, err)
	}
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE person_id = $1 AND kind LIKE 'fees_%'`, otto).Scan(&n); err != nil || n != 0 {
		t.Errorf("%s got %d fee mails for 0,00 € (%v)", ottoMail, n, err)
	}
}

// An erased member's debit leaves a run not yet at the bank: the file no
// longer names the account, and the fee stays open as an invoice.
func TestErasureWithdrawsOpenDebits(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin", "person_admin")
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES
		('ordentlich', 3000, '2020-01-01'), ('ausserordentlich', 1550, '2020-01-01') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	const iban = "DE76500105170137075444"
	eva, _ := insertMember(t, app, "Eva Erased", "ordentlich")
	mustStatus(t, "Eva's mandate", giveMandate(t, app, editLink(t, app, eva), url.Values{
		"account_holder": {"Eva Erased"}, "iban": {iban}, "consent": {"yes"}}), http.StatusSeeOther)
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2043"}, "due": {dueAfter(16).Format(time.DateOnly)}})
	mustStatus(t, "creating a run", resp, http.StatusSeeOther)
	run := resp.Header.Get("Location")
	if !strings.Contains(app.Get(t, treasurer, run+"/pain.008.xml").Body, "<IBAN>"+iban+"</IBAN>") {
		t.Fatal("the run does not collect from Eva")
	}
	mustStatus(t, "erasing Eva", app.PostForm(t, treasurer, "/admin/persons/"+strconv.FormatInt(eva, 10)+"/anonymise", nil), http.StatusSeeOther)
	if body := app.Get(t, treasurer, run+"/pain.008.xml").Body; strings.Contains(body, iban) {
		t.Error("the run still collects from the erased member's account")
	}
	var status string
	var mandate *int64
	if err := app.Pool.QueryRow(ctx, `SELECT status, mandate_id FROM fees WHERE person_id = $1 AND year = 2043`, eva).Scan(&status, &mandate); err != nil {
		t.Fatal(err)
	}
	if status != "due" || mandate != nil {
		t.Errorf("the erased member's fee is %s with mandate %v; want an open invoice", status, mandate)
	}
}

// A revocation after the run went to the bank cannot stop its debit: the
// member's mail says it will still be collected, and the run's page tells
// the treasurer, who may recall it at the bank.
func TestRevokingAfterSubmittingSaysTheDebitStillComes(t *testing.T) {
	const ibanRita = "DE12500105170648489890"
	// Its own database: the run collects every member, and the rates are
	// this test's.
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesrevoke"))...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")
	const year = 2039
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01')
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	rita, ritaMail := insertMember(t, app, "Rita Spätwiderruf", "ordentlich")
	link := editLink(t, app, rita)
	mustStatus(t, "Rita's mandate", giveMandate(t, app, link, url.Values{
		"account_holder": {"Rita Spätwiderruf"}, "iban": {ibanRita}, "consent": {"yes"}}), http.StatusSeeOther)
	// An English speaker's pre-notification writes the due date as
	// English readers do.
	ruth, ruthMail := insertMember(t, app, "Ruth English", "ordentlich")
	if _, err := app.Pool.Exec(ctx, `UPDATE persons SET language = 'en' WHERE id = $1`, ruth); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "Ruth's mandate", giveMandate(t, app, editLink(t, app, ruth), url.Values{
		"account_holder": {"Ruth English"}, "iban": {"DE02100100109307118603"}, "consent": {"yes"}}), http.StatusSeeOther)
	due := dueAfter(20)
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year)}, "due": {due.Format(time.DateOnly)}})
	mustStatus(t, "creating the run", resp, http.StatusSeeOther)
	run := resp.Header.Get("Location")
	if pre := waitKind(t, app, ruthMail, "Pre-notification", 1); !strings.Contains(pre.Text, "Due date: "+due.Format("2 Jan 2006")) {
		t.Errorf("the English pre-notification does not write the due date in English:\n%s", pre.Text)
	}
	mustStatus(t, "the bank file", app.Get(t, treasurer, run+"/pain.008.xml"), http.StatusOK)
	if page := app.Get(t, treasurer, run); strings.Contains(page.Body, `data-testid="revoked-at-bank"`) {
		t.Error("the run warns of a revocation before anyone revoked")
	}
	mustStatus(t, "submitting", app.PostForm(t, treasurer, run+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)

	// The association edited the mail before it told of such debits: the
	// default text goes out instead, which does.
	texts, _ := app.ClientWith(t, "texts_admin")
	mustStatus(t, "an edited revocation mail", app.PostForm(t, texts, "/admin/texts/mail/fees/mandate_revoked/de", url.Values{
		"subject": {"Mandat widerrufen"}, "body": {"Hallo {{.Name}},\n\ndein Mandat {{.Reference}} ist widerrufen.\n"}}), http.StatusSeeOther)
	mustStatus(t, "Rita revokes", app.PostForm(t, app.Client(), link+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	revoked := waitKind(t, app, ritaMail, "widerrufen", 1)
	if want := "Die Lastschrift über 30,00 EUR zum " + due.Format("02.01.2006") + " hatten wir schon bei der Bank eingereicht"; !strings.Contains(revoked.Text, want) {
		t.Errorf("the revocation mail does not say that the debit still comes (%q):\n%s", want, revoked.Text)
	}
	page := app.Get(t, treasurer, run)
	_, row, _ := strings.Cut(page.Body, "Rita Spätwiderruf")
	row, _, _ = strings.Cut(row, "</tr>")
	if !strings.Contains(row, `data-testid="revoked-at-bank"`) || strings.Count(page.Body, `data-testid="revoked-at-bank"`) != 1 {
		t.Error("the run's page does not tell the treasurer of Rita's revocation alone")
	}
}

// A category without an amount blocks a run: the page names it and a
// member in it, and lists nothing to create; the member's page still
// shows their category.
func TestARunWithoutAnAmountNamesTheCategory(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesnorate"))...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01'),
		('studierende', 1000, '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	insertMember(t, app, "Olaf Ordentlich", "ordentlich")
	carla, _ := insertMember(t, app, "Carla Studiert", "ordentlich")
	mustStatus(t, "Carla's category", app.PostForm(t, treasurer, "/admin/fees/members/"+strconv.FormatInt(carla, 10)+"/category",
		url.Values{"category": {"studierende"}}), http.StatusSeeOther)
	var rate int64
	if err := app.Pool.QueryRow(ctx, `SELECT id FROM fee_rates WHERE category = 'studierende'`).Scan(&rate); err != nil {
		t.Fatal(err)
	}
	ask := app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(rate, 10)+"/delete", nil)
	mustStatus(t, "asking to delete the students' amount", ask, http.StatusOK)
	if !strings.Contains(ask.Body, "1 Mitglied hat dann keinen Betrag") {
		t.Error("the question does not say that Carla is left without an amount")
	}
	// So does the last amount of a membership type, named by the type.
	var regular int64
	if err := app.Pool.QueryRow(ctx, `SELECT id FROM fee_rates WHERE category = 'ordentlich'`).Scan(&regular); err != nil {
		t.Fatal(err)
	}
	askRegular := app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(regular, 10)+"/delete", nil)
	if !strings.Contains(askRegular.Body, "für ordentliches Mitglied ab") || !strings.Contains(askRegular.Body, "1 Mitglied hat dann keinen Betrag") {
		t.Errorf("the question about the regular members' last amount does not name the type or Olaf left without an amount:\n%s", askRegular.Body)
	}
	mustStatus(t, "deleting the students' amount", app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(rate, 10)+"/delete",
		url.Values{"confirm": {"yes"}}), http.StatusSeeOther)

	page := app.Get(t, treasurer, "/admin/fees/runs/new?year=2041&due="+dueAfter(20).Format(time.DateOnly))
	mustStatus(t, "the run's preview", page, http.StatusUnprocessableEntity)
	if !strings.Contains(page.Body, "keinen Betrag für studierende (zum Beispiel für Carla Studiert)") {
		t.Error("the preview does not name the category without an amount and a member in it")
	}
	if strings.Contains(page.Body, `data-testid="candidates"`) || strings.Contains(page.Body, `data-testid="run-nobody"`) {
		t.Error("the blocked preview still lists candidates or says nobody is left")
	}
	history := app.Get(t, treasurer, "/admin/fees/members/"+strconv.FormatInt(carla, 10))
	if !strings.Contains(history.Body, `<option value="studierende" selected>studierende (ohne Betrag in der Beitragsordnung)</option>`) {
		t.Error("Carla's page does not show her category without an amount")
	}
}

// A revocation that began before a download and commits after it: the
// download waits for it, so the file it gives is the file as it is after
// the revocation, and marking the run submitted is consistent with it
// (before, the revocation counted as older than the download, and the
// bank got a debit the member was also invoiced for).
func TestADownloadWaitsForARevocationUnderWay(t *testing.T) {
	const ibanVera = "DE44500105175407324931"
	app, treasurer, vera, run, _ := oneDebitRun(t, "feesrace", "Vera Verspätet", ibanVera)
	ctx := context.Background()

	tx, err := app.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, _, err := fees.RevokeMandate(ctx, tx, vera, audit.Entry{Actor: audit.ActorParticipant}); err != nil {
		t.Fatal(err)
	}
	// Fetched without t: a test's goroutine may not stop it.
	type answer struct {
		status int
		body   string
		err    error
	}
	download := make(chan answer, 1)
	go func() {
		resp, err := treasurer.Get(app.URL + run + "/pain.008.xml")
		if err != nil {
			download <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		download <- answer{resp.StatusCode, string(body), err}
	}()
	apptest.Eventually(t, 10*time.Second, "the download to wait for the revocation", func() bool {
		var waiting int
		err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%file_version%FOR SHARE%'`).Scan(&waiting)
		return err == nil && waiting == 1
	})
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	file := <-download
	if file.err != nil {
		t.Fatal(file.err)
	}
	if file.status != http.StatusNotFound {
		t.Errorf("after the revocation the run has no debit left; the download answered %d", file.status)
	}
	if strings.Contains(file.body, ibanVera) {
		t.Error("the file still collects from Vera")
	}
}

// A mandate that lapses before the run's due date is asked for by
// invoice, and a due date more than a year ahead is taken for a typo.
func TestARunLooksAtItsDueDate(t *testing.T) {
	const ibanUwe = "DE02500105170137075030"
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesdue"))...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	uwe, _ := insertMember(t, app, "Uwe Unbenutzt", "ordentlich")
	signed := time.Now().AddDate(-3, 0, 10).Format(time.DateOnly)
	mustStatus(t, "Uwe's old paper mandate", app.PostForm(t, treasurer, "/admin/fees/mandates/new", url.Values{
		"person_id": {strconv.FormatInt(uwe, 10)}, "signed_on": {signed}, "account_holder": {"Uwe Unbenutzt"}, "iban": {ibanUwe}}), http.StatusSeeOther)

	due := dueAfter(20).Format(time.DateOnly)
	preview := app.Get(t, treasurer, "/admin/fees/runs/new?year=2041&due="+due)
	mustStatus(t, "the preview", preview, http.StatusOK)
	_, row, _ := strings.Cut(preview.Body, "Uwe Unbenutzt")
	row, _, _ = strings.Cut(row, "</tr>")
	if !strings.Contains(row, "Rechnung") || strings.Contains(row, "PEP-") {
		t.Error("a mandate that lapses before the due date is collected from")
	}
	far := app.Get(t, treasurer, "/admin/fees/runs/new?year=2041&due="+dueAfter(400).Format(time.DateOnly))
	mustStatus(t, "a due date years ahead", far, http.StatusUnprocessableEntity)
	if !strings.Contains(far.Body, "mehr als ein Jahr voraus") {
		t.Error("a due date more than a year ahead is not refused as such")
	}
}

// A revocation and a submission of the run holding its debit take their
// locks in one order (mandate, run, fees): whichever comes second waits,
// neither dies in a deadlock.
func TestARevocationAndASubmissionWaitForEachOther(t *testing.T) {
	app, treasurer, wilma, run, runID := oneDebitRun(t, "feeslocks", "Wilma Widerspruch", "DE02100100109307118603")
	ctx := context.Background()
	// Asking with HEAD gets no file, so it counts as no download.
	head, err := http.NewRequest(http.MethodHead, app.URL+run+"/pain.008.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := treasurer.Do(head); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD of the bank file: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	var downloaded *int
	if err := app.Pool.QueryRow(ctx, `SELECT downloaded_version FROM fee_runs WHERE id = $1`, runID).Scan(&downloaded); err != nil || downloaded != nil {
		t.Fatalf("a HEAD request counted as a download (%v, %v)", downloaded, err)
	}
	mustStatus(t, "the bank file", app.Get(t, treasurer, run+"/pain.008.xml"), http.StatusOK)

	// The revocation has its mandate when the submission starts.
	revoking, err := app.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer revoking.Rollback(ctx)
	if _, err = revoking.Exec(ctx, `SELECT 1 FROM sepa_mandates WHERE person_id = $1 FOR NO KEY UPDATE`, wilma); err != nil {
		t.Fatal(err)
	}
	submitted := make(chan error, 1)
	go func() {
		submitted <- pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			_, err := fees.SubmitRun(ctx, tx, runID, audit.Entry{Actor: "test"})
			return err
		})
	}()
	apptest.Eventually(t, 10*time.Second, "the submission to wait for the mandate", func() bool {
		var waiting int
		err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'`).Scan(&waiting)
		return err == nil && waiting == 1
	})
	if _, _, err := fees.RevokeMandate(ctx, revoking, wilma, audit.Entry{Actor: audit.ActorParticipant}); err != nil {
		t.Fatalf("the revocation: %v", err)
	}
	if err := revoking.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The revocation took the run's one debit out of the file: there is
	// nothing left to give the bank, and the bank may hold the old file.
	if err := <-submitted; !errors.Is(err, fees.ErrNoDebits) {
		t.Errorf("the submission after the revocation: %v, want ErrNoDebits", err)
	}
	page := app.Get(t, treasurer, run)
	if !strings.Contains(page.Body, "Lastschriften dieses Laufs sind zurückgezogen") || strings.Contains(page.Body, `data-testid="run-submit"`) ||
		strings.Contains(page.Body, "Lade sie neu herunter") {
		t.Error("the run's page does not say its downloaded debits were withdrawn, or offers what cannot be done")
	}
	if list := app.Get(t, treasurer, "/admin/fees"); !strings.Contains(list.Body, "Lastschriften zurückgezogen") {
		t.Error("the list of runs does not mark the run's debits withdrawn")
	}
}

// oneDebitRun starts an app on a database of its own whose one member,
// name, has a mandate for iban, and creates a run (not downloaded) that
// collects from them: the app, a treasurer, the member, the run's path
// and id.
func oneDebitRun(t *testing.T, db, name, iban string) (app *apptest.App, treasurer *http.Client, member int64, run string, runID int64) {
	t.Helper()
	app = apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, db))...)
	treasurer, _ = app.ClientWith(t, "fee_admin")
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	member, _ = insertMember(t, app, name, "ordentlich")
	mustStatus(t, name+"'s mandate", giveMandate(t, app, editLink(t, app, member), url.Values{
		"account_holder": {name}, "iban": {iban}, "consent": {"yes"}}), http.StatusSeeOther)
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2040"}, "due": {dueAfter(20).Format(time.DateOnly)}})
	mustStatus(t, "creating the run", resp, http.StatusSeeOther)
	run = resp.Header.Get("Location")
	runID, err := strconv.ParseInt(strings.TrimPrefix(run, "/admin/fees/runs/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return app, treasurer, member, run, runID
}

// Deleting the amount this year reckons with is asked about even when a
// later line stays: that line counts only from its own year.
func TestDeletingThisYearsAmountAsks(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesyear"))...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	year := time.Now().Year()
	var now int64
	if err := app.Pool.QueryRow(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01') RETURNING id`).Scan(&now); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3600, make_date($1, 1, 1))`, year+2); err != nil {
		t.Fatal(err)
	}
	insertMember(t, app, "Olaf Ordentlich", "ordentlich")
	ask := app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(now, 10)+"/delete", nil)
	mustStatus(t, "asking to delete this year's amount", ask, http.StatusOK)
	if want := fmt.Sprintf("für %d keinen: 1 Mitglied hat dann keinen Betrag", year); !strings.Contains(ask.Body, want) {
		t.Errorf("the question does not say %q", want)
	}
}
