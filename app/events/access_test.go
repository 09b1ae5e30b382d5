package events_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// Closed events send visitors back to the list, whose address names the
// event so the list can say it closed (no session is made for that); users
// with view_registration see a preview instead.
func TestClosedRegistration(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name string
		ev   testEvent
	}{
		{"switched off", testEvent{closed: true}},
		{"not yet open", testEvent{opensIn: dur(time.Hour)}},
		{"already closed", testEvent{closesIn: dur(-time.Minute)}},
	}
	anon := app.Client()
	other, _ := app.ClientWith(t, "get_participants")
	viewer, _ := app.ClientWith(t, "view_registration")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := createEvent(t, app, tt.ev)
			for who, c := range map[string]*http.Client{"anonymous": anon, "wrong level": other} {
				resp := app.Get(t, c, ev.regPath())
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || loc != "/events/?closed="+ev.shortlink {
					t.Fatalf("%s: GET closed = %d to %q, want 303 to the list naming the event", who, resp.StatusCode, loc)
				}
				list := app.Get(t, c, loc)
				mustContain(t, list.Body, `data-testid="closed-notice"`, "ist geschlossen")
				post := registerVia(t, app, c, ev.regPath(), "Late Person", unique("late")+"@example.org", nil)
				if post.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: POST closed = %d, want 303", who, post.StatusCode)
				}
			}
			resp := app.Get(t, viewer, ev.regPath())
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("view_registration: GET closed = %d, want 200", resp.StatusCode)
			}
			mustContain(t, resp.Body, `data-testid="preview-banner"`, `data-testid="registration-form"`)
			// Sending it could only end in the "closed" redirect, so it
			// cannot be sent.
			if button := regexp.MustCompile(`<button[^>]*data-testid="submit"[^>]*>`).FindString(resp.Body); !strings.Contains(button, "disabled") {
				t.Errorf("the preview's submit button can be pressed: %s", button)
			}
			// The preview does not register anyone.
			if post := registerVia(t, app, viewer, ev.regPath(), "Viewer", unique("viewer")+"@example.org", nil); post.StatusCode != http.StatusSeeOther {
				t.Errorf("view_registration: POST closed = %d, want 303", post.StatusCode)
			}
			if n := statusCounts(t, app, ev.id); len(n) != 0 {
				t.Errorf("registrations for a closed event: %v", n)
			}
		})
	}
	if lvl, ok := app.Server.Registry.RouteLevel("GET", "/events/{id}/registration/"); !ok || lvl != "" {
		t.Errorf("registration page registered as %q (%v), want public", lvl, ok)
	}
	found := false
	for _, l := range app.Server.Registry.Levels() {
		found = found || l == "view_registration"
	}
	if !found {
		t.Error("view_registration is not declared")
	}
}

func TestUnknownEvent(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/events/999999/registration/", "/events/no-such-event/registration/", "/events/999999/"} {
		if resp := app.Get(t, app.Client(), path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
}

// Every POST refuses cross-site requests and changes nothing.
func TestCrossSitePostsRefused(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(5)})
	id, link := addRegistration(t, app, ev.id, "Pending Person", unique("csrf")+"@example.org", "pending", 0)
	email := unique("victim") + "@example.org"
	tests := []struct {
		name string
		path string
		form url.Values
	}{
		{"register", ev.regPath(), url.Values{"name": {"Victim"}, "email": {email}}},
		{"confirm", link, url.Values{"action": {"confirm"}}},
		{"cancel", link, url.Values{"action": {"cancel"}}},
		{"save", link, url.Values{"action": {"save"}}},
		{"resend", "/events/resend_emails/", url.Values{"email": {email}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.PostForm(t, app.Client(), tt.path, tt.form, "Sec-Fetch-Site", "cross-site")
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
			}
		})
	}
	if s := statusOf(t, app, id); s != "pending" {
		t.Errorf("registration is %s after cross-site posts", s)
	}
	if n := statusCounts(t, app, ev.id); n["pending"] != 1 || len(n) != 1 {
		t.Errorf("registrations after cross-site posts: %v", n)
	}
	if got := mailsTo(t, app, email); len(got) != 0 {
		t.Errorf("cross-site posts sent %v", got)
	}
}

