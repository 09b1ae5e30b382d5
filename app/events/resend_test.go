package events_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
)

// Registering again for the same event stores nothing new, answers the
// same page and mails the link with the current state.
func TestSecondSubmitResendsState(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(3)})
	email := unique("twice") + "@example.org"
	c := app.Client()
	first := registerVia(t, app, c, ev.regPath(), "Twice", email, nil)
	post(t, app, c, lastLink(t, app, email), "action", "confirm")
	second := registerVia(t, app, c, ev.regPath(), "Twice Again", strings.ToUpper(email), nil)
	if first.StatusCode != http.StatusOK || second.StatusCode != http.StatusOK {
		t.Fatalf("statuses %d, %d", first.StatusCode, second.StatusCode)
	}
	if !strings.Contains(second.Body, `data-testid="check-mail"`) {
		t.Error("the second submit does not show the check-your-mail page")
	}
	if n := statusCounts(t, app, ev.id); n["confirmed"] != 1 || len(n) != 1 {
		t.Errorf("registrations %v, want the one confirmed", n)
	}
	kinds := mailsTo(t, app, email)
	if len(kinds) != 3 || kinds[2] != "event_registration_state" {
		t.Fatalf("mails %v, want pending, confirmed, state", kinds)
	}
	msgs := app.SMTP.WaitTo(t, email, 3, 10*time.Second)
	var state string
	for _, m := range msgs {
		if strings.Contains(m.Text, "bereits") {
			state = m.Text
		}
	}
	if !strings.Contains(state, "Status deiner Anmeldung: bestätigt") || !linkRE.MatchString(state) {
		t.Errorf("state mail:\n%s", state)
	}
	// The person's name is not changed by someone typing their address.
	var name string
	_ = app.Pool.QueryRow(t.Context(), `SELECT name FROM persons WHERE lower(email) = lower($1)`, email).Scan(&name)
	if name != "Twice" {
		t.Errorf("name changed to %q", name)
	}
}

func TestConcurrentDuplicateSubmits(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	email := unique("dup") + "@example.org"
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- registerVia(t, app, app.Client(), ev.regPath(), "Double Clicker", email, nil).StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("a duplicate submit answered %d, want 200", code)
		}
	}
	var persons, regs int
	_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM persons WHERE lower(email) = $1`, email).Scan(&persons)
	_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM registrations WHERE event_id = $1`, ev.id).Scan(&regs)
	if persons != 1 || regs != 1 {
		t.Errorf("%d persons and %d registrations, want 1 and 1", persons, regs)
	}
	// One link mail: the copies of a double click send no "already
	// registered" after it.
	if kinds := mailsTo(t, app, email); !slices.Equal(kinds, []string{"event_registration_pending"}) {
		t.Errorf("mails %v, want the one pending", kinds)
	}
}

func TestResendEmails(t *testing.T) {
	app := apptest.Start(t)
	open1 := createEvent(t, app, testEvent{name: "Offene Veranstaltung"})
	open2 := createEvent(t, app, testEvent{name: "Zweite Veranstaltung", max: places(1)})
	over := createEvent(t, app, testEvent{name: "Längst vorbei", endsAgo: dur(60 * 24 * time.Hour)})
	email := unique("known") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, open1.regPath(), "Known Person", email, nil)
	var personID int64
	_ = app.Pool.QueryRow(t.Context(), `SELECT id FROM persons WHERE email = $1`, email).Scan(&personID)
	for _, ev := range []created{open2, over} {
		if _, err := app.Pool.Exec(t.Context(), `INSERT INTO registrations (event_id, person_id, status, confirmed_at)
			VALUES ($1, $2, 'confirmed', now())`, ev.id, personID); err != nil {
			t.Fatal(err)
		}
	}
	page := app.Get(t, c, "/events/resend_emails/")
	mustContain(t, page.Body, `name="email"`)
	unknown := app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {unique("unknown") + "@example.org"}})
	known := app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {strings.ToUpper(email)}})
	if unknown.StatusCode != http.StatusOK || known.StatusCode != http.StatusOK {
		t.Fatalf("statuses %d, %d", unknown.StatusCode, known.StatusCode)
	}
	if strip(unknown.Body) != strip(known.Body) {
		t.Error("known and unknown addresses get different answers")
	}
	msgs := app.SMTP.WaitTo(t, email, 2, 10*time.Second) // the link mail and the list
	var list string
	for _, m := range msgs {
		if strings.Contains(m.Subject, "Deine Anmeldungen") {
			list = m.Text
		}
	}
	if strings.Count(list, "/events/registration/") != 2 || !strings.Contains(list, "Offene Veranstaltung") ||
		!strings.Contains(list, "Zweite Veranstaltung") || strings.Contains(list, "Längst vorbei") {
		t.Errorf("links mail:\n%s", list)
	}
	if kinds := mailsTo(t, app, email); len(kinds) != 2 {
		t.Errorf("mails %v, want the registration link and one list", kinds)
	}
	bad := app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {"not an address"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `data-testid="error-email"`) {
		t.Errorf("malformed address = %d", bad.StatusCode)
	}
	for i := 0; i < 10; i++ {
		app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {unique("flood") + "@example.org"}})
	}
	if resp := app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {email}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("resend after many = %d, want 429", resp.StatusCode)
	}
}

