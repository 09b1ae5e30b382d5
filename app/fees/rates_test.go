package fees_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A mistyped line of the schedule can be deleted, after the page asks;
// nothing else goes with it.
func TestMistypedRateIsDeletedAfterAsking(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	// A category that is no type and not in the schedule is asked about
	// first: a typo would leave everyone without the new amount.
	typo := url.Values{"category": {"ordentich"}, "amount": {"300"}, "valid_from": {"2031-01-01"}}
	asked := app.PostForm(t, treasurer, "/admin/fees/rates", typo)
	mustStatus(t, "a mistyped rate, unconfirmed", asked, http.StatusUnprocessableEntity)
	if !strings.Contains(asked.Body, `name="new_category"`) || !strings.Contains(asked.Body, "Vertippt?") {
		t.Error("the unknown category is not asked about")
	}
	var stored int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM fee_rates WHERE category = 'ordentich'`).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the unconfirmed category was stored (%d, %v)", stored, err)
	}
	typo.Set("new_category", "yes")
	mustStatus(t, "a mistyped rate, confirmed", app.PostForm(t, treasurer, "/admin/fees/rates", typo), http.StatusSeeOther)
	var id int64
	if err := app.Pool.QueryRow(context.Background(), `SELECT id FROM fee_rates WHERE category = 'ordentich'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := "/admin/fees/rates/" + strconv.FormatInt(id, 10) + "/delete"
	count := func() int {
		var n int
		if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM fee_rates WHERE id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ask := app.PostForm(t, treasurer, path, nil)
	mustStatus(t, "deleting without confirming", ask, http.StatusOK)
	if !strings.Contains(ask.Body, `data-testid="rate-delete-question"`) || !strings.Contains(ask.Body, "ordentich ab 01.01.2031") {
		t.Error("the page does not ask about the rate")
	}
	if count() != 1 {
		t.Fatal("asking deleted the rate")
	}
	mustStatus(t, "deleting an unknown rate", app.PostForm(t, treasurer, "/admin/fees/rates/999999999/delete", url.Values{"confirm": {"yes"}}), http.StatusNotFound)
	mustStatus(t, "deleting", app.PostForm(t, treasurer, path, url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	if count() != 0 {
		t.Fatal("the rate is still there")
	}
	mustStatus(t, "deleting it again", app.PostForm(t, treasurer, path, url.Values{"confirm": {"yes"}}), http.StatusNotFound)
}

// Amounts are read as German treasurers write them, thousands points and
// all; "1.234" alone could be read two ways and is refused.
func TestAmountsWithThousandsPoints(t *testing.T) {
	// A database of its own: the others' runs must not meet this amount.
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesgrouped"))...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	mustStatus(t, "an amount without cents", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"ordentlich"}, "amount": {"1.234"}, "valid_from": {"2041-01-01"}}), http.StatusUnprocessableEntity)
	mustStatus(t, "an amount with thousands points", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"ordentlich"}, "amount": {"1.234,50"}, "valid_from": {"2041-01-01"}}), http.StatusSeeOther)
	var cents int64
	if err := app.Pool.QueryRow(context.Background(), `SELECT cents FROM fee_rates WHERE category = 'ordentlich' AND valid_from = '2041-01-01'`).Scan(&cents); err != nil || cents != 123450 {
		t.Errorf("stored %d cents (%v), want 123450", cents, err)
	}
}
