package texts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Until their texts are written, the legal pages show the association's
// name, postal address and contact address, with their titles in the
// visitor's language; the admin index warns.
func TestLegalPagesFallBackToTheAddress(t *testing.T) {
	app := apptest.Start(t, apptest.Env("ORG_ADDRESS", `Musterstraße 1\n12345 Musterstadt`))
	for _, tt := range []struct{ path, lang, title string }{
		{"/impressum", "de", "<h1 class=\"h3\">Impressum</h1>"},
		{"/impressum", "en", "<h1 class=\"h3\">Legal notice</h1>"},
		{"/datenschutz", "de", "<h1 class=\"h3\">Datenschutzerklärung</h1>"},
		{"/datenschutz", "en", "<h1 class=\"h3\">Privacy policy</h1>"},
	} {
		resp := app.Get(t, app.Client(), tt.path, "Accept-Language", tt.lang)
		wantStatus(t, tt.path, resp, http.StatusOK)
		for _, want := range []string{tt.title, `data-testid="legal-fallback"`, html(app.Config.OrgName), "Musterstraße 1 <br>12345 Musterstadt",
			"mailto:" + app.Config.OrgEmail} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("%s (%s) does not show %q", tt.path, tt.lang, want)
			}
		}
	}
	// Every page's footer links both.
	home := app.Get(t, app.Client(), "/")
	if !strings.Contains(home.Body, `href="/impressum"`) || !strings.Contains(home.Body, `href="/datenschutz"`) {
		t.Error("the footer does not link the legal pages")
	}
	// Those who may write the pages are warned, with the editor's link;
	// a treasurer or the board, who could not act on it, are not.
	writer, _ := app.ClientWith(t, "texts_admin")
	index := app.Get(t, writer, "/admin/")
	if !strings.Contains(index.Body, `data-testid="legal-warning"`) || !strings.Contains(index.Body, `data-testid="legal-edit"`) {
		t.Error("the admin index does not warn the texts' admin of the missing legal pages, with the editor's link")
	}
	for _, level := range []string{"fee_admin", "person_admin"} {
		c, _ := app.ClientWith(t, level)
		index := app.Get(t, c, "/admin/")
		wantStatus(t, level+"'s index", index, http.StatusOK)
		if !strings.Contains(index.Body, `data-testid="table-`) {
			t.Errorf("%s's index lists no table", level)
		}
		if strings.Contains(index.Body, `data-testid="legal-warning"`) || strings.Contains(index.Body, `data-testid="legal-edit"`) {
			t.Errorf("the admin index warns %s of the legal pages, which they may not write", level)
		}
	}
}

// Written legal pages show their sanitised text in each language, and the
// warning goes once both pages have both languages.
func TestLegalPagesShowTheirTexts(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	savePage(t, app, c, "impressum", "de", `<p>Vertreten durch den Vorstand.</p><script>alert(1)</script>`)
	savePage(t, app, c, "impressum", "en", `<p>Represented by the board.</p>`)
	savePage(t, app, c, "datenschutz", "de", `<p>Wir speichern wenig. $E=mc^2$</p>`)
	index := app.Get(t, c, "/admin/")
	if !strings.Contains(index.Body, `data-testid="legal-warning"`) || !strings.Contains(index.Body, `data-testid="legal-edit"`) {
		t.Error("with the English privacy policy missing the index does not warn, with a link to the editor")
	}
	savePage(t, app, c, "datenschutz", "en", `<p>We keep little.</p>`)
	for _, tt := range []struct{ path, lang, want string }{
		{"/impressum", "de", "<p>Vertreten durch den Vorstand.</p>"},
		{"/impressum", "en", "<p>Represented by the board.</p>"},
		{"/datenschutz", "de", "<p>Wir speichern wenig. $E=mc^2$</p>"},
		{"/datenschutz", "en", "<p>We keep little.</p>"},
	} {
		resp := app.Get(t, app.Client(), tt.path, "Accept-Language", tt.lang)
		wantStatus(t, tt.path, resp, http.StatusOK)
		if !strings.Contains(resp.Body, tt.want) || strings.Contains(resp.Body, "alert(1)") || strings.Contains(resp.Body, `data-testid="legal-fallback"`) {
			t.Errorf("%s (%s) does not show only its sanitised text", tt.path, tt.lang)
		}
	}
	if index := app.Get(t, c, "/admin/"); strings.Contains(index.Body, `data-testid="legal-warning"`) {
		t.Error("the admin index still warns with both pages written")
	}
}

