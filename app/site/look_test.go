package site_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
)

var logoImg = regexp.MustCompile(`<img class="site-logo" src="(/site/logo/[0-9a-f]{16}\.(svg|png|jpg))"`)

// logoOf returns the logo's address in the navigation of path, "" for
// none.
func logoOf(t *testing.T, app *apptest.App, path string) string {
	t.Helper()
	resp := app.Get(t, app.Client(), path)
	if m := logoImg.FindStringSubmatch(resp.Body); m != nil {
		return m[1]
	}
	return ""
}

// An uploaded SVG is cleaned, shown in every page's navigation, served
// with headers that keep it inert, and reaches another instance on the
// same database at once; a new logo gets a new address, and removing it
// asks first.
func TestLogoUploadShowRemove(t *testing.T) {
	app := apptest.Start(t)
	other := apptest.Start(t)
	resetSettings(t, app)
	admin, _ := app.ClientWith(t, "texts_admin")

	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><circle cx="5" cy="5" r="4" fill="#1d4f91"/></svg>`
	if resp := postLogo(t, app, admin, "logo.svg", []byte(svg)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload = %d, want 303\n%s", resp.StatusCode, resp.Body)
	}
	path := logoOf(t, app, "/")
	if path == "" || !strings.HasSuffix(path, ".svg") {
		t.Fatalf("the home page's navigation shows no SVG logo")
	}
	if app.Server.SiteSettings.MailOrg().Logo != nil {
		t.Error("mails would carry an SVG logo, which mail readers do not show")
	}
	for _, p := range []string{"/events/", "/login/", "/register/"} {
		if got := logoOf(t, app, p); got != path {
			t.Errorf("%s shows logo %q, want %q", p, got, path)
		}
	}
	apptest.Eventually(t, 5*time.Second, "the other instance shows the logo", func() bool { return logoOf(t, other, "/") == path })

	resp := app.Get(t, app.Client(), path)
	h := resp.Header
	if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "image/svg+xml" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("logo answer %d with headers %v", resp.StatusCode, h)
	}
	if strings.Contains(resp.Body, "alert") || !strings.Contains(resp.Body, "<circle") {
		t.Errorf("served logo: %s", resp.Body)
	}

	png := encodePNG(t, testImage(64, 32))
	if resp := postLogo(t, app, admin, "logo.png", png); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("PNG upload = %d", resp.StatusCode)
	}
	if org := app.Server.SiteSettings.MailOrg(); org.LogoType != "image/png" || len(org.Logo) == 0 {
		t.Errorf("mails get no PNG logo (%q)", org.LogoType)
	}
	newPath := logoOf(t, app, "/")
	if newPath == path || !strings.HasSuffix(newPath, ".png") {
		t.Fatalf("after a PNG the logo is at %q (was %q)", newPath, path)
	}
	if resp := app.Get(t, app.Client(), path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the old logo's address = %d, want 404", resp.StatusCode)
	}
	if resp := app.Get(t, app.Client(), newPath); resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("PNG served as %q", resp.Header.Get("Content-Type"))
	}

	confirm := app.Get(t, admin, "/admin/site/logo/delete")
	if confirm.StatusCode != http.StatusOK || !strings.Contains(confirm.Body, `data-testid="logo-delete-confirm"`) || logoOf(t, app, "/") == "" {
		t.Fatalf("asking before removing: %d, or the logo went already", confirm.StatusCode)
	}
	if resp := app.PostForm(t, admin, "/admin/site/logo/delete", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove = %d", resp.StatusCode)
	}
	if got := logoOf(t, app, "/"); got != "" {
		t.Errorf("after removing, the navigation still shows %s", got)
	}
	apptest.Eventually(t, 5*time.Second, "the other instance drops the logo", func() bool { return logoOf(t, other, "/") == "" })
	if resp := app.Get(t, app.Client(), newPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the removed logo's address = %d, want 404", resp.StatusCode)
	}
}

// What cannot be a logo is refused with a message in the user's language
// and changes nothing.
func TestLogoRefused(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	admin, _ := app.ClientWith(t, "texts_admin")
	before := settingsRow(t, app)
	big := append(encodePNG(t, testImage(8, 8)), make([]byte, 2<<20)...)
	for _, tc := range []struct {
		name     string
		data     []byte
		lang     string
		wantText string
	}{
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), "de", "kein Logo"},
		{"gif.en", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), "en", "no logo memberdb can show"},
		{"entities", []byte(`<!DOCTYPE x [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`), "de", "ohne DOCTYPE"},
		{"too big", big, "de", "zu groß"},
		{"too big.en", big, "en", "too large"},
		{"empty", nil, "de", "Datei auswählen"},
		{"nul and invalid utf-8", []byte("<svg\x00\xff>"), "en", "no logo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := postLogo(t, app, admin, "x", tc.data, "Accept-Language", tc.lang)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, tc.wantText) {
				t.Errorf("= %d, want 422 with %q", resp.StatusCode, tc.wantText)
			}
		})
	}
	if after := settingsRow(t, app); after != before {
		t.Errorf("refused uploads changed the settings")
	}
}

// The accent colour reaches every page as a custom property; colours too
// light for white text are refused; an empty one brings back the default.
func TestAccentColour(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	admin, _ := app.ClientWith(t, "texts_admin")
	for _, bad := range []string{"#ffff00", "yellow", "#1d4f91;}*{display:none", strings.Repeat("#", 5000)} {
		resp := app.PostForm(t, admin, "/admin/site/accent", url.Values{"accent": {bad}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="accent-error"`) {
			t.Errorf("accent %.20q = %d, want 422 with a message", bad, resp.StatusCode)
		}
	}
	if strings.Contains(app.Get(t, app.Client(), "/").Body, "--accent:") {
		t.Fatal("a refused colour reached the pages")
	}
	if resp := app.PostForm(t, admin, "/admin/site/accent", url.Values{"accent": {"#1D4F91"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accent = %d", resp.StatusCode)
	}
	for _, p := range []string{"/", "/events/", "/login/", "/admin/site"} {
		c := app.Client()
		if p == "/admin/site" {
			c = admin
		}
		if body := app.Get(t, c, p).Body; !strings.Contains(body, "--accent:#1d4f91;") {
			t.Errorf("%s carries no accent colour", p)
		}
	}
	// The default's button, as a browser sends it: with the colour typed;
	// the message says the default is back.
	if resp := app.PostForm(t, admin, "/admin/site/accent", url.Values{"accent": {"#1d4f91"}, "reset": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	if page := app.Get(t, admin, "/admin/site"); !strings.Contains(page.Body, "Die Standardfarbe gilt wieder.") {
		t.Error("after the reset the page does not say the default is back")
	}
	if strings.Contains(app.Get(t, app.Client(), "/").Body, "--accent:") {
		t.Error("the default's button did not bring the default colour back")
	}
	app.PostForm(t, admin, "/admin/site/accent", url.Values{"accent": {"#1D4F91"}})
	if resp := app.PostForm(t, admin, "/admin/site/accent", url.Values{"accent": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("emptied = %d", resp.StatusCode)
	}
	if strings.Contains(app.Get(t, app.Client(), "/").Body, "--accent:") {
		t.Error("an emptied colour did not bring the default back")
	}
}

// The association's name and contact address from the settings replace
// the configuration's on every page and in the mail seam; without them
// the configuration's stand.
func TestOrgFromSettings(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	home := app.Get(t, app.Client(), "/").Body
	if !strings.Contains(home, app.Config.OrgName) {
		t.Fatalf("without settings the home page does not name %q", app.Config.OrgName)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE site_settings SET org_name = 'Verein B', contact_address = 'kontakt@verein-b.example'`); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 5*time.Second, "the pages name Verein B", func() bool {
		body := app.Get(t, app.Client(), "/").Body
		return strings.Contains(body, "Verein B") && strings.Contains(body, "mailto:kontakt@verein-b.example") &&
			!strings.Contains(body, app.Config.OrgName) && !strings.Contains(body, app.Config.OrgEmail)
	})
	org := app.Server.SiteSettings.MailOrg()
	if org.Name != "Verein B" || org.Email != "kontakt@verein-b.example" || org.Signature != "Verein B" {
		t.Errorf("mail org %+v", org)
	}
}

// The name and contact address can be changed on the look page; a bad
// address is refused and changes nothing; empty fields bring back the
// configuration's.
func TestOrgOnLookPage(t *testing.T) {
	app := apptest.Start(t)
	resetSettings(t, app)
	admin, _ := app.ClientWith(t, "texts_admin")
	before := settingsRow(t, app)
	for _, bad := range []url.Values{
		{"org_name": {"Verein C"}, "contact_address": {"kein-at"}},
		{"org_name": {strings.Repeat("V", 201)}, "contact_address": {""}},
		{"org_name": {"Evil\r\nBcc: x@example.org"}, "contact_address": {""}},
		{"org_name": {"Verein C"}, "website": {"javascript:alert(1)"}},
		{"org_name": {"Verein C"}, "website": {"verein-c.example"}},
		{"org_name": {"Verein C"}, "website": {"HTTPS://verein-c.example"}},
		{"org_name": {"Verein C"}, "website": {"https://verein-c.example/\u00a0x"}},
		{"org_name": {"Verein C"}, "website": {"https://verein-c.example/\"><script>"}},
	} {
		if resp := app.PostForm(t, admin, "/admin/site/org", bad); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v = %d, want 422", bad, resp.StatusCode)
		}
	}
	if settingsRow(t, app) != before {
		t.Fatal("refused forms changed the settings")
	}
	if resp := app.PostForm(t, admin, "/admin/site/org", url.Values{"org_name": {" Verein C "}, "contact_address": {"c@verein-c.example"},
		"website": {"https://verein-c.example"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	if body := app.Get(t, app.Client(), "/events/").Body; !strings.Contains(body, "Verein C") || !strings.Contains(body, "c@verein-c.example") ||
		!strings.Contains(body, `href="https://verein-c.example"`) || strings.Contains(body, app.Config.OrgWebsite) {
		t.Error("the pages do not show the new name, address and website")
	}
	if org := app.Server.SiteSettings.MailOrg(); org.Website != "https://verein-c.example" {
		t.Errorf("mails sign with the website %q", org.Website)
	}
	if resp := app.PostForm(t, admin, "/admin/site/org", url.Values{"org_name": {""}, "contact_address": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear = %d", resp.StatusCode)
	}
	if body := app.Get(t, app.Client(), "/events/").Body; !strings.Contains(body, app.Config.OrgName) || strings.Contains(body, "Verein C") {
		t.Error("empty fields did not bring back the configuration's name")
	}
}

// Without MAIL_SENDER, mails go from the association as set in the
// browser: another association's went out under PeP's name and address.
func TestMailsGoFromTheAssociation(t *testing.T) {
	app := apptest.Start(t, apptest.Env("MAIL_SENDER", ""))
	resetSettings(t, app)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE site_settings SET org_name = 'Verein B', contact_address = 'kontakt@verein-b.example'`); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 5*time.Second, "the settings are read", func() bool {
		from, err := app.Server.SiteSettings.MailSender(t.Context())
		return err == nil && strings.Contains(from, "kontakt@verein-b.example")
	})
	to := "mitglied.b@example.org"
	if err := pgx.BeginFunc(t.Context(), app.Pool, func(tx pgx.Tx) error {
		_, err := mail.Enqueue(t.Context(), tx, mail.Message{Kind: "test", To: []string{to}, Subject: "Hallo", Text: "Hallo"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m := app.SMTP.WaitTo(t, to, 1, 10*time.Second)[0]
	if from := m.Header.Get("From"); !strings.Contains(from, "Verein B") || !strings.Contains(from, "<kontakt@verein-b.example>") {
		t.Errorf("From: %q", from)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@verein-b.example>") {
		t.Errorf("Message-ID %q", id)
	}
}

// The website set in the browser may read the event JSON while
// CORS_ORIGINS is not set: another association's site could not show its
// free places, PeP's could.
func TestWebsiteFromSettingsReadsTheEventJSON(t *testing.T) {
	app := apptest.Start(t, apptest.Env("ORG_WEBSITE", "https://pep.example"))
	resetSettings(t, app)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE site_settings SET website = 'https://verein-b.example/verein/'`); err != nil {
		t.Fatal(err)
	}
	allowed := func(origin string) string {
		return app.Get(t, app.Client(), "/events/999999/", "Accept", "application/json", "Origin", origin).Header.Get("Access-Control-Allow-Origin")
	}
	apptest.Eventually(t, 5*time.Second, "the website may read", func() bool { return allowed("https://verein-b.example") == "https://verein-b.example" })
	for _, other := range []string{"https://evil.example", "https://pep.example"} {
		if got := allowed(other); got != "" {
			t.Errorf("%s may read: %q", other, got)
		}
	}
}
