package events_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestDescriptionFooterAndLabelsAreSanitised(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{
		description: `<p class="lead">Willkommen $a^2$</p><script>alert(1)</script><img src="x" onerror="alert(2)">` +
			`<button hx-get="/admin/" hx-trigger="load">x</button><a href="javascript:alert(3)">link</a>`,
		footer: `<p onclick="alert(4)">Fußzeile</p>`,
		schema: `{"type": "object", "properties": {"q": {"type": "string", "label": "Frage <script>alert(5)</script><i onmouseover=\"alert(6)\">kursiv</i>"}}}`,
	})
	page := app.Get(t, app.Client(), ev.regPath())
	if page.StatusCode != http.StatusOK {
		t.Fatalf("GET = %d", page.StatusCode)
	}
	for _, bad := range []string{"alert(", "onerror", "hx-get=\"/admin/", "hx-trigger=\"load", "javascript:", "onclick", "onmouseover"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	mustContain(t, page.Body, `<p class="lead">Willkommen $a^2$</p>`, "Fußzeile", "<i>kursiv</i>")
	json := app.Get(t, app.Client(), "/events/"+ev.shortlink+"/")
	if strings.Contains(json.Body, "<script") || strings.Contains(json.Body, "onerror") {
		t.Errorf("event JSON carries unsanitised HTML: %s", json.Body)
	}
}

func TestNamesAndAnswersEscaped(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {"q": {"type": "string"}}}`})
	email := unique("xss") + "@example.org"
	c := app.Client()
	name := `<script>alert("n")</script>`
	answer := `<img src=x onerror=alert("a")>`
	resp := registerVia(t, app, c, ev.regPath(), name, email, map[string][]string{"q": {answer}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	link := lastLink(t, app, email)
	post(t, app, c, link, "action", "confirm")
	page := app.Get(t, c, link)
	if strings.Contains(page.Body, name) || strings.Contains(page.Body, "<img src=x") {
		t.Error("the personal page shows markup unescaped")
	}
	mustContain(t, page.Body, "&lt;script&gt;", `value="&lt;img src=x onerror=alert(&#34;a&#34;)&gt;"`)
	msgs := app.SMTP.WaitTo(t, email, 2, 10*time.Second)
	for _, m := range msgs {
		// The confirmation's HTML part shows the ticket's QR code; the
		// text in it is escaped.
		if strings.Contains(m.HTML, name) || strings.Contains(m.HTML, "<img src=x") {
			t.Errorf("the HTML part of a mail shows markup unescaped:\n%s", m.HTML)
		}
		if !strings.Contains(m.Text, name) {
			t.Errorf("the plain-text mail should show the name as typed:\n%s", m.Text)
		}
	}
}
