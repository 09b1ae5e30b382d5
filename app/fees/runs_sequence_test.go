package fees_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A mandate's first collection is FRST once: a second run made before
// the first went to the bank collects RCUR. Submitted in either order,
// the runs leave the mandate last collected on the later due date.
func TestAMandateIsCollectedFirstOnce(t *testing.T) {
	app, treasurer, member, _, firstRun := oneDebitRun(t, "feesfrst", "Frieda Erstmals", "DE02120300000000202051")
	ctx := context.Background()
	sequence := func(year int) string {
		t.Helper()
		var s string
		if err := app.Pool.QueryRow(ctx, `SELECT coalesce(sequence, '') FROM fees WHERE person_id = $1 AND year = $2`,
			member, year).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := sequence(2040); got != "FRST" {
		t.Fatalf("the first run collects %q, want FRST", got)
	}
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2041"},
		"due": {dueAfter(25).Format(time.DateOnly)}})
	mustStatus(t, "a second run before the first is submitted", resp, http.StatusSeeOther)
	if got := sequence(2041); got != "RCUR" {
		t.Errorf("the second run collects %q while the first still holds the FRST, want RCUR", got)
	}
	file := app.Get(t, treasurer, resp.Header.Get("Location")+"/pain.008.xml")
	mustStatus(t, "the second run's bank file", file, http.StatusOK)
	if strings.Contains(file.Body, "<SeqTp>FRST</SeqTp>") || !strings.Contains(file.Body, "<SeqTp>RCUR</SeqTp>") {
		t.Error("the second run's bank file does not collect RCUR")
	}
	first := app.Get(t, treasurer, "/admin/fees/runs/"+strconv.FormatInt(firstRun, 10)+"/pain.008.xml")
	mustStatus(t, "the first run's bank file", first, http.StatusOK)
	if !strings.Contains(first.Body, "<SeqTp>FRST</SeqTp>") {
		t.Error("the first run's bank file lost its FRST")
	}
	// Given to the bank later first, the earlier run does not set the
	// mandate's last collection back: its lapse counts from the latest.
	mustStatus(t, "submitting the second run", app.PostForm(t, treasurer, resp.Header.Get("Location")+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	mustStatus(t, "submitting the first run", app.PostForm(t, treasurer, "/admin/fees/runs/"+strconv.FormatInt(firstRun, 10)+"/submit",
		url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	var last time.Time
	if err := app.Pool.QueryRow(ctx, `SELECT last_collected_on FROM sepa_mandates WHERE person_id = $1`, member).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if want := dueAfter(25); !last.Equal(want) {
		t.Errorf("the mandate was last collected on %s, want the later due date %s", last.Format(time.DateOnly), want.Format(time.DateOnly))
	}
}

// A run of invoices alone has nothing to give the bank: its page says so
// instead of offering to mark it submitted, a forged submission is
// refused and changes nothing, and the list says what the run is.
func TestARunOfInvoicesIsNotSubmitted(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesinvonly"))...)
	ctx := context.Background()
	treasurer, _ := app.ClientWith(t, "fee_admin")
	if _, err := app.Pool.Exec(ctx, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 3000, '2020-01-01')`); err != nil {
		t.Fatal(err)
	}
	insertMember(t, app, "Ida Ueberweiserin", "ordentlich")
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2040"},
		"due": {dueAfter(20).Format(time.DateOnly)}})
	mustStatus(t, "creating the run", resp, http.StatusSeeOther)
	run := resp.Header.Get("Location")

	page := app.Get(t, treasurer, run)
	mustStatus(t, "the run's page", page, http.StatusOK)
	if strings.Contains(page.Body, `data-testid="run-submit"`) || !strings.Contains(page.Body, "Bei der Bank ist nichts einzureichen") {
		t.Error("a run of invoices offers to be marked submitted, or does not say why not")
	}
	refused := app.PostForm(t, treasurer, run+"/submit", url.Values{"confirm": {"yes"}})
	mustStatus(t, "submitting it anyway", refused, http.StatusUnprocessableEntity)
	var submitted bool
	if err := app.Pool.QueryRow(ctx, `SELECT submitted_at IS NOT NULL FROM fee_runs`).Scan(&submitted); err != nil {
		t.Fatal(err)
	}
	if submitted {
		t.Error("a run of invoices was marked submitted")
	}
	// Its empty file is not a download: nothing was withdrawn from it.
	mustStatus(t, "its bank file", app.Get(t, treasurer, run+"/pain.008.xml"), http.StatusNotFound)
	list := app.Get(t, treasurer, "/admin/fees")
	mustStatus(t, "the fees page", list, http.StatusOK)
	if !strings.Contains(list.Body, "nur Rechnungen") || strings.Contains(list.Body, "Lastschriften zurückgezogen") {
		t.Error("the list of runs does not say the run is invoices only")
	}
}

// A returned first collection makes the next one first again, also in a
// run made meanwhile and not yet at the bank: its debit turns FRST, and
// its downloaded file is said to have changed.
func TestAReturnedFirstCollectionIsFirstAgainInAnOpenRun(t *testing.T) {
	app, treasurer, member, first, _ := oneDebitRun(t, "feesfrstagain", "Rita Rueckgabe", "DE02500105170137075030")
	ctx := context.Background()
	mustStatus(t, "the first run's bank file", app.Get(t, treasurer, first+"/pain.008.xml"), http.StatusOK)
	mustStatus(t, "submitting it", app.PostForm(t, treasurer, first+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {"2041"},
		"due": {dueAfter(25).Format(time.DateOnly)}})
	mustStatus(t, "the next year's run", resp, http.StatusSeeOther)
	second := resp.Header.Get("Location")
	mustStatus(t, "its bank file", app.Get(t, treasurer, second+"/pain.008.xml"), http.StatusOK)
	sequence := func(year int) string {
		t.Helper()
		var s string
		if err := app.Pool.QueryRow(ctx, `SELECT coalesce(sequence, '') FROM fees WHERE person_id = $1 AND year = $2 AND run_id IS NOT NULL
			ORDER BY id DESC LIMIT 1`, member, year).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := sequence(2041); got != "RCUR" {
		t.Fatalf("the run after a submitted first collection collects %q, want RCUR", got)
	}
	var fee int64
	if err := app.Pool.QueryRow(ctx, `SELECT id FROM fees WHERE person_id = $1 AND year = 2040`, member).Scan(&fee); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "the bank returns the first collection", app.PostForm(t, treasurer, first+"/returns",
		url.Values{"confirm": {"yes"}, "fee_id": {strconv.FormatInt(fee, 10)}, "reason": {"AC04"}}), http.StatusSeeOther)
	if got := sequence(2041); got != "FRST" {
		t.Errorf("the open run still collects %q after the first collection came back, want FRST", got)
	}
	if page := app.Get(t, treasurer, second); !strings.Contains(page.Body, `data-testid="file-changed"`) {
		t.Error("the open run's page does not say its downloaded file changed")
	}
	if file := app.Get(t, treasurer, second+"/pain.008.xml"); !strings.Contains(file.Body, "<SeqTp>FRST</SeqTp>") {
		t.Error("the open run's bank file does not collect FRST")
	}
}
