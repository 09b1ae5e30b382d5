package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

// pepWords are what only PeP says; Verein B's members must meet none of
// them, on pages or in mails.
var pepWords = []string{"PeP", "pep-dortmund", "Dortmund", "Physik", "physics", "ordentlich"}

// vereinB is what the association types into its memberdb.
var vereinB = struct {
	types   [2][5]string // key, name de, name en, description de, description en
	welcome map[string][2]string
	pages   map[string]string // page/lang → text
}{
	types: [2][5]string{
		{"vollmitglied", "Vollmitglied", "full member", "Für alle, die im Chor singen.", "For everyone who sings in the choir."},
		{"foerdermitglied", "Fördermitglied", "supporting member", "Für alle, die den Chor unterstützen.", "For everyone who supports the choir."},
	},
	welcome: map[string][2]string{
		"de": {"Schön, dass du bei {{.Org.Name}} singst", "Liebe*r {{.Name}},\n\nder Vorstand von Verein B hat dich als {{.Type}} aufgenommen. Die Proben sind dienstags.\n\nDeine Daten: {{.EditLink}}\n"},
		"en": {"Glad you sing with {{.Org.Name}}", "Dear {{.Name}},\n\nthe board of Verein B took you in as {{.Type}}. Rehearsals are on Tuesdays.\n\nYour data: {{.EditLink}}\n"},
	},
	pages: map[string]string{
		"home/de":        "<p>Verein B singt seit 1999 im Bstädter Chor.</p>",
		"home/en":        "<p>Verein B has sung in the Bstadt choir since 1999.</p>",
		"apply/de":       "<p>Werde Mitglied bei Verein B.</p>",
		"apply/en":       "<p>Become a member of Verein B.</p>",
		"impressum/de":   "<p>Verein B e.V., Chorweg 1, 12345 Bstadt. Vertreten durch Berta Beispiel.</p>",
		"impressum/en":   "<p>Verein B e.V., Chorweg 1, 12345 Bstadt. Represented by Berta Beispiel.</p>",
		"datenschutz/de": "<p>Verein B speichert nur, was der Chor braucht.</p>",
		"datenschutz/en": "<p>Verein B keeps only what the choir needs.</p>",
	},
}

