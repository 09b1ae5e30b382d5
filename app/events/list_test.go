package events_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
)

func TestEventList(t *testing.T) {
	app := apptest.Start(t)
	later := createEvent(t, app, testEvent{name: "Später mit Plätzen", max: places(3)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '20 days' WHERE id = $1`, later.id); err != nil {
		t.Fatal(err)
	}
	sooner := createEvent(t, app, testEvent{name: "Früher unbegrenzt"})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '10 days' WHERE id = $1`, sooner.id); err != nil {
		t.Fatal(err)
	}
	addRegistration(t, app, later.id, "One", unique("one")+"@example.org", "confirmed", time.Hour)
	full := createEvent(t, app, testEvent{name: "Voll besetzt", max: places(1)})
	addRegistration(t, app, full.id, "Two", unique("two")+"@example.org", "confirmed", time.Hour)
	createEvent(t, app, testEvent{name: "Schon geschlossen", closed: true})
	createEvent(t, app, testEvent{name: "Öffnet bald", opensIn: dur(time.Hour)})
	createEvent(t, app, testEvent{name: "Frist vorbei", closesIn: dur(-time.Minute)})

	anon := app.Get(t, app.Client(), "/events/")
	if anon.StatusCode != http.StatusOK {
		t.Fatalf("GET /events/ = %d", anon.StatusCode)
	}
	section := func(body, group string) string {
		_, s, _ := strings.Cut(body, `data-testid="events-`+group+`"`)
		s, _, _ = strings.Cut(s, "</div>\n")
		s, _, _ = strings.Cut(s, `data-testid="events-`)
		return s
	}
	open := section(anon.Body, "open")
	if i, j := strings.Index(open, "Früher unbegrenzt"), strings.Index(open, "Später mit Plätzen"); i < 0 || j < i {
		t.Errorf("open events not listed in date order")
	}
	if !strings.Contains(open, "2 Plätze frei") {
		t.Errorf("no badge with 2 free places")
	}
	if !strings.Contains(section(anon.Body, "full"), "Voll besetzt") {
		t.Error("the full event is not under the waiting list")
	}
	for _, name := range []string{"Schon geschlossen", "Öffnet bald", "Frist vorbei"} {
		if strings.Contains(anon.Body, name) {
			t.Errorf("anonymous visitors see the closed event %q", name)
		}
	}
	mustContain(t, anon.Body, `href="/events/resend_emails/"`)
	// The footer's language switch marks the language shown.
	mustContain(t, anon.Body, `value="de" class="btn btn-sm btn-secondary" aria-pressed="true"`,
		`value="en" class="btn btn-sm btn-outline-secondary" aria-pressed="false"`)

	c, _ := app.ClientWith(t, "get_participants")
	logged := app.Get(t, c, "/events/")
	for _, name := range []string{"Schon geschlossen", "Öffnet bald", "Frist vorbei"} {
		if !strings.Contains(section(logged.Body, "closed"), name) {
			t.Errorf("logged-in users do not see the closed event %q", name)
		}
	}
	if resp := app.Get(t, app.Client(), "/events"); resp.StatusCode != http.StatusMovedPermanently {
		t.Errorf("/events = %d, want a redirect to /events/", resp.StatusCode)
	}
}

// With the page cache on, anonymous visitors share a page for its TTL,
// compressed once; logged-in users and the form's POST see the present.
func TestPublicPagesAreCachedOnlyForAnonymousVisitors(t *testing.T) {
	app := apptest.Start(t, apptest.Env("PAGE_CACHE_TTL", "1m"))
	// The writes below go around the announcement that makes every
	// instance drop its pages (as SQL with the triggers off would), so
	// that only the TTL decides what visitors see.
	for _, table := range []string{"events", "registrations"} {
		if _, err := app.Pool.Exec(t.Context(), `ALTER TABLE `+table+` DISABLE TRIGGER `+table+`_notify_pages`); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if _, err := app.Pool.Exec(context.Background(), `ALTER TABLE `+table+` ENABLE TRIGGER `+table+`_notify_pages`); err != nil {
				t.Error(err)
			}
		})
	}
	first := createEvent(t, app, testEvent{name: "Erste Veranstaltung", max: places(1)})
	anon := app.Client()
	before := app.Get(t, anon, "/events/", "Accept-Encoding", "gzip")
	form := app.Get(t, anon, first.regPath())
	mustContain(t, gunzip(t, before.Body), "Erste Veranstaltung")

	createEvent(t, app, testEvent{name: "Neue Veranstaltung"})
	addRegistration(t, app, first.id, "Eine", unique("eine")+"@example.org", "confirmed", time.Hour)
	later := app.Get(t, anon, "/events/", "Accept-Encoding", "gzip")
	if later.Body != before.Body {
		t.Error("an anonymous visitor got a fresh page within the TTL")
	}
	if later.Header.Get("Content-Encoding") != "gzip" || strings.Contains(gunzip(t, later.Body), "Neue Veranstaltung") {
		t.Errorf("cached list sent with Content-Encoding %q", later.Header.Get("Content-Encoding"))
	}
	if again := app.Get(t, anon, first.regPath()); again.Body != form.Body {
		t.Error("the registration form was rendered again within the TTL")
	}

	// The event JSON answers CORS per origin, cached or not.
	jsonPath := fmt.Sprintf("/events/%d/", first.id)
	for _, origin := range []string{"https://pep-dortmund.org", "https://evil.example", "https://pep-dortmund.org"} {
		resp := app.Get(t, anon, jsonPath, "Origin", origin)
		want := ""
		if origin == "https://pep-dortmund.org" {
			want = origin
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("Origin %s: Access-Control-Allow-Origin %q, want %q", origin, got, want)
		}
	}

	c, _ := app.ClientWith(t, "get_participants")
	mustContain(t, app.Get(t, c, "/events/").Body, "Neue Veranstaltung")
	// The form is full now: a registration goes to the waiting list
	// whatever the cached page said.
	email := unique("spaet") + "@example.org"
	registerVia(t, app, anon, first.regPath(), "Spät Dran", email, nil)
	if id, status := registrationOf(t, app, first.id, email); id == 0 || status != "pending" {
		t.Errorf("registration after the cached form: %d %s", id, status)
	}
}

