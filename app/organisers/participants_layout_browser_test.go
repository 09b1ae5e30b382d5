package organisers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// wideSchema has more answers than fit beside each other on any screen.
const wideSchema = `{"type": "object", "properties": {
	"guests": {"type": "integer", "label": "Gäste"},
	"diet": {"type": "string", "label": "Ernährung"},
	"arrival": {"type": "string", "label": "Anreise mit"},
	"title": {"type": "string", "label": "Titel der Abschlussarbeit"},
	"group": {"type": "string", "label": "Arbeitsgruppe"},
	"supervisor": {"type": "string", "label": "Betreuung"},
	"photo": {"type": "boolean", "label": "Fotos erlaubt"},
	"certificate": {"type": "boolean", "label": "Urkunde gewünscht"},
	"tshirt": {"type": "string", "label": "T-Shirt-Größe"},
	"note": {"type": "string", "label": "Anmerkung"}
}}`

// guestsTotal reads the totals row under the Gäste column; the row's
// first cell spans the name and status columns.
const guestsTotal = `(function () {
	var head = Array.from(document.querySelector('#participants-table thead tr').cells);
	var i = head.findIndex(function (c) { return c.textContent.trim() === 'Gäste' });
	return document.querySelector('[data-testid="totals"]').cells[i - 1].innerText.trim().replace(/\s+/g, ' ');
})()`

func wideAnswers(guests int) string {
	return fmt.Sprintf(`{"guests": %d, "diet": "vegetarisch, ohne Nüsse", "arrival": "Zug bis Dortmund Hbf",
		"title": "Quantenfeldtheorie auf dem Gitter", "group": "Theoretische Physik III", "supervisor": "Prof. Dr. Emmy Noether",
		"photo": true, "certificate": false, "tshirt": "M", "note": "Ich komme etwas später"}`, guests)
}

// setLanguage gives the browser the language switcher's choice.
func setLanguage(t *testing.T, b *apptest.Browser, app *apptest.App, lang i18n.Lang) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: string(lang), URL: app.URL}); err != nil {
		t.Fatal(err)
	}
}

