package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The postal address is set in the browser like the name: the legal
// pages show it until their texts are written, the privacy draft and the
// record of processing name it, and emptied, the configuration's stands
// again. Before, only
// ORG_ADDRESS could set it.
func TestPostalAddressFromSettings(t *testing.T) {
	app := apptest.Start(t, apptest.Env("ORG_ADDRESS", `Otto-Hahn-Str. 4\n44227 Dortmund`))
	resetSettings(t, app)
	admin, _ := app.ClientWith(t, "texts_admin")
	before := settingsRow(t, app)
	for _, bad := range []url.Values{
		{"postal_address": {strings.Repeat("Straße 1\n", 60)}},
		{"postal_address": {"a\nb\nc\nd\ne\nf\ng"}},
		// Seven lines however they are broken.
		{"postal_address": {"a\rb\rc\rd\re\rf\rg"}},
		{"postal_address": {"a\u2028b\u2028c\u2028d\u2029e\u2029f\u2029g"}},
	} {
		resp := app.PostForm(t, admin, "/admin/site/org", bad)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="postal_address-error"`) {
			t.Errorf("%q = %d without its message, want 422 with it", bad.Get("postal_address"), resp.StatusCode)
		}
	}
	if settingsRow(t, app) != before {
		t.Fatal("refused forms changed the settings")
	}
	legal := func() string {
		t.Helper()
		return app.Get(t, app.Client(), "/impressum").Body
	}
	if body := legal(); !strings.Contains(body, "Otto-Hahn-Str. 4") {
		t.Fatal("the legal page lacks the configured address")
	}

	resp := app.PostForm(t, admin, "/admin/site/org", url.Values{"postal_address": {" Chor Harmonie e.V. \r\n\r\n Chorstraße 7\r\n54321 Tonhausen "}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	var stored string
	if err := app.Pool.QueryRow(t.Context(), `SELECT postal_address FROM site_settings`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "Chor Harmonie e.V.\nChorstraße 7\n54321 Tonhausen" {
		t.Errorf("stored %q, want its lines trimmed and blank ones left out", stored)
	}
	if body := legal(); !strings.Contains(body, "Chorstraße 7") || strings.Contains(body, "Otto-Hahn-Str. 4") {
		t.Error("the legal page does not show the address set in the browser")
	}
	privacy, _ := app.ClientWith(t, "texts_admin")
	if draft := app.Get(t, privacy, "/admin/texts/pages/datenschutz/de?draft=1").Body; !strings.Contains(draft, "Chorstraße 7") {
		t.Error("the privacy draft does not name the address set in the browser")
	}
	records, _ := app.ClientWith(t, "person_admin")
	if page := app.Get(t, records, "/admin/privacy").Body; !strings.Contains(page, "Chorstraße 7") {
		t.Error("the record of processing does not name the controller's postal address")
	}
	if page := app.Get(t, admin, "/admin/site").Body; !strings.Contains(page, "Chorstraße 7\n54321 Tonhausen</textarea>") {
		t.Error("the look page does not show the stored address")
	}
	var logged int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE table_name = 'site_settings' AND field = 'postal_address' AND new_value LIKE '%Tonhausen%'`).Scan(&logged); err != nil || logged != 1 {
		t.Errorf("the change was logged %d times (%v), want once", logged, err)
	}

	if resp := app.PostForm(t, admin, "/admin/site/org", url.Values{"postal_address": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear = %d", resp.StatusCode)
	}
	if body := legal(); !strings.Contains(body, "Otto-Hahn-Str. 4") {
		t.Error("emptied, the configured address does not stand again")
	}
}