func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A visitor's list asks the database only for open events; what it asks
// must be what IsOpen says, also at the boundaries, where the database's
// now is the transaction's. (Other tests' events share the database.)
func TestOpenEventsAreWhatIsOpenSays(t *testing.T) {
	app := apptest.Start(t)
	tx, err := app.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	var now time.Time
	if err := tx.QueryRow(t.Context(), `SELECT now()`).Scan(&now); err != nil {
		t.Fatal(err)
	}
	// open, opens_at and closes_at relative to the transaction's now;
	// nil means unset.
	second := time.Second
	cases := []struct {
		name          string
		open          bool
		opens, closes *time.Duration
	}{
		{"open", true, nil, nil},
		{"not open", false, nil, nil},
		{"opens now", true, dur(0), nil},
		{"opened", true, dur(-second), dur(time.Hour)},
		{"opens soon", true, dur(second), nil},
		{"closes now", true, nil, dur(0)},
		{"closes soon", true, dur(-time.Hour), dur(second)},
		{"closed", true, nil, dur(-second)},
		{"not open in its window", false, dur(-time.Hour), dur(time.Hour)},
	}
	want, made := map[int64]string{}, map[int64]bool{}
	for _, c := range cases {
		rel := func(d *time.Duration) *time.Time {
			if d == nil {
				return nil
			}
			v := now.Add(*d)
			return &v
		}
		ev := events.Event{RegistrationOpen: c.open, OpensAt: rel(c.opens), ClosesAt: rel(c.closes)}
		if err := tx.QueryRow(t.Context(), `INSERT INTO events (name, registration_open, registration_schema, opens_at, closes_at, max_participants)
			VALUES ($1, $2, '{"type": "object", "properties": {}}', $3, $4, 1) RETURNING id`,
			unique(c.name), ev.RegistrationOpen, ev.OpensAt, ev.ClosesAt).Scan(&ev.ID); err != nil {
			t.Fatal(err)
		}
		made[ev.ID] = true
		if ev.IsOpen(now) {
			want[ev.ID] = c.name
		}
		// A full event is open: it takes the waiting list.
		if c.name == "open" {
			if _, err := tx.Exec(t.Context(), `UPDATE event_counts SET confirmed = 1 WHERE event_id = $1`, ev.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(want) != 4 {
		t.Fatalf("IsOpen holds for %d of the cases, want 4: %v", len(want), want)
	}
	listed, err := events.ListEvents(t.Context(), tx, true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, ev := range listed {
		got[ev.ID] = true
		if _, ok := want[ev.ID]; !ok && made[ev.ID] {
			t.Errorf("the visitor's list has the closed event %q (id %d)", ev.Name, ev.ID)
		}
	}
	for id, name := range want {
		if !got[id] {
			t.Errorf("the visitor's list lacks the open event %q", name)
		}
	}
}

// Organisers and door staff reach an event's participants and door pages
// from the events list; nobody else sees the links.
func TestEventListLinksOrganisersToTheirPages(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: unique("Orga-Abend")})
	participants := fmt.Sprintf(`href="/events/%d/participants/"`, ev.id)
	door := fmt.Sprintf(`href="/events/%d/checkin/"`, ev.id)
	organiser, _ := app.ClientWith(t, "get_participants", "event_checkin")
	doorman, _ := app.ClientWith(t, "event_checkin")
	member, _ := app.ClientWith(t)
	for _, tt := range []struct {
		name      string
		c         *http.Client
		want, not []string
	}{
		{"organiser", organiser, []string{participants, door}, nil},
		{"door staff", doorman, []string{door}, []string{participants}},
		{"member", member, nil, []string{participants, door}},
		{"visitor", app.Client(), nil, []string{participants, door}},
	} {
		body := app.Get(t, tt.c, "/events/").Body
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the list lacks %s", tt.name, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: the list shows %s", tt.name, n)
			}
		}
	}
}