// The home page, the membership form and the footer show the association's
// own texts in the visitor's language, the defaults elsewhere.
func TestPageTextsReplaceTheDefaults(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	editor := app.Get(t, c, "/admin/texts/pages/home/de")
	if !strings.Contains(editor.Body, html("Willkommen")) && !strings.Contains(editor.Body, "&lt;p&gt;") {
		t.Errorf("the home editor does not start from today's text")
	}
	savePage(t, app, c, "home", "de", `<p class="text-success">Hallo bei Verein B!</p>`)
	savePage(t, app, c, "apply", "en", `<p>Join <strong>Verein B</strong>.</p>`)
	savePage(t, app, c, "footer", "de", `<p>Gemeinnützig seit 1999.</p>`)
	for _, tt := range []struct {
		path, lang    string
		want, notWant string
	}{
		{"/", "de", `<p class="text-success">Hallo bei Verein B!</p>`, `data-testid="motto"`},
		{"/", "en", `data-testid="motto"`, "Hallo bei Verein B!"},
		{"/register/", "en", `<p>Join <strong>Verein B</strong>.</p>`, ""},
		{"/register/", "de", `name="membership_type"`, "Join"},
		{"/events/", "de", `<p>Gemeinnützig seit 1999.</p>`, ""},
		{"/events/", "en", `href="/datenschutz"`, "Gemeinnützig"},
	} {
		resp := app.Get(t, app.Client(), tt.path, "Accept-Language", tt.lang)
		wantStatus(t, tt.path, resp, http.StatusOK)
		if !strings.Contains(resp.Body, tt.want) || (tt.notWant != "" && strings.Contains(resp.Body, tt.notWant)) {
			t.Errorf("%s (%s): want %q without %q", tt.path, tt.lang, tt.want, tt.notWant)
		}
	}
}

// A page text that is empty, or nothing but what the sanitiser removes,
// is refused with 422; nothing is saved.
func TestPageEditorRefusesEmptyTexts(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	for _, body := range []string{"", "  \n", "<script>alert(1)</script>", strings.Repeat("x", 100001)} {
		resp := app.PostForm(t, c, "/admin/texts/pages/impressum/de", url.Values{"body": {body}})
		wantStatus(t, "saving", resp, http.StatusUnprocessableEntity)
		if !strings.Contains(resp.Body, `data-testid="text-error"`) {
			t.Error("the answer gives no reason")
		}
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM page_texts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d page texts saved (%v)", n, err)
	}
	wantStatus(t, "an unknown page", app.Get(t, c, "/admin/texts/pages/agb/de"), http.StatusNotFound)
	wantStatus(t, "an unknown language", app.Get(t, c, "/admin/texts/pages/impressum/fr"), http.StatusNotFound)
	wantStatus(t, "an unknown mail", app.Get(t, c, "/admin/texts/mail/members/nothing/de"), http.StatusNotFound)
}

// The privacy page's editor offers the record of processing as a draft,
// in the page's language; opening it saves nothing.
func TestPrivacyDraftFromTheRecordOfProcessing(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	editor := app.Get(t, c, "/admin/texts/pages/datenschutz/en")
	if !strings.Contains(editor.Body, `data-testid="privacy-draft"`) {
		t.Fatal("the privacy editor offers no draft")
	}
	for _, tt := range []struct{ lang, want string }{{"de", "Verantwortlich"}, {"en", "Controller"}} {
		draft := app.Get(t, c, "/admin/texts/pages/datenschutz/"+tt.lang+"?draft=1")
		wantStatus(t, "the draft", draft, http.StatusOK)
		if !strings.Contains(draft.Body, `data-testid="drafted"`) || !strings.Contains(draft.Body, html("<h2>"+tt.want+"</h2>")) ||
			!strings.Contains(draft.Body, html(app.Config.OrgEmail)) {
			t.Errorf("the %s draft lacks its heading %q or the contact address", tt.lang, tt.want)
		}
	}
	var n int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM page_texts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("opening the draft saved %d texts (%v)", n, err)
	}
	if strings.Contains(app.Get(t, c, "/admin/texts/pages/impressum/de").Body, `data-testid="privacy-draft"`) {
		t.Error("the Impressum offers the privacy draft")
	}
}

