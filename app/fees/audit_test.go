package fees_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/persons"
	views "github.com/pepalumni/memberdb/components/members"
)

// logged reads the audit entries of row id of table, oldest first, as
// "field: old → new (actor, user)"; NULL is "-". An RFC 3339 time reads
// "TIME", whose moment no test knows.
func logged(t *testing.T, app *apptest.App, table string, id any) []string {
	t.Helper()
	rows, err := app.Pool.Query(context.Background(), `SELECT coalesce(field, ''), coalesce(old_value, '-'), coalesce(new_value, '-'),
		actor, coalesce(user_id::text, '-') FROM audit_log WHERE table_name = $1 AND row_id = $2 ORDER BY id`, table, fmt.Sprint(id))
	if err != nil {
		t.Fatal(err)
	}
	times := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var field, old, new, actor, user string
		err := r.Scan(&field, &old, &new, &actor, &user)
		if times.MatchString(old) {
			old = "TIME"
		}
		if times.MatchString(new) {
			new = "TIME"
		}
		return fmt.Sprintf("%s: %s → %s (%s, %s)", field, old, new, actor, user), err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// after is entries without their first n.
func after(entries []string, n int) []string { return entries[min(n, len(entries)):] }

func wantLogged(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s logged\n  %s\nwant\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// Every change the treasurer makes to the fees is in the audit log, by
// name, in the transaction of the change: the schedule's lines added and
// deleted, a run created (which mails every member in it), its bank file
// downloaded and the run given to the bank, a debit returned, fees paid
// by transfer or waived, and a debit a revocation withdrew. The log names
// the tables and words the values for its readers; the member's export
// holds the changes to their fees.
func TestTreasurersChangesAreAudited(t *testing.T) {
	// A database of its own: a run collects from every member there.
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesaudit"))...)
	ctx := context.Background()
	treasurer, tu := app.ClientWith(t, "fee_admin")
	by := fmt.Sprintf("(%s, %d)", tu.Username, tu.ID)
	id := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := app.Pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The schedule.
	mustStatus(t, "adding a rate", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"ordentlich"}, "amount": {"1.234,50"}, "valid_from": {"2020-01-01"}}), http.StatusSeeOther)
	rate := id(`SELECT id FROM fee_rates WHERE category = 'ordentlich' AND valid_from = '2020-01-01'`)
	wantLogged(t, "adding a rate", logged(t, app, "fee_rates", rate),
		"category: - → ordentlich "+by, "amount: - → 1234.50 "+by, "valid_from: - → 2020-01-01 "+by, ": - → ordentlich "+by)
	mustStatus(t, "adding a mistyped rate", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"ordentlich"}, "amount": {"3"}, "valid_from": {"2044-01-01"}}), http.StatusSeeOther)
	typo := id(`SELECT id FROM fee_rates WHERE valid_from = '2044-01-01'`)
	mustStatus(t, "deleting it", app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(typo, 10)+"/delete",
		url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	wantLogged(t, "deleting a rate", after(logged(t, app, "fee_rates", typo), 4),
		"category: ordentlich → - "+by, "amount: 3.00 → - "+by, "valid_from: 2044-01-01 → - "+by, ": ordentlich → - "+by)
	mustStatus(t, "deleting it again", app.PostForm(t, treasurer, "/admin/fees/rates/"+strconv.FormatInt(typo, 10)+"/delete",
		url.Values{"confirm": {"yes"}}), http.StatusNotFound)
	if n := len(logged(t, app, "fee_rates", typo)); n != 8 {
		t.Errorf("%d entries after deleting a deleted rate, want 8", n)
	}

	// A run: Anna by debit, Bert by invoice, Carl left out.
	anna, annaMail := insertMember(t, app, "Anna Audit", "ordentlich")
	bert, _ := insertMember(t, app, "Bert Audit", "ordentlich")
	carl, _ := insertMember(t, app, "Carl Audit", "ordentlich")
	annaLink := editLink(t, app, anna)
	mustStatus(t, "Anna's mandate", giveMandate(t, app, annaLink, url.Values{
		"account_holder": {"Anna Audit"}, "iban": {"DE02100100100006820101"}, "consent": {"yes"}}), http.StatusSeeOther)
	createRun := func(year int, days int, exclude ...int64) string {
		t.Helper()
		form := url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(year)}, "due": {dueAfter(days).Format(time.DateOnly)}}
		for _, p := range exclude {
			form.Add("exclude", strconv.FormatInt(p, 10))
		}
		resp := app.PostForm(t, treasurer, "/admin/fees/runs", form)
		mustStatus(t, "creating a run", resp, http.StatusSeeOther)
		return strings.TrimPrefix(resp.Header.Get("Location"), "/admin/fees/runs/")
	}
	run := createRun(2035, 16, carl)
	wantLogged(t, "creating a run", logged(t, app, "fee_runs", run),
		"year: - → 2035 "+by, "due_on: - → "+dueAfter(16).Format(time.DateOnly)+" "+by, "debits: - → 1 "+by, "invoices: - → 1 "+by,
		"total: - → 2469.00 "+by, "excluded: - → 1 "+by, ": - → 2035 "+by)

	// Its bank file, downloaded twice, then the run given to the bank.
	for range 2 {
		mustStatus(t, "the bank file", app.Get(t, treasurer, "/admin/fees/runs/"+run+"/pain.008.xml"), http.StatusOK)
	}
	mustStatus(t, "submitting", app.PostForm(t, treasurer, "/admin/fees/runs/"+run+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	wantLogged(t, "downloading and submitting", after(logged(t, app, "fee_runs", run), 7),
		"downloaded_at: - → TIME "+by, "downloaded_at: TIME → TIME "+by, "submitted_at: - → TIME "+by, "paid: - → 1 "+by)
	// A download of a submitted run changes nothing, and logs nothing.
	mustStatus(t, "the submitted run's file", app.Get(t, treasurer, "/admin/fees/runs/"+run+"/pain.008.xml"), http.StatusOK)
	if n := len(logged(t, app, "fee_runs", run)); n != 11 {
		t.Errorf("%d entries of the run after a download once submitted, want 11", n)
	}

	// The next year's run holds Anna's next debit, a recurring one.
	next := createRun(2036, 30, bert, carl)
	annaNext := id(`SELECT id FROM fees WHERE person_id = $1 AND run_id = $2`, anna, next)

	// Anna's first debit comes back: her next one becomes a first
	// collection. Bert pays his invoice; the board waives Anna's fee.
	annaFee := id(`SELECT id FROM fees WHERE person_id = $1 AND run_id = $2`, anna, run)
	bertFee := id(`SELECT id FROM fees WHERE person_id = $1 AND run_id = $2`, bert, run)
	mustStatus(t, "the return", app.PostForm(t, treasurer, "/admin/fees/runs/"+run+"/returns", url.Values{
		"fee_id": {strconv.FormatInt(annaFee, 10)}, "reason": {"AC04"}, "confirm": {"yes"}}), http.StatusSeeOther)
	settle := func(fee int64, status string) {
		t.Helper()
		mustStatus(t, "settling as "+status, app.PostForm(t, treasurer, "/admin/fees/runs/"+run+"/settle", url.Values{
			"fee_id": {strconv.FormatInt(fee, 10)}, "status": {status}, "confirm": {"yes"}}), http.StatusSeeOther)
	}
	settle(bertFee, "paid")
	settle(annaFee, "waived")
	wantLogged(t, "Anna's returned fee", logged(t, app, "fees", annaFee),
		"status: paid → returned "+by, "return_reason: - → AC04 "+by, "status: returned → waived "+by)
	wantLogged(t, "Bert's invoice", logged(t, app, "fees", bertFee), "status: due → paid "+by)
	// Refused a second time: nothing more logged.
	mustStatus(t, "settling again", app.PostForm(t, treasurer, "/admin/fees/runs/"+run+"/settle", url.Values{
		"fee_id": {strconv.FormatInt(bertFee, 10)}, "status": {"waived"}, "confirm": {"yes"}}), http.StatusUnprocessableEntity)
	wantLogged(t, "Bert's invoice settled again", logged(t, app, "fees", bertFee), "status: due → paid "+by)

	// Anna revokes her mandate: the next run's debit becomes an invoice.
	mustStatus(t, "Anna's revocation", app.PostForm(t, app.Client(), annaLink+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	wantLogged(t, "Anna's next fee", logged(t, app, "fees", annaNext),
		"sequence: RCUR → FRST "+by, "payment: debit → invoice (participant via link, -)")

	t.Run("the log words the fee entries for its readers", func(t *testing.T) {
		reader, _ := app.ClientWith(t, "audit_admin")
		for _, tt := range []struct {
			lang string
			want []string
		}{
			{"de", []string{"Beitragsordnung", "Einzugsläufe", "Beiträge der Mitglieder", "1.234,50 €", "2.469,00 €", "Gültig ab", "01.01.2020",
				"Ausgelassene Mitglieder", "An die Bank gegeben", "Rückgabegrund", "Konto erloschen", "bezahlt", "erlassen", "zurückgegeben",
				"Lastschrift", "Rechnung", "Erstlastschrift", "Anna Audit · 2035 · 1.234,50\u00a0€", `href="/admin/fees/runs/` + run + `"`}},
			{"en", []string{"Fee schedule", "Collection runs", "Members&#39; fees", "€1,234.50", "Valid from", "Members left out",
				"Given to the bank", "Reason for the return", "paid", "waived", "direct debit", "invoice", "first collection", "Anna Audit · 2035 · €1,234.50"}},
		} {
			resp := app.Get(t, reader, "/admin/audit?size=100", "Accept-Language", tt.lang)
			mustStatus(t, "the audit log", resp, http.StatusOK)
			_, rows, _ := strings.Cut(resp.Body, "<tbody")
			for _, w := range tt.want {
				if !strings.Contains(rows, w) {
					t.Errorf("%s: the log does not show %q", tt.lang, w)
				}
			}
			for _, table := range []string{"fee_rates", "fee_runs", "fees"} {
				if !strings.Contains(resp.Body, `<option value="`+table+`"`) {
					t.Errorf("%s: the table filter does not offer %s", tt.lang, table)
				}
			}
		}
		// Filtered by table, and found by the member's name.
		resp := app.Get(t, reader, "/admin/audit?table=fees&q="+url.QueryEscape("Anna Audit"))
		if got := strings.Count(resp.Body, `data-testid="row"`); got != 5 {
			t.Errorf("the entries of Anna's fees: %d, want 5", got)
		}
	})

	t.Run("the member's export holds the changes to their fees", func(t *testing.T) {
		var ex views.Export
		err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			s, err := persons.Collect(ctx, tx, anna, "Anna Audit", annaMail)
			if err != nil {
				return err
			}
			return persons.ExportAll(ctx, tx, s, &ex)
		})
		if err != nil {
			t.Fatal(err)
		}
		var fees []string
		for _, c := range ex.Changes {
			if c.Table == "fees" {
				fees = append(fees, c.Field)
			}
		}
		if want := []string{"status", "return_reason", "sequence", "status", "payment"}; !slices.Equal(fees, want) {
			t.Errorf("the export holds the fee changes %v, want %v", fees, want)
		}
	})
}
