package events_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The old system's journey on an event with one place, by id and by
// shortlink: the first confirms and gets the place, the second lands on
// the waiting list, and the registration page then says booked out.
func TestJourneyOnePlace(t *testing.T) {
	app := apptest.Start(t)
	for _, by := range []string{"id", "shortlink"} {
		t.Run(by, func(t *testing.T) {
			ev := createEvent(t, app, testEvent{max: places(1), notify: "orga@example.org"})
			path := ev.regPath()
			if by == "shortlink" {
				path = ev.shortRegPath()
			}
			c := app.Client()
			page := app.Get(t, c, path)
			if page.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", path, page.StatusCode)
			}
			mustContain(t, page.Body, `data-testid="registration-form"`, `name="name"`, `name="email"`, `data-testid="free-places"`)
			if strings.Contains(page.Body, `data-testid="booked-out"`) {
				t.Error("a free event says booked out")
			}

			first, second := unique("first")+"@example.org", unique("second")+"@example.org"
			for _, email := range []string{first, second} {
				resp := registerVia(t, app, c, path, "Person "+email, email, nil)
				if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `data-testid="check-mail"`) {
					t.Fatalf("register %s = %d, want the check-your-mail page", email, resp.StatusCode)
				}
				if _, status := registrationOf(t, app, ev.id, email); status != "pending" {
					t.Fatalf("after registering: %s, want pending", status)
				}
				link := lastLink(t, app, email)
				personal := app.Get(t, c, link)
				mustContain(t, personal.Body, `data-status="pending"`, `data-testid="confirm"`)
				resp = post(t, app, c, link, "action", "confirm")
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("confirm = %d, want 303", resp.StatusCode)
				}
			}
			if _, s := registrationOf(t, app, ev.id, first); s != "confirmed" {
				t.Errorf("first is %s, want confirmed", s)
			}
			if _, s := registrationOf(t, app, ev.id, second); s != "waitinglist" {
				t.Errorf("second is %s, want waitinglist", s)
			}
			if got := mailsTo(t, app, first); strings.Join(got, ",") != "event_registration_pending,event_registration_confirmed" {
				t.Errorf("mails to first: %v", got)
			}
			if got := mailsTo(t, app, second); strings.Join(got, ",") != "event_registration_pending,event_registration_waitinglist" {
				t.Errorf("mails to second: %v", got)
			}
			// The request to confirm says what confirming does: the second
			// registered when the place was taken.
			for email, full := range map[string]bool{first: false, second: true} {
				requests := 0
				for _, m := range app.SMTP.WaitTo(t, email, 2, 10*time.Second) {
					if !strings.Contains(m.Subject, "Bitte bestätige") {
						continue
					}
					requests++
					if strings.Contains(m.Text, "im Moment ausgebucht") != full {
						t.Errorf("the request to confirm to the %s says booked out: %v, want %v", email, !full, full)
					}
				}
				if requests != 1 {
					t.Errorf("%d requests to confirm reached %s, want 1", requests, email)
				}
			}
			if got := mailsTo(t, app, "orga@example.org"); len(got) < 2 {
				t.Errorf("organisers got %v, want a notification per confirmation", got)
			}
			personal := app.Get(t, c, lastLink(t, app, second))
			// The event asks nothing, so no answers form stands there.
			mustContain(t, personal.Body, `data-status="waitinglist"`, `data-testid="position"`)

			page = app.Get(t, c, path)
			mustContain(t, page.Body, `data-testid="booked-out"`)
			list := app.Get(t, c, "/events/")
			_, full, _ := strings.Cut(list.Body, `data-testid="events-full"`)
			full, _, _ = strings.Cut(full, `data-testid="resend-link"`)
			if !strings.Contains(full, ev.shortRegPath()) {
				t.Errorf("the full event is not listed under the waiting list")
			}
		})
	}
}

// The mails really leave through SMTP, with the link and the person's name.
func TestConfirmationMailArrives(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "graduation-ceremony.json", formality: "sie"})
	email := unique("grad") + "@example.org"
	resp := registerVia(t, app, app.Client(), ev.regPath(), "Dr. <b>Bold</b>", email, url.Values{
		"course": {"Physik"}, "degree": {"Master"}, "chair": {"E5"}, "guests": {"2"}, "title": {"$x$"}, "valid_exam_date": {"on"},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register = %d:\n%s", resp.StatusCode, resp.Body)
	}
	msgs := app.SMTP.WaitTo(t, email, 1, 10*time.Second)
	m := msgs[0]
	if !strings.Contains(m.Subject, "Bitte bestätigen Sie Ihre Anmeldung") {
		t.Errorf("subject %q is not the formal German text", m.Subject)
	}
	mustContain(t, m.Text, "Guten Tag Dr. <b>Bold</b>", "/events/registration/", "Anzahl der Gäste (inklusive dir): 2", "Titel der Arbeit: $x$")
	if m.HTML != "" {
		t.Error("participant mails are plain text; an HTML part would interpret the name's markup")
	}
}

// An event that is over takes no registrations, whatever its switch says:
// the links it would mail could not be used.
func TestAnEventThatIsOverTakesNoRegistrations(t *testing.T) {
	app := apptest.Start(t)
	ago := time.Hour
	ev := createEvent(t, app, testEvent{endsAgo: &ago})
	c := app.Client()
	page := app.Get(t, c, ev.regPath())
	if page.StatusCode != http.StatusSeeOther || !strings.Contains(page.Header.Get("Location"), "/events/?closed=") {
		t.Errorf("GET the form of an event that is over = %d to %q, want the list saying it is closed", page.StatusCode, page.Header.Get("Location"))
	}
	email := unique("late") + "@example.org"
	resp := registerVia(t, app, c, ev.regPath(), "Lea Late", email, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("registering for an event that is over = %d, want a redirect", resp.StatusCode)
	}
	if n := statusCounts(t, app, ev.id); len(n) != 0 {
		t.Errorf("registrations stored for an event that is over: %v", n)
	}
	if list := app.Get(t, c, "/events/"); strings.Contains(list.Body, ev.shortRegPath()) {
		t.Error("the event list offers an event that is over")
	}
}
