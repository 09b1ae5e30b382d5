package organisers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

func TestBrowserSearchParticipantsOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox Workshop", testSchema)
	for i, r := range []testRegistration{
		{Name: "Özlem Yılmaz", Data: `{"guests": 1, "title": "Julia und Rust", "languages": {"python": true, "other": "Rust"}}`},
		{Name: "Lea Schäfer", Data: `{"guests": 2, "title": "Matlab", "languages": {"python": false, "other": "Matlab"}}`},
		{Name: "Hannah Küppers", Data: `{"guests": 3, "title": "Pascal", "languages": {"python": true, "other": ""}}`},
	} {
		r.Status, r.Confirmed = "confirmed", at(i)
		register(t, app, ev, r)
	}
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "get_participants", "write_email")

	b.Do(t, "search the participants",
		chromedp.Navigate(fmt.Sprintf("%s/events/%s/participants/", app.URL, ev.Shortlink)),
		chromedp.WaitVisible(css(`[data-testid="participants-table"]`)),
		chromedp.SendKeys(css(`#filter-q`), "rust"),
	)
	b.WaitTrue(t, "the search to narrow the list", `document.querySelectorAll('[data-testid="participant"]').length === 1`)
	name, err := chromedp.Run(b.Ctx, chromedp.Text(css(`[data-testid="participant"] [data-testid="name"]`)))
	if err != nil || name != "Özlem Yılmaz" {
		t.Errorf("found %q (%v)", name, err)
	}
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "q=rust") {
		t.Errorf("address bar = %s (%v), want the search in it", loc, err)
	}
	b.FitsWidth(t) // the table scrolls by itself
	b.NoConsoleErrors(t)
}

func TestBrowserWriteMailOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerakademie", testSchema)
	anna := register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	register(t, app, ev, testRegistration{Name: "Wanda", Status: "waitinglist", Confirmed: at(2)})
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "get_participants", "write_email")

	dir := t.TempDir()
	big := filepath.Join(dir, "gross.bin")
	if err := os.WriteFile(big, make([]byte, 10<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "plan.txt")
	if err := os.WriteFile(small, []byte("Ablaufplan\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	form := fmt.Sprintf("%s/events/%d/write_mail/", app.URL, ev.ID)

	// Too large: the page says so at once and does not upload.
	b.Do(t, "attach a file too large",
		chromedp.Navigate(form),
		chromedp.WaitVisible(css(`[data-testid="mail-form"]`)),
		chromedp.SendKeys(css(`#mail-subject`), "Anreise"),
		chromedp.SendKeys(css(`#mail-body`), "Wir treffen uns am Bahnhof."),
		chromedp.SetUploadFiles(css(`#mail-attachments`), []string{big}),
		chromedp.Click(css(`[data-testid="preview"]`)),
	)
	msg, err := chromedp.Run(b.Ctx, chromedp.Text(css(`[data-testid="error-attachments"]`)))
	if err != nil || msg != i18n.In(i18n.EN, "organisers.mail.error.too_large", "10 MB") {
		t.Errorf("size message %q (%v)", msg, err)
	}
	if n := draftCount(t, app, ev); n != 0 {
		t.Errorf("a too large upload made %d drafts", n)
	}

	// A fitting file: preview, then send.
	b.Do(t, "preview with a fitting file",
		chromedp.SetUploadFiles(css(`#mail-attachments`), []string{small}),
		chromedp.Click(css(`[data-testid="preview"]`)),
		chromedp.WaitVisible(css(`[data-testid="preview-text"]`)),
	)
	count, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="recipients"]').dataset.count`))
	if err != nil || count != "1" {
		t.Errorf("preview counts %q recipients (%v), want 1 (confirmed only)", count, err)
	}
	b.Do(t, "send",
		chromedp.Click(css(`[data-testid="send"]`)),
		chromedp.WaitVisible(css(`[data-testid="participants-table"]`)),
	)
	toast, err := chromedp.Run(b.Ctx, chromedp.Text(css(`[data-testid="toast"]`)))
	if err != nil || toast != i18n.In(i18n.EN, "organisers.mail.sent", 1) {
		t.Errorf("toast %q (%v)", toast, err)
	}
	m := app.SMTP.WaitTo(t, anna.Email, 1, mailWait)[0]
	if m.Subject != "Anreise" || len(m.Attachments) != 1 || string(m.Attachments[0].Content) != "Ablaufplan\n" {
		t.Errorf("mail %q with attachments %v", m.Subject, m.Attachments)
	}
	b.FitsWidth(t)
	b.NoConsoleErrors(t)
}

// On a phone the table scrolls sideways; its rows must stay short enough
// to read. Long headers once wrapped into narrow towers and email
// addresses broke after every few letters, making each row a screen tall.
func TestBrowserParticipantRowsStayShortOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolvent*innenfeier", `{"type": "object", "properties": {
		"guests": {"type": "integer", "label": "Anzahl der Gäste (inklusive dir)"},
		"valid_exam_date": {"type": "boolean", "label": "Meine letzte Prüfung lag im Abschlussjahrgang dieser Feier."},
		"allow_contact": {"type": "boolean", "label": "Ich möchte auch nach der Feier per E-Mail vom Verein informiert werden."},
		"interests": {"type": "object", "label": "Mich interessiert besonders (1. Woche)", "properties": {
			"uncertainties": {"type": "boolean", "label": "Automatisierung von Fehlerrechnung und symbolisches Rechnen"}
		}}
	}}`)
	for i, name := range []string{"Ada Lovelace", "Emmy Noether"} {
		register(t, app, ev, testRegistration{Name: name, Status: "confirmed", Confirmed: at(i),
			Email: fmt.Sprintf("%s.%d@tu-dortmund.de", strings.ToLower(strings.ReplaceAll(name, " ", ".")), ev.ID),
			Data:  `{"guests": 2, "valid_exam_date": true, "allow_contact": true}`})
	}
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "get_participants")
	b.Do(t, "open the participants",
		chromedp.Navigate(fmt.Sprintf("%s/events/%d/participants/", app.URL, ev.ID)),
		chromedp.WaitVisible(css(`[data-testid="participants-table"]`)),
	)
	tallest, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](
		`Math.max.apply(null, Array.from(document.querySelectorAll("#participants-table tr")).map(function (r) { return r.getBoundingClientRect().height }))`))
	if err != nil {
		t.Fatal(err)
	}
	if tallest > 140 {
		t.Errorf("the tallest table row is %.0f px high on a 360 px phone, want at most 140", tallest)
	}
	b.FitsWidth(t) // the table scrolls by itself
}
