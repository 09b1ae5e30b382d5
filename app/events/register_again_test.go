package events_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Someone who cancelled and fills in the form again registers anew: the
// new answers are kept, the registration waits for confirmation again and
// the mail asks for it. Before, the answers were dropped and the mail said
// "you are already registered" about a cancelled registration.
func TestRegisterFormAgainAfterCancelling(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {"food": {"type": "string"}}}`})
	email := unique("again") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, ev.regPath(), "Again", email, url.Values{"food": {"Fleisch"}})
	link := lastLink(t, app, email)
	post(t, app, c, link, "action", "confirm")
	post(t, app, c, link, "action", "cancel")
	id, status := registrationOf(t, app, ev.id, email)
	if status != "canceled" {
		t.Fatalf("status %s after cancelling", status)
	}

	resp := registerVia(t, app, c, ev.regPath(), "Again", email, url.Values{"food": {"Vegan"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register again = %d", resp.StatusCode)
	}
	mustContain(t, resp.Body, `data-testid="check-mail"`)
	again, status := registrationOf(t, app, ev.id, email)
	if again != id || status != "pending" {
		t.Errorf("registration %d is %s, want %d pending", again, status, id)
	}
	var data []byte
	_ = app.Pool.QueryRow(t.Context(), `SELECT data FROM registrations WHERE id = $1`, id).Scan(&data)
	var answers map[string]any
	_ = json.Unmarshal(data, &answers)
	if answers["food"] != "Vegan" {
		t.Errorf("stored answers %s, want the new ones", data)
	}
	kinds := mailsTo(t, app, email)
	want := []string{"event_registration_pending", "event_registration_confirmed", "event_registration_canceled", "event_registration_pending"}
	if !slices.Equal(kinds, want) {
		t.Errorf("mails %v, want %v", kinds, want)
	}
	post(t, app, c, lastLink(t, app, email), "action", "confirm")
	if _, status := registrationOf(t, app, ev.id, email); status != "confirmed" {
		t.Errorf("confirming the new link: %s, want confirmed", status)
	}
}

// Several submits at once after cancelling reopen the registration once:
// one "please confirm" mail, no error, and no "already registered" after
// it.
func TestConcurrentSubmitsAfterCancelling(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	email := unique("again") + "@example.org"
	addRegistration(t, app, ev.id, "Returner", email, "canceled", 0)
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for range 10 {
		wg.Go(func() {
			codes <- registerVia(t, app, app.Client(), ev.regPath(), "Returner", email, nil).StatusCode
		})
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		if code != http.StatusOK {
			t.Errorf("a submit answered %d, want 200", code)
		}
	}
	if _, status := registrationOf(t, app, ev.id, email); status != "pending" {
		t.Errorf("status %s, want pending", status)
	}
	// One "please confirm" mail and no "already registered" after it.
	if kinds := mailsTo(t, app, email); !slices.Equal(kinds, []string{"event_registration_pending"}) {
		t.Errorf("mails %v, want the one pending", kinds)
	}
}
