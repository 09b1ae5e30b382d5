package events_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pepalumni/memberdb/app/apptest"
)

// limitsSchema has a line and a long text, neither with a maxLength, and
// a number.
const limitsSchema = `{"type": "object", "properties": {
	"count": {"type": "number", "label": "Anzahl"},
	"note": {"type": "string", "label": "Anmerkung"},
	"letter": {"type": "string", "format": "multiline", "label": "Brief"}
}}`

// A registration form takes no answer, name or address longer than its
// limit: the form comes back with the message next to the field, and
// nothing is stored or mailed to the address typed in.
func TestRegistrationRefusesOverlongText(t *testing.T) {
	app := apptest.Start(t)
	longAddress := func() string {
		local := unique("long")
		return local + strings.Repeat("x", 64-len(local)) + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 58) + ".org"
	}
	tests := []struct {
		name        string
		person      string
		email       string
		answers     url.Values
		lang        string
		wantField   string
		wantMessage string
		// wantKept is the field's value as the form shows it again:
		// the refused one cut to the limit, as the whole would travel
		// back.
		wantKept string
	}{
		{name: "answer", answers: url.Values{"note": {strings.Repeat("ä", 5001)}},
			wantField: "note", wantMessage: "Bitte höchstens 5000 Zeichen eingeben.", wantKept: `value="` + strings.Repeat("ä", 5000) + `"`},
		{name: "answer in English", answers: url.Values{"note": {strings.Repeat("x", 5001)}}, lang: "en",
			wantField: "note", wantMessage: "Please enter at most 5000 characters."},
		{name: "a hundred thousand characters", answers: url.Values{"note": {strings.Repeat("x", 100_000)}},
			wantField: "note", wantMessage: "Bitte höchstens 5000 Zeichen eingeben.", wantKept: `value="` + strings.Repeat("x", 5000) + `"`},
		{name: "almost a megabyte", answers: url.Values{"note": {strings.Repeat("x", 1<<20-1000)}},
			wantField: "note", wantMessage: "Bitte höchstens 5000 Zeichen eingeben.", wantKept: `value="` + strings.Repeat("x", 5000) + `"`},
		{name: "long text", answers: url.Values{"letter": {strings.Repeat("Zeile\r\n", 4000) + "x"}},
			wantField: "letter", wantMessage: "Bitte höchstens 20000 Zeichen eingeben.", wantKept: ">" + strings.Repeat("Zeile\r\n", 2857) + "Z</textarea>"},
		{name: "a megabyte of digits", answers: url.Values{"count": {strings.Repeat("9", 1<<20-1000)}},
			wantField: "count", wantMessage: "Bitte eine Zahl eingeben.", wantKept: `value="` + strings.Repeat("9", 100) + `"`},
		{name: "name", person: strings.Repeat("N", 201),
			wantField: "name", wantMessage: "Bitte höchstens 200 Zeichen eingeben.", wantKept: `value="` + strings.Repeat("N", 200) + `"`},
		{name: "email", email: longAddress(),
			wantField: "email", wantMessage: "Bitte höchstens 254 Zeichen eingeben."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := createEvent(t, app, testEvent{schema: limitsSchema})
			email, person := tt.email, tt.person
			if email == "" {
				email = unique("limit") + "@example.org"
			}
			if person == "" {
				person = "Erika Musterfrau"
			}
			for _, hx := range []bool{false, true} {
				headers := []string{"Accept-Language", tt.lang}
				if tt.lang == "" {
					headers = []string{"Accept-Language", "de"}
				}
				if hx {
					headers = append(headers, "HX-Request", "true")
				}
				resp := registerVia(t, app, app.Client(), ev.regPath(), person, email, tt.answers, headers...)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("htmx %v: status %d, want 422", hx, resp.StatusCode)
				}
				msg := `data-testid="error-` + tt.wantField + `">` + tt.wantMessage + `</div>`
				if !strings.Contains(resp.Body, msg) {
					t.Errorf("htmx %v: the form lacks %s", hx, msg)
				}
				if tt.wantKept != "" {
					refused := tt.answers.Get(tt.wantField)
					if tt.wantField == "name" {
						refused = person
					}
					if strings.Contains(resp.Body, refused) || !strings.Contains(resp.Body, tt.wantKept) {
						t.Errorf("htmx %v: the form does not show the refused value cut to its limit (%d bytes of answer)", hx, len(resp.Body))
					}
				}
			}
			var persons, registrations, mails int
			_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM persons WHERE lower(email) = lower($1)`, email).Scan(&persons)
			_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM registrations WHERE event_id = $1`, ev.id).Scan(&registrations)
			mails = len(mailsTo(t, app, email))
			if persons+registrations+mails != 0 {
				t.Errorf("refused form stored %d persons, %d registrations and queued %d mails", persons, registrations, mails)
			}
		})
	}
}