// A second association sets up memberdb from a fresh database entirely in
// the browser: its name and address, its two membership types, its
// welcome mail in both languages, its home and application texts, an
// Impressum, a privacy page and a logo. Its members then meet only Verein
// B's words, on the pages and in the mails.
func TestBrowserVereinB(t *testing.T) {
	// ORG_NAME and ORG_EMAIL are left to their defaults, PeP's: what the
	// setup page asks for must win over them. So is APPROVE_MAIL: the
	// board's mails go to the contact address set there, not to PeP.
	fr := startFirstRun(t, map[string]string{
		"MAIL_SENDER": "Verein B <noreply@verein-b.example>", "APPROVE_MAIL": "",
		"ORG_WEBSITE": "https://verein-b.example",
	})
	base, link, dbURL, smtp := fr.base, fr.link, fr.dbURL, fr.smtp

	b := apptest.NewBrowser(t, 360, 740)
	b.Language(t, base, "de")
	b.Do(t, "set up Verein B",
		chromedp.Navigate(link), chromedp.WaitVisible(`#org_name`),
		chromedp.SendKeys(`#org_name`, "Verein B"), chromedp.SendKeys(`#contact_address`, "vorstand@verein-b.example"),
		chromedp.SendKeys(`#name`, "Berta Beispiel"), chromedp.SendKeys(`#email`, "berta@verein-b.example"),
		chromedp.SendKeys(`#username`, "berta"), chromedp.SendKeys(`#password`, "ein langes Passwort"),
		chromedp.SendKeys(`#confirm`, "ein langes Passwort"), chromedp.Click(`[data-testid="setup-submit"]`),
		chromedp.WaitReady(`[data-testid="nav-user"]`))
	b.WaitTrue(t, "the admin index", `location.pathname === "/admin/"`)

	conn, err := pgx.Connect(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })

	// PeP's types go (nobody uses them yet); Verein B's come.
	for _, key := range []string{"ordentlich", "ausserordentlich"} {
		var id int64
		if err := conn.QueryRow(t.Context(), `SELECT id FROM membership_types WHERE key = $1`, key).Scan(&id); err != nil {
			t.Fatal(err)
		}
		b.Do(t, "delete PeP's type "+key, chromedp.Navigate(fmt.Sprintf("%s/admin/membership-types/%d/delete", base, id)),
			chromedp.Click(`[data-testid="confirm"]`), chromedp.WaitVisible(`[data-testid="list"]`))
	}
	for _, ty := range vereinB.types {
		b.Do(t, "add the type "+ty[0], chromedp.Navigate(base+"/admin/membership-types/new"), chromedp.WaitVisible(`#af-key`),
			chromedp.SendKeys(`#af-key`, ty[0]), chromedp.SendKeys(`#af-name_de`, ty[1]), chromedp.SendKeys(`#af-name_en`, ty[2]),
			chromedp.SendKeys(`#af-description_de`, ty[3]), chromedp.SendKeys(`#af-description_en`, ty[4]),
			chromedp.Click(`[data-testid="save"]`), chromedp.WaitVisible(`[data-testid="detail-membership-types"]`))
	}
	var keys string
	if err := conn.QueryRow(t.Context(), `SELECT string_agg(key, ',' ORDER BY key) FROM membership_types WHERE public AND NOT hidden`).Scan(&keys); err != nil || keys != "foerdermitglied,vollmitglied" {
		t.Fatalf("the types on the form are %q (%v)", keys, err)
	}
	// The university relations are PeP's; Verein B keeps none, so its
	// members are not asked for one.
	rows, err := conn.Query(t.Context(), `SELECT id FROM tu_status`)
	if err != nil {
		t.Fatal(err)
	}
	relations, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range relations {
		b.Do(t, "delete a university relation", chromedp.Navigate(fmt.Sprintf("%s/admin/tu_status/%d/delete", base, id)),
			chromedp.Click(`[data-testid="confirm"]`), chromedp.WaitVisible(`[data-testid="list"]`))
	}

	// The welcome mail in both languages; a misspelt placeholder is
	// refused first, with its line.
	for lang, text := range vereinB.welcome {
		editor := base + "/admin/texts/mail/members/welcome/" + lang
		b.Do(t, "misspell a placeholder of the welcome mail in "+lang, chromedp.Navigate(editor), chromedp.WaitVisible(`#body`),
			chromedp.SetValue(`#subject`, text[0]), chromedp.SetValue(`#body`, "Hallo {{.Nmae}},\n"+text[1]),
			chromedp.Click(`[data-testid="save"]`), chromedp.WaitVisible(`[data-testid="text-error"]`))
		if msg := apptest.Eval[string](t, b, `document.querySelector('[data-testid="text-error"]').textContent`); !strings.Contains(msg, "Nmae") || !strings.Contains(msg, "1") {
			t.Errorf("the refusal of {{.Nmae}} says %q, want the placeholder and its line", msg)
		}
		// Saved, the editor offers to go back to the default text.
		b.Do(t, "write the welcome mail in "+lang, chromedp.SetValue(`#body`, text[1]),
			chromedp.Click(`[data-testid="save"]`), chromedp.WaitVisible(`[data-testid="reset"]`))
		b.WaitTrue(t, "the welcome mail in "+lang+" saved", `document.readyState === "complete"`)
	}
	for page, text := range vereinB.pages {
		b.Do(t, "write the page text "+page, chromedp.Navigate(base+"/admin/texts/pages/"+page), chromedp.WaitVisible(`#body`),
			chromedp.SetValue(`#body`, text), chromedp.Click(`[data-testid="save"]`), chromedp.WaitVisible(`[data-testid="reset"]`))
		b.WaitTrue(t, "the page text "+page+" saved", `document.readyState === "complete"`)
	}
	var pages int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM page_texts`).Scan(&pages); err != nil || pages != len(vereinB.pages) {
		t.Fatalf("%d page texts stored (%v), want %d", pages, err, len(vereinB.pages))
	}

	logo := filepath.Join(t.TempDir(), "verein-b.png")
	writePNG(t, logo)
	b.Do(t, "upload the logo and set the colour", chromedp.Navigate(base+"/admin/site"), chromedp.WaitVisible(`#logo`),
		chromedp.SetUploadFiles(`#logo`, []string{logo}), chromedp.Click(`[data-testid="logo-submit"]`),
		chromedp.WaitVisible(`[data-testid="logo-preview"]`),
		chromedp.SetValue(`#accent`, "#7a1f5c"), chromedp.Click(`[data-testid="accent-submit"]`))
	b.WaitTrue(t, "the accent colour applied", `getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() === "#7a1f5c"`)
	if !apptest.Eval[bool](t, b, `!!document.querySelector('[data-testid="nav"] img[src^="/site/logo/"]')`) {
		t.Error("the navigation shows no logo")
	}

	// A member applies in German in the browser, one in English over HTTP.
	const anna, john = "anna@mail.example", "john@mail.example"
	m := apptest.NewBrowser(t, 360, 740)
	m.Language(t, base, "de")
	m.Do(t, "open the membership form",
		chromedp.Navigate(base+"/register/"), chromedp.WaitVisible(`[data-testid="apply-form"]`))
	m.FitsWidth(t)
	m.Screenshot(t, "verein-b-register-de-360")
	m.Do(t, "apply", chromedp.SendKeys(`#name`, "Anna Alt"), chromedp.SendKeys(`#email`, anna),
		chromedp.Click(`[data-testid="type-vollmitglied"]`), chromedp.Click(`[data-testid="apply-submit"]`),
		chromedp.WaitVisible(`[data-testid="link-sent"]`))
	verify := mailLink(t, smtp.WaitTo(t, anna, 1, 30*time.Second)[0], base)
	m.Do(t, "confirm the address", chromedp.Navigate(verify), chromedp.Click(`[data-testid="verify-submit"]`),
		chromedp.WaitVisible(`[data-testid="edit-form"]`))
	m.Screenshot(t, "verein-b-edit-de-360")

	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	postLang(t, c, base+"/register/", "en", url.Values{"name": {"John Young"}, "email": {john}, "membership_type": {"foerdermitglied"}})
	postLang(t, c, mailLink(t, smtp.WaitTo(t, john, 1, 30*time.Second)[0], base), "en", nil)

	// The board hears of both applications at its own address.
	for _, m := range smtp.WaitTo(t, "vorstand@verein-b.example", 2, 30*time.Second) {
		noPeP(t, "the board's mail "+m.Subject, m.Subject+m.Text)
	}
	for _, who := range []string{"Anna Alt", "John Young"} {
		b.Do(t, "accept "+who, chromedp.Navigate(base+"/applications"), chromedp.WaitVisible(`[data-testid="accept-open"]`))
		b.WaitTrue(t, who+"'s application", `document.body.textContent.includes(`+strconv.Quote(who)+`)`)
		card := `//*[contains(@id, "application-")][contains(., ` + strconv.Quote(who) + `)]`
		b.Do(t, "accept "+who, chromedp.Click(card+`//*[@data-testid="accept-open"]`), chromedp.Click(card+`//*[@data-testid="accept"]`))
		b.WaitTrue(t, who+" accepted", `[...document.querySelectorAll('[data-status="confirmed"]')].some(e => e.textContent.includes(`+strconv.Quote(who)+`))`)
	}

	for _, tt := range []struct{ to, lang, want string }{
		{anna, "de", "als Vollmitglied aufgenommen"},
		{john, "en", "took you in as supporting member"},
	} {
		mails := smtp.WaitTo(t, tt.to, 2, 30*time.Second)
		welcome := mails[1]
		subject := strings.ReplaceAll(vereinB.welcome[tt.lang][0], "{{.Org.Name}}", "Verein B")
		if welcome.Subject != subject || !strings.Contains(welcome.Text, tt.want) || !strings.Contains(welcome.Text, "\n-- \nVerein B") {
			t.Errorf("the welcome mail to %s is %q:\n%s", tt.to, welcome.Subject, welcome.Text)
		}
		for _, msg := range mails {
			noPeP(t, "the mail "+msg.Subject, msg.Subject+msg.Text+msg.HTML+strings.Join(msg.Header["From"], " "))
		}
	}

	for _, lang := range []string{"de", "en"} {
		for _, path := range []string{"/", "/register/", "/events/", "/impressum", "/datenschutz", "/request_edit"} {
			body := get(t, c, base+path, lang)
			noPeP(t, path+" in "+lang, body)
			if !strings.Contains(body, "Verein B") {
				t.Errorf("%s in %s does not name Verein B", path, lang)
			}
		}
		home := get(t, c, base+"/", lang)
		for _, want := range []string{vereinB.pages["home/"+lang], `href="/impressum"`, `href="/datenschutz"`, `src="/site/logo/`} {
			if !strings.Contains(home, want) {
				t.Errorf("the home page in %s lacks %q", lang, want)
			}
		}
		form := get(t, c, base+"/register/", lang)
		for _, ty := range vereinB.types {
			name, desc := ty[1], ty[3]
			if lang == "en" {
				name, desc = ty[2], ty[4]
			}
			if !strings.Contains(form, name) || !strings.Contains(form, desc) {
				t.Errorf("the membership form in %s does not offer %q with its description", lang, name)
			}
		}
		for _, page := range []string{"impressum", "datenschutz"} {
			l := apptest.NewBrowser(t, 360, 740)
			l.Language(t, base, lang)
			l.Do(t, "open "+page+" in "+lang,
				chromedp.Navigate(base+"/"+page), chromedp.WaitVisible(`[data-testid="legal-text"]`))
			l.FitsWidth(t)
			if text := apptest.Eval[string](t, l, `document.querySelector('[data-testid="legal-text"]').innerHTML.trim()`); text != vereinB.pages[page+"/"+lang] {
				t.Errorf("%s in %s shows %q", page, lang, text)
			}
			l.Screenshot(t, "verein-b-"+page+"-"+lang+"-360")
			l.NoConsoleErrors(t)
		}
	}
}

