package admin_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a phone: a persons' admin adds a membership type through the form,
// and learns on the delete page why a type in use cannot go.
func TestBrowserMembershipTypesOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	key := unique("foerder")
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "person_admin")

	b.Do(t, "open the types", chromedp.Navigate(app.URL+"/admin/membership-types"), chromedp.WaitVisible(css(`[data-testid="list"]`)))
	b.FitsWidth(t)
	b.Do(t, "open the new type's form", chromedp.Navigate(app.URL+"/admin/membership-types/new"), chromedp.WaitVisible(css(`#af-key`)))
	b.Do(t, "fill and save it",
		chromedp.SendKeys(css(`#af-key`), key),
		chromedp.SendKeys(css(`#af-name_de`), "Fördermitglied"),
		chromedp.SendKeys(css(`#af-name_en`), "supporting member"),
		chromedp.SendKeys(css(`#af-description_de`), "Unterstützt den Verein mit einem Beitrag."),
		chromedp.SendKeys(css(`#af-description_en`), "Supports the association with a fee."),
		chromedp.Click(css(`[data-testid="save"]`)),
		chromedp.WaitVisible(css(`[data-testid="detail-membership-types"]`)),
	)
	b.FitsWidth(t)
	got := scalar[string](t, app, `SELECT concat_ws('|', name_de, name_en, public, hidden) FROM membership_types WHERE key = $1`, key)
	if got != "Fördermitglied|supporting member|t|f" {
		t.Fatalf("stored %q", got)
	}

	id := scalar[int64](t, app, `SELECT id FROM membership_types WHERE key = 'ordentlich'`)
	newPerson(t, app, "Typ Person", unique("typ")+"@example.org")
	exec(t, app, `UPDATE persons SET membership_type = 'ordentlich' WHERE email LIKE 'typ%@example.org'`)
	b.Do(t, "try to delete a type in use",
		chromedp.Navigate(app.URL+fmt.Sprintf("/admin/membership-types/%d/delete", id)),
		chromedp.WaitVisible(css(`[data-testid="blocked"]`)),
	)
	if n := apptest.Eval[int](t, b, `document.querySelectorAll('[data-testid="confirm"]').length`); n != 0 {
		t.Error("the delete page of a type in use offers to delete it")
	}
	b.FitsWidth(t)
	b.NoConsoleErrors(t)

	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			w := apptest.NewBrowser(t, size[0], size[1])
			w.Login(t, app, "person_admin")
			if _, err := chromedp.Call(w.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			for name, page := range map[string]string{
				"list":    "/admin/membership-types",
				"detail":  fmt.Sprintf("/admin/membership-types/%d", id),
				"blocked": fmt.Sprintf("/admin/membership-types/%d/delete", id),
			} {
				w.Do(t, "open the "+name+" in "+lang, chromedp.Navigate(app.URL+page), chromedp.WaitVisible(css(`main h1`)))
				w.FitsWidth(t)
				w.Screenshot(t, fmt.Sprintf("membership-types-%s-%s-%dx%d", name, lang, size[0], size[1]))
			}
			w.NoConsoleErrors(t)
		}
	}
}

// The event form's allowed-addresses fields, in both languages and sizes.
func TestBrowserEventAllowedAddressesFields(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Adressen "+unique("ev"), nil)
	exec(t, app, `UPDATE events SET allowed_addresses = '@tu-dortmund\.de$', allowed_addresses_message_de = 'Nur TU-Adressen.',
		allowed_addresses_message_en = 'TU addresses only.' WHERE id = $1`, ev)
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			w := apptest.NewBrowser(t, size[0], size[1])
			w.Login(t, app, "event_admin")
			if _, err := chromedp.Call(w.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			w.Do(t, "open the event in "+lang, chromedp.Navigate(app.URL+fmt.Sprintf("/admin/events/%d", ev)),
				chromedp.WaitVisible(css(`#af-allowed_addresses`)),
				chromedp.ScrollIntoView(css(`#af-allowed_addresses`)))
			w.FitsWidth(t)
			w.Screenshot(t, fmt.Sprintf("event-allowed-%s-%dx%d", lang, size[0], size[1]))
			w.NoConsoleErrors(t)
		}
	}
}