// Another association's home page has no PeP motto, and its Impressum
// written in German only is what English readers get too, not the
// placeholder.
func TestAnotherAssociationsDefaultsSayNothingOfPeP(t *testing.T) {
	app := apptest.Start(t, apptest.Env("ORG_NAME", "Chor Harmonie e.V."))
	c, _ := app.ClientWith(t, "texts_admin")
	for _, lang := range []string{"de", "en"} {
		if home := app.Get(t, app.Client(), "/", "Accept-Language", lang); strings.Contains(home.Body, `data-testid="motto"`) {
			t.Errorf("the %s home page of another association shows PeP's motto", lang)
		}
	}
	if editor := app.Get(t, c, "/admin/texts/pages/home/de"); strings.Contains(editor.Body, "Physik verbindet") {
		t.Error("the home text's editor starts from PeP's motto")
	}
	savePage(t, app, c, "impressum", "de", "<p>Chor Harmonie e.V., Notenweg 1</p>")
	en := app.Get(t, app.Client(), "/impressum", "Accept-Language", "en")
	if !strings.Contains(en.Body, "Notenweg 1") || strings.Contains(en.Body, `data-testid="legal-fallback"`) {
		t.Error("the English Impressum shows the placeholder although the German one is written")
	}
}

// An association that keeps no university relations and collects no fees
// by direct debit gets a privacy draft that mentions neither; once it
// does, the draft names them.
func TestPrivacyDraftNamesOnlyWhatIsProcessed(t *testing.T) {
	app := apptest.Start(t, apptest.FreshDatabase(t, "privacydraft"))
	c, _ := app.ClientWith(t, "texts_admin")
	exec := func(sql string) {
		t.Helper()
		if _, err := app.Pool.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE persons SET tu_status_id = NULL`)
	exec(`DELETE FROM tu_status`)
	draft := app.Get(t, c, "/admin/texts/pages/datenschutz/de?draft=1")
	wantStatus(t, "the draft", draft, http.StatusOK)
	for _, absent := range []string{"SEPA", "Bezug zur Universität", "Mitgliedsbeiträge"} {
		if strings.Contains(draft.Body, absent) {
			t.Errorf("the draft of an association without them mentions %q", absent)
		}
	}
	if !strings.Contains(draft.Body, "Anmeldungen zu Veranstaltungen") {
		t.Error("the draft lost what every association processes")
	}

	// A relation made as the persons' admins make one (the admin pages
	// remember for seconds whether there are any; creating one forgets).
	admin, _ := app.ClientWith(t, "person_admin")
	wantStatus(t, "a new relation", app.PostForm(t, admin, "/admin/tu_status/new", url.Values{"name": {"Studierende"}, "position": {"1"}}),
		http.StatusSeeOther)
	exec(`INSERT INTO persons (name, email) VALUES ('Frieda Beitrag', 'frieda.beitrag@example.org')`)
	exec(`INSERT INTO fees (person_id, year, cents) SELECT id, 2040, 1000 FROM persons WHERE email = 'frieda.beitrag@example.org'`)
	draft = app.Get(t, c, "/admin/texts/pages/datenschutz/en?draft=1")
	for _, present := range []string{"SEPA", "Relation to the university", "Membership fees"} {
		if !strings.Contains(draft.Body, present) {
			t.Errorf("the draft of an association with them lacks %q", present)
		}
	}
}

// A page text's preview looks as the page shows it: the home page's as
// its lead, the footer's small and grey, the others plain.
func TestPagePreviewLooksLikeThePage(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "texts_admin")
	for page, want := range map[string]string{
		"home":      `class="text-break math lead"`,
		"footer":    `class="text-break math small text-body-secondary"`,
		"impressum": `class="text-break math"`,
	} {
		resp := app.PostForm(t, c, "/admin/texts/pages/"+page+"/de/preview", url.Values{"body": {"<p>Vorschau</p>"}})
		wantStatus(t, page+"'s preview", resp, http.StatusOK)
		if !strings.Contains(resp.Body, want+` data-testid="page-preview-text"`) {
			_, after, _ := strings.Cut(resp.Body, `data-testid="page-preview"`)
			t.Errorf("%s's preview is not styled as its page (%s): %.300s", page, want, after)
		}
	}
}