// strip removes what differs between any two responses (nothing here but
// keep the comparison honest about whitespace).
func strip(s string) string { return strings.Join(strings.Fields(s), " ") }

// Finding registrations and queueing their links takes longer than finding
// none; the answer waits for a common floor, so its time does not tell
// which addresses have registered.
func TestResendTakesAsLongForUnknownAddresses(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	known := make([]string, 4)
	for i := range known {
		known[i] = unique("timed") + "@example.org"
		registerVia(t, app, app.Client(), ev.regPath(), "Zeit Messer", known[i], nil)
	}
	send := func(email string) {
		resp := app.PostForm(t, app.Client(), "/events/resend_emails/", url.Values{"email": {email}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /events/resend_emails/ = %d", resp.StatusCode)
		}
	}
	apptest.AnswerAlike(t, web.AnswerFloor, 40*time.Millisecond, len(known),
		func(i int) { send(known[i]) },
		func(int) { send(unique("stranger") + "@example.org") })
}

// The mail with a person's links addresses them once for all the events
// in it: with Sie if any of them asks for it, whichever comes first or
// last; du when none does.
func TestResendAddressesFormallyIfAnyEventDoes(t *testing.T) {
	app := apptest.Start(t)
	first := createEvent(t, app, testEvent{name: "Sommerfest"})
	formal := createEvent(t, app, testEvent{name: "Festakt", formality: "sie"})
	last := createEvent(t, app, testEvent{name: "Grillabend"})
	for _, tt := range []struct {
		name        string
		events      []created
		wantSubject string
		wantWords   *regexp.Regexp
		notWords    *regexp.Regexp
	}{
		{"a formal event between informal ones", []created{first, formal, last}, "Ihre Anmeldungen", sieWords, duWords},
		{"only informal events", []created{first, last}, "Deine Anmeldungen", duWords, sieWords},
	} {
		t.Run(tt.name, func(t *testing.T) {
			email := unique("address") + "@example.org"
			c := app.Client()
			registerVia(t, app, c, tt.events[0].regPath(), "Anna Anrede", email, nil)
			var personID int64
			_ = app.Pool.QueryRow(t.Context(), `SELECT id FROM persons WHERE email = $1`, email).Scan(&personID)
			for _, ev := range tt.events[1:] {
				if _, err := app.Pool.Exec(t.Context(), `INSERT INTO registrations (event_id, person_id, status, confirmed_at)
					VALUES ($1, $2, 'confirmed', now())`, ev.id, personID); err != nil {
					t.Fatal(err)
				}
			}
			if resp := app.PostForm(t, c, "/events/resend_emails/", url.Values{"email": {email}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("resend = %d", resp.StatusCode)
			}
			var list string
			for _, m := range app.SMTP.WaitTo(t, email, 2, 10*time.Second) {
				if strings.Contains(m.Subject, "Anmeldungen") {
					if !strings.HasPrefix(m.Subject, tt.wantSubject) {
						t.Errorf("subject %q, want it to begin %q", m.Subject, tt.wantSubject)
					}
					list = m.Text
				}
			}
			if strings.Count(list, "/events/registration/") != len(tt.events) {
				t.Fatalf("the mail does not list the %d links:\n%s", len(tt.events), list)
			}
			if !tt.wantWords.MatchString(list) || tt.notWords.MatchString(list) {
				t.Errorf("the mail does not address the person throughout as %v:\n%s", tt.wantWords, list)
			}
		})
	}
}