// The participants page as organisers asked for it: the confirmed by
// default with the waiting list ticked in beside them, a totals row saying
// what it adds up, status right after the name, and name, status and email
// in view while the answers scroll sideways; the choice of answer columns
// is saved exactly as ticked and kept after a reload.
func TestBrowserParticipantsLayout(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolvent*innenfeier 2026", wideSchema)
	for i, r := range []testRegistration{
		{Name: "Ada Lovelace", Status: "confirmed", Data: wideAnswers(2)},
		{Name: "Emmy Noether", Status: "confirmed", Data: wideAnswers(3)},
		{Name: "Lise Meitner", Status: "waitinglist", Data: wideAnswers(4)},
		{Name: "Marie Curie", Status: "canceled", Data: wideAnswers(5)},
		{Name: "Hedy Lamarr", Status: "pending", Data: wideAnswers(7)},
	} {
		if r.Status != "pending" {
			r.Confirmed = at(i)
		}
		r.Email = fmt.Sprintf("%s.%d@physik.tu-dortmund.de", strings.ToLower(strings.ReplaceAll(r.Name, " ", ".")), ev.ID)
		register(t, app, ev, r)
	}
	for _, lang := range i18n.Langs {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			name := fmt.Sprintf("%s-%dx%d", lang, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				user := b.Login(t, app, "get_participants", "write_email")
				setLanguage(t, b, app, lang)
				page := fmt.Sprintf("%s/events/%s/participants/", app.URL, ev.Shortlink)
				b.Do(t, "open the participants page",
					chromedp.Navigate(page),
					chromedp.WaitVisible(css(`[data-testid="participants-table"]`)),
				)
				b.Screenshot(t, "participants-"+name)

				// Default filter: the confirmed, the waiting list beside it.
				ticks := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-testid="counts"] input[name=status]')).map(function (c) { return c.value + (c.checked ? '+' : '-') })`)
				if want := []string{"confirmed+", "waitinglist-", "pending-", "canceled-"}; !slices.Equal(ticks, want) {
					t.Errorf("status filter %q, want %q", ticks, want)
				}
				if got := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-testid="participant"] [data-testid="name"]')).map(function (n) { return n.textContent })`); !slices.Equal(got, []string{"Ada Lovelace", "Emmy Noether"}) {
					t.Errorf("rows %q, want the confirmed only", got)
				}
				// The totals add up the confirmed only, and say so.
				confirmed := i18n.In(lang, "organisers.status.confirmed")
				if label := apptest.Eval[string](t, b, `document.querySelector('[data-testid="totals-label"]').textContent`); label != i18n.In(lang, "organisers.participants.totals_of", confirmed) {
					t.Errorf("totals labelled %q", label)
				}
				// Their mean under the sum, as the reader writes decimals.
				if guests, want := apptest.Eval[string](t, b, guestsTotal), "5 "+i18n.In(lang, "organisers.participants.mean", i18n.Decimal(lang, "2.5")); guests != want {
					t.Errorf("guests total %q, want %q (2 + 3 confirmed)", guests, want)
				}

				// Status is the second column, in the header and every row.
				second := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('#participants-table tr')).filter(function (r) { return r.closest('thead') || r.dataset.testid === 'participant' }).map(function (r) {
					var c = r.cells[1]; return c.closest('thead') ? c.textContent.trim() : (c.querySelector('[data-testid="status"]') ? 'status' : c.textContent.trim());
				})`)
				if want := []string{i18n.In(lang, "organisers.col.status"), "status", "status"}; !slices.Equal(second, want) {
					t.Errorf("second column %q, want %q", second, want)
				}

				// No blank gap above the table: the list starts on the first screen.
				if top := apptest.Eval[float64](t, b, `document.querySelector('[data-testid="table-scroll"]').getBoundingClientRect().top`); top > float64(size[1])*0.6 {
					t.Errorf("the table starts %.0f px down a %d px screen", top, size[1])
				}
				gaps := apptest.Eval[[]string](t, b, `(function () {
					var blocks = [document.querySelector('main h1').parentElement, document.querySelector('[data-testid="filter"]'),
						document.querySelector('[data-testid="shown"]').parentElement, document.querySelector('[data-testid="table-scroll"]')];
					var out = [];
					for (var i = 1; i < blocks.length; i++) {
						var gap = blocks[i].getBoundingClientRect().top - blocks[i-1].getBoundingClientRect().bottom;
						if (gap > 24) out.push(blocks[i-1].tagName + ' → ' + blocks[i].tagName + ': ' + Math.round(gap) + ' px');
					}
					return out;
				})()`)
				if len(gaps) > 0 {
					t.Errorf("blank gaps above the table: %q", gaps)
				}

				// Scrolled sideways to the end, name, status and email stay in
				// view, on top, and opaque.
				b.Do(t, "scroll the table sideways", chromedp.Evaluate[chromedp.Void](`(function () {
					var s = document.querySelector('[data-testid="table-scroll"]');
					s.scrollIntoView({block: 'start', behavior: 'instant'});
					s.scrollLeft = s.scrollWidth;
				})()`))
				if left := apptest.Eval[float64](t, b, `document.querySelector('[data-testid="table-scroll"]').scrollLeft`); left < 50 {
					t.Fatalf("the table scrolled %.0f px sideways; the test needs it wider than the screen", left)
				}
				hidden := apptest.Eval[[]string](t, b, `(function () {
					var s = document.querySelector('[data-testid="table-scroll"]'), box = s.getBoundingClientRect(), out = [];
					document.querySelectorAll('[data-testid="participant"]').forEach(function (row) {
						['name', 'status', 'email', 'email-inline'].forEach(function (id) {
							var e = row.querySelector('[data-testid="' + id + '"]');
							if (!e || e.getClientRects().length === 0) return;
							var r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
							var hit = document.elementFromPoint(x, y);
							var cell = e.closest('td, th'), bg = getComputedStyle(cell).backgroundColor;
							if (r.left < box.left - 1 || r.right > box.right + 1) out.push(id + ' of ' + row.dataset.registration + ' is out of view: ' + JSON.stringify(r));
							else if (!hit || !(e.contains(hit) || hit.contains(e))) out.push(id + ' of ' + row.dataset.registration + ' is covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'));
							if (/rgba\(.*, 0\)$/.test(bg) || bg === 'transparent') out.push(id + ' cell has no background: ' + bg);
						});
					});
					return out;
				})()`)
				if len(hidden) > 0 {
					t.Errorf("after scrolling sideways:\n%s", strings.Join(hidden, "\n"))
				}
				if n := apptest.Eval[int](t, b, `Array.from(document.querySelectorAll('[data-testid="participant"]')).filter(function (r) { return r.querySelector('[data-testid="email"], [data-testid="email-inline"]') && Array.from(r.querySelectorAll('[data-testid="email"], [data-testid="email-inline"]')).some(function (e) { return e.getClientRects().length > 0 }) }).length`); n != 2 {
					t.Errorf("%d rows show an email, want 2", n)
				}
				b.Screenshot(t, "participants-"+name+"-scrolled")

				// The waiting list is one tick away; the totals follow.
				b.Do(t, "tick the waiting list", chromedp.Click(css(`[data-testid="filter-waitinglist"]`)))
				b.WaitTrue(t, "the waiting list to join the list", `document.querySelectorAll('[data-testid="participant"]').length === 3`)
				waiting := i18n.In(lang, "organisers.status.waitinglist")
				if label := apptest.Eval[string](t, b, `document.querySelector('[data-testid="totals-label"]').textContent`); label != i18n.In(lang, "organisers.participants.totals_of", confirmed+" + "+waiting) {
					t.Errorf("totals labelled %q with the waiting list", label)
				}
				if loc := apptest.Eval[string](t, b, `location.search`); loc != "?status=confirmed&status=waitinglist" {
					t.Errorf("address %q", loc)
				}
				if csv := apptest.Eval[string](t, b, `document.querySelector('[data-testid="csv"]').getAttribute('href')`); !strings.HasSuffix(csv, "participants.csv?status=confirmed&status=waitinglist") {
					t.Errorf("CSV link %q does not follow the filter", csv)
				}

				// Choose columns: untick two, save, and exactly the ticked ones
				// show, also after a reload.
				b.Do(t, "choose columns",
					chromedp.Click(css(`[data-testid="columns-summary"]`)),
					chromedp.WaitVisible(css(`[data-testid="columns-form"]`)),
				)
				b.Screenshot(t, "participants-"+name+"-columns")
				// "Untick all" and "Tick all" change the ticks, nothing else:
				// only the save button saves.
				b.Do(t, "untick all", chromedp.Click(css(`[data-testid="columns-form"] button[data-tick="none"]`)))
				if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="column-choice"]:checked').length`); n != 0 {
					t.Errorf("%d boxes ticked after unticking all", n)
				}
				if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="col"]').length`); n != 10 {
					t.Errorf("unticking all changed the table to %d columns before saving", n)
				}
				if n := count(t, app, `SELECT count(*) FROM organiser_columns WHERE user_id = $1`, user.ID); n != 0 {
					t.Errorf("unticking all saved %d choices", n)
				}
				b.Do(t, "tick all", chromedp.Click(css(`[data-testid="columns-form"] button[data-tick="all"]`)))
				if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="column-choice"]:not(:checked)').length`); n != 0 {
					t.Errorf("%d boxes unticked after ticking all", n)
				}
				b.Do(t, "untick two columns and save",
					chromedp.Click(css(`[data-testid="column-choice"][value="diet"]`)),
					chromedp.Click(css(`[data-testid="column-choice"][value="title"]`)),
					chromedp.Click(css(`[data-testid="columns-save"]`)),
				)
				b.WaitTrue(t, "the saved columns", `document.querySelectorAll('[data-testid="col"]').length === 8 && document.querySelector('[data-testid="toast"]')`)
				wantCols := []string{"Gäste", "Anreise mit", "Arbeitsgruppe", "Betreuung", "Fotos erlaubt", "Urkunde gewünscht", "T-Shirt-Größe", "Anmerkung"}
				check := func(when string) {
					t.Helper()
					if cols := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-testid="col"]')).map(function (c) { return c.textContent })`); !slices.Equal(cols, wantCols) {
						t.Errorf("%s: columns %q, want %q", when, cols, wantCols)
					}
					if ticked := apptest.Eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-testid="column-choice"]:checked')).map(function (c) { return c.labels[0].textContent })`); !slices.Equal(ticked, wantCols) {
						t.Errorf("%s: ticked %q, want %q", when, ticked, wantCols)
					}
					if loc := apptest.Eval[string](t, b, `location.search`); loc != "?status=confirmed&status=waitinglist" {
						t.Errorf("%s: the filter is lost: %q", when, loc)
					}
				}
				check("after saving")
				b.Do(t, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`[data-testid="participants-table"]`)))
				check("after a reload")
				var hiddenKeys []string
				if err := app.Pool.QueryRow(context.Background(), `SELECT hidden FROM organiser_columns WHERE user_id = $1 AND event_id = $2`, user.ID, ev.ID).Scan(&hiddenKeys); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(hiddenKeys, []string{"diet", "title"}) {
					t.Errorf("stored hidden columns %q", hiddenKeys)
				}
				b.FitsWidth(t)
				b.NoConsoleErrors(t)
			})
		}
	}
}