// noPeP fails when text says anything only PeP says.
func noPeP(t *testing.T, where, text string) {
	t.Helper()
	for _, w := range pepWords {
		if i := strings.Index(text, w); i >= 0 {
			t.Errorf("%s says %q: …%s…", where, w, text[max(0, i-80):min(len(text), i+80)])
		}
	}
}

var linkIn = regexp.MustCompile(`https?://\S+`)

// mailLink is the first link of msg to memberdb.
func mailLink(t *testing.T, msg mailtest.Message, base string) string {
	t.Helper()
	for _, l := range linkIn.FindAllString(msg.Text, -1) {
		if strings.HasPrefix(l, base+"/") {
			return l
		}
	}
	t.Fatalf("no link to memberdb in %q:\n%s", msg.Subject, msg.Text)
	return ""
}

func get(t *testing.T, c *http.Client, u, lang string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", lang)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d (%v)", u, resp.StatusCode, err)
	}
	return string(body)
}

func postLang(t *testing.T, c *http.Client, u, lang string, form url.Values) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", lang)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		t.Fatalf("POST %s = %d", u, resp.StatusCode)
	}
}

// writePNG writes a small logo: a dark square with a light ring.
func writePNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 96, 96))
	for y := range 96 {
		for x := range 96 {
			c := color.NRGBA{0x7a, 0x1f, 0x5c, 0xff}
			if d := (x-48)*(x-48) + (y-48)*(y-48); d > 30*30 && d < 38*38 {
				c = color.NRGBA{0xf5, 0xe6, 0xef, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