// Up to the limit is fine, and so is an answer to the participant's own
// form; past it the stored answers stay as they were.
func TestAnswersUpToTheLimit(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: limitsSchema})
	email := unique("limit") + "@example.org"
	c := app.Client()
	note, letter := strings.Repeat("n", 5000), strings.Repeat("l", 20000)
	resp := registerVia(t, app, c, ev.regPath(), strings.Repeat("N", 200), email, url.Values{"note": {note}, "letter": {letter}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register at the limits = %d:\n%.500s", resp.StatusCode, resp.Body)
	}
	link := lastLink(t, app, email)
	post(t, app, c, link, "action", "confirm")
	bad := app.PostForm(t, c, link, url.Values{"action": {"save"}, "note": {note + "n"}, "letter": {letter}}, "HX-Request", "true")
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `data-testid="error-note"`) {
		t.Fatalf("saving an overlong answer = %d:\n%.300s", bad.StatusCode, bad.Body)
	}
	var stored string
	_ = app.Pool.QueryRow(t.Context(), `SELECT r.data->>'note' FROM registrations r JOIN persons p ON p.id = r.person_id WHERE p.email = $1`, email).Scan(&stored)
	if stored != note {
		t.Errorf("the refused save changed the stored answer to %d characters", utf8.RuneCountInString(stored))
	}
}

// A mail quotes the start of a long answer, not the whole of it: the
// address it goes to is whatever someone typed into the form.
func TestMailQuotesTheStartOfLongAnswers(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: limitsSchema})
	email := unique("quote") + "@example.org"
	letter := strings.Repeat("Sehr geehrte Damen und Herren,\r\n", 600)
	resp := registerVia(t, app, app.Client(), ev.regPath(), "Lang Schreiber", email, url.Values{"note": {"kurz"}, "letter": {letter}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	m := app.SMTP.WaitTo(t, email, 1, 10*time.Second)[0]
	mustContain(t, m.Text, "- Anmerkung: kurz\n")
	_, quote, found := strings.Cut(m.Text, "- Brief: ")
	if !found {
		t.Fatalf("the mail does not quote the letter:\n%s", m.Text)
	}
	// Its lines stay lines, indented under the dash.
	var lines []string
	for i, l := range strings.Split(quote, "\n") {
		if i > 0 && !strings.HasPrefix(l, "  ") {
			break
		}
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	if len(lines) < 5 {
		t.Errorf("the letter's lines are not kept: %q", lines)
	}
	quote = strings.Join(lines, " ")
	if n := utf8.RuneCountInString(quote); n > 300 || n < 250 || !strings.HasSuffix(quote, "…") ||
		!strings.HasPrefix(quote, "Sehr geehrte Damen und Herren, Sehr geehrte") {
		t.Errorf("the letter is quoted as %d characters: %q", n, quote)
	}
	if len(m.Text) > 3000 {
		t.Errorf("the mail is %d bytes long; it quotes too much", len(m.Text))
	}
}