func TestPersonalLinks(t *testing.T) {
	app := apptest.Start(t)
	c := app.Client()
	if resp := app.Get(t, c, "/events/registration/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"); resp.StatusCode != http.StatusNotFound ||
		!strings.Contains(resp.Body, `href="/events/resend_emails/"`) {
		t.Errorf("unknown link = %d, want 404 offering new links", resp.StatusCode)
	}
	if resp := app.Get(t, c, "/events/registration/garbage/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("garbage link = %d, want 404", resp.StatusCode)
	}
	over := createEvent(t, app, testEvent{endsAgo: dur(31 * 24 * time.Hour)})
	_, link := addRegistration(t, app, over.id, "Past", unique("past")+"@example.org", "confirmed", time.Hour)
	if resp := app.Get(t, c, link); resp.StatusCode != http.StatusGone || !strings.Contains(resp.Body, "vorbei") ||
		strings.Contains(resp.Body, `data-testid="new-link"`) {
		t.Errorf("link of an event over for 31 days = %d, want 410 saying it is over, without new links", resp.StatusCode)
	}
	if resp := post(t, app, c, link, "action", "cancel"); resp.StatusCode != http.StatusGone {
		t.Errorf("cancel through an expired link = %d, want 410", resp.StatusCode)
	}
	recent := createEvent(t, app, testEvent{endsAgo: dur(29 * 24 * time.Hour)})
	_, link = addRegistration(t, app, recent.id, "Recent", unique("recent")+"@example.org", "confirmed", time.Hour)
	if resp := app.Get(t, c, link); resp.StatusCode != http.StatusOK {
		t.Errorf("link of an event over for 29 days = %d, want 200", resp.StatusCode)
	}
	// A link withdrawn (as an erasure does) or expired is not "over":
	// new links may help.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE tokens SET expires_at = now() - interval '1 second'
		WHERE purpose = $1 AND subject_id = (SELECT id FROM registrations WHERE event_id = $2)`, tokens.RegistrationManage, recent.id); err != nil {
		t.Fatal(err)
	}
	if resp := app.Get(t, c, link); resp.StatusCode != http.StatusGone || strings.Contains(resp.Body, "vorbei") ||
		!strings.Contains(resp.Body, "gilt nicht mehr") || !strings.Contains(resp.Body, `data-testid="new-link"`) {
		t.Errorf("withdrawn link = %d, want 410 offering new links without calling the event over", resp.StatusCode)
	}
	// Without an end date a link works until the admin closes the event.
	undated := createEvent(t, app, testEvent{})
	_, link = addRegistration(t, app, undated.id, "Undated", unique("undated")+"@example.org", "confirmed", time.Hour)
	if resp := app.Get(t, c, link); resp.StatusCode != http.StatusOK {
		t.Errorf("link of an open undated event = %d, want 200", resp.StatusCode)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET registration_open = false WHERE id = $1`, undated.id); err != nil {
		t.Fatal(err)
	}
	if resp := app.Get(t, c, link); resp.StatusCode != http.StatusGone {
		t.Errorf("link of a closed undated event = %d, want 410", resp.StatusCode)
	}
	if resp := post(t, app, c, link, "action", "nonsense"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown action = %d, want 400", resp.StatusCode)
	}
}

func TestRegisterIsRateLimitedPerClient(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	c := app.Client()
	var last apptest.Response
	for i := 0; i < 31; i++ {
		last = registerVia(t, app, c, ev.regPath(), "Spammer", unique("spam")+"@example.org", nil)
		if i < 30 && last.StatusCode != http.StatusOK {
			t.Fatalf("registration %d = %d", i, last.StatusCode)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("31st registration = %d (Retry-After %q), want 429", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if n := statusCounts(t, app, ev.id)["pending"]; n != 30 {
		t.Errorf("%d registrations stored, want 30", n)
	}
	if !strings.Contains(last.Body, "warte") && !strings.Contains(last.Body, "Warte") {
		t.Errorf("429 page does not ask to wait")
	}
	htmx := registerVia(t, app, c, ev.regPath(), "Spammer", unique("spam")+"@example.org", nil, "HX-Request", "true")
	if htmx.StatusCode != http.StatusTooManyRequests || !strings.Contains(htmx.Header.Get("HX-Trigger"), "warte") {
		t.Errorf("htmx 429 = %d, HX-Trigger %q; want a toast asking to wait", htmx.StatusCode, htmx.Header.Get("HX-Trigger"))
	}
}

// A client with an IPv6 network has a whole /64 of addresses to pick from;
// counting each address apart would let it register without end.
func TestRegisterIsRateLimitedPerIPv6Network(t *testing.T) {
	app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
	ev := createEvent(t, app, testEvent{})
	c := app.Client()
	for i := range 30 {
		addr := fmt.Sprintf("2001:db8:1:2::%x", i+1)
		if resp := registerVia(t, app, c, ev.regPath(), "Spammer", unique("spam")+"@example.org", nil, "X-Forwarded-For", addr); resp.StatusCode != http.StatusOK {
			t.Fatalf("registration %d = %d", i+1, resp.StatusCode)
		}
	}
	if resp := registerVia(t, app, c, ev.regPath(), "Spammer", unique("spam")+"@example.org", nil, "X-Forwarded-For", "2001:db8:1:2:ffff::1"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("31st registration from the same /64 = %d, want 429", resp.StatusCode)
	}
	if resp := registerVia(t, app, c, ev.regPath(), "Nachbar", unique("neighbour")+"@example.org", nil, "X-Forwarded-For", "2001:db8:1:3::1"); resp.StatusCode != http.StatusOK {
		t.Errorf("registration from another /64 = %d, want 200", resp.StatusCode)
	}
	if n := statusCounts(t, app, ev.id)["pending"]; n != 31 {
		t.Errorf("%d registrations stored, want 31", n)
	}
}
