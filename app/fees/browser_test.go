package fees_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A member gives a mandate on a phone: from their edit page to the fee
// page, a mistyped IBAN refused with a message, then the mandate stored
// and shown masked.
func TestBrowserMemberGivesMandateOnAPhone(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	id, _ := insertMember(t, app, "Frieda Handy", "ordentlich")
	link := editLink(t, app, id)
	for _, lang := range []string{"de", "en"} {
		b := apptest.NewBrowser(t, 360, 740)
		setLanguage(t, app, b, lang)
		b.Do(t, "open the edit page", chromedp.Navigate(app.URL+link), chromedp.WaitVisible(chromedp.CSS(`[data-testid="fees-link"]`)))
		b.Do(t, "follow the fee link", chromedp.Click(chromedp.CSS(`[data-testid="fees-link"] a`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="mandate-form"]`)))
		b.FitsWidth(t)
		b.Screenshot(t, "fees-member-"+lang)
		if lang == "en" {
			b.NoConsoleErrors(t)
			continue
		}
		b.Do(t, "type a wrong IBAN", chromedp.SetValue(`#iban`, "DE02 1001 0010 0006 8201 02"),
			chromedp.Click(`#consent`), chromedp.Click(chromedp.CSS(`[data-testid="mandate-submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="iban-error"]`)))
		b.Screenshot(t, "fees-member-error-"+lang)
		if !apptest.Eval[bool](t, b, `document.getElementById('consent').checked`) {
			t.Error("the consent box was cleared with the wrong IBAN")
		}
		b.Do(t, "type it right", chromedp.SetValue(`#iban`, "DE02 1001 0010 0006 8201 01"),
			chromedp.Click(chromedp.CSS(`[data-testid="mandate-submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="mandate-iban"]`)))
		got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="mandate-iban"]').textContent`)
		if got != "DE02 •••• •••• •••• ••01 01" {
			t.Errorf("the page shows the account as %q", got)
		}
		b.FitsWidth(t)
		b.Screenshot(t, "fees-member-saved-"+lang)
		// The refused form came back as 422, which the browser logs.
		b.NoConsoleErrors(t, "status of 422")
	}
	var n int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sepa_mandates WHERE person_id = $1 AND revoked_at IS NULL`, id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("mandates stored: %d (%v)", n, err)
	}
}

// The treasurer's pages on a desk and a phone, in both languages.
func TestBrowserTreasurerPages(t *testing.T) {
	// Its run is submitted, which marks every member's mandate used: on a
	// database of its own, so the other tests' first runs stay first.
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feespages"))...)
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO fee_rates (category, cents, valid_from)
		VALUES ('ordentlich', 2500, '2019-01-01'), ('ausserordentlich', 1000, '2019-01-01') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	id, _ := insertMember(t, app, "Bruno Bildschirm", "ordentlich")
	mustStatus(t, "a mandate", giveMandate(t, app, editLink(t, app, id), url.Values{"account_holder": {"Bruno Bildschirm"},
		"iban": {ibanDora}, "consent": {"yes"}}), http.StatusSeeOther)
	insertMember(t, app, "Olga Ohnemandat", "ausserordentlich")
	treasurer, _ := app.ClientWith(t, "fee_admin")
	due := dueAfter(20).Format(time.DateOnly)
	year := strconv.Itoa(time.Now().Year() + 3)
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {year}, "due": {due}})
	mustStatus(t, "a run", resp, http.StatusSeeOther)
	run := resp.Header.Get("Location")
	mustStatus(t, "the bank file", app.Get(t, treasurer, run+"/pain.008.xml"), http.StatusOK)
	mustStatus(t, "submitting", app.PostForm(t, treasurer, run+"/submit", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	paths := []string{"/admin/fees", "/admin/fees/mandates/new", "/admin/fees/runs/new?year=" + year + "&due=" + due, resp.Header.Get("Location"),
		"/admin/fees/members/" + strconv.FormatInt(id, 10)}
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{1280, 900}, {360, 740}} {
			b := apptest.NewBrowser(t, size[0], size[1])
			setLanguage(t, app, b, lang)
			b.Login(t, app, "fee_admin")
			for i, path := range paths {
				b.Do(t, "open "+path, chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS(`main`)))
				b.FitsWidth(t)
				// On a phone the tables are one card a row: a table
				// scrolling sideways hid its amounts and buttons.
				if size[0] < 576 && apptest.Eval[bool](t, b, `[...document.querySelectorAll('.table-responsive')].some(e => e.scrollWidth > e.clientWidth + 1)`) {
					t.Errorf("%s: a table scrolls sideways on a phone (%s)", path, lang)
				}
				b.Screenshot(t, fmt.Sprintf("fees-admin-%d-%s-%d", i, lang, size[0]))
			}
			// Marking Olga's invoice paid asks first, and Cancel leaves it open.
			b.Do(t, "open the run", chromedp.Navigate(app.URL+run), chromedp.WaitVisible(chromedp.CSS(`[data-testid="settle-paid"]`)))
			b.Do(t, "mark the invoice paid", chromedp.Click(chromedp.CSS(`[data-testid="settle-paid"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="settle-question"]`)))
			if text := apptest.Eval[string](t, b, `document.querySelector('[data-testid="settle-question"]').innerText`); !strings.Contains(text, "Olga Ohnemandat") {
				t.Errorf("the question does not name Olga: %q", text)
			}
			b.FitsWidth(t)
			b.Screenshot(t, fmt.Sprintf("fees-admin-settle-%s-%d", lang, size[0]))
			b.Do(t, "cancel", chromedp.Click(chromedp.CSS(`[data-testid="settle-question"] a`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="settle-paid"]`)))
			b.NoConsoleErrors(t)
		}
	}
}

func setLanguage(t *testing.T, app *apptest.App, b *apptest.Browser, lang string) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
		t.Fatal(err)
	}
}
