package auth_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Guesses sent all at once are counted before any of them is judged, so a
// burst cannot slip past the limit while the first hashes are still being
// verified.
func TestLoginRateLimitHoldsForParallelGuesses(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	const burst = 24
	statuses := make(chan int, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- login(t, app, app.Client(), u.Username, "falsch-"+string(rune('a'+i))).StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	judged := 0
	for s := range statuses {
		switch s {
		case http.StatusUnprocessableEntity:
			judged++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("parallel guess answered %d", s)
		}
	}
	if judged > 8 {
		t.Errorf("%d of %d parallel guesses were checked, want at most 8", judged, burst)
	}
	// A right password is still refused until the window ends.
	if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("login after the burst = %d, want 429", resp.StatusCode)
	}
}

// Successful logins do not use up the account's allowance: a person who
// logs in on many devices is never locked out by that.
func TestSuccessfulLoginsDoNotCountAgainstTheLimit(t *testing.T) {
	app := apptest.Start(t)
	stopClocks(app)
	u := newUser(t, app, "richtig-geheim")
	for i := range 12 {
		if resp := login(t, app, app.Client(), u.Username, "richtig-geheim"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %d = %d, want 303", i+1, resp.StatusCode)
		}
	}
	for i := range 8 {
		if resp := login(t, app, app.Client(), u.Username, "falsch-geheim"); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d after the logins = %d, want 422", i+1, resp.StatusCode)
		}
	}
}

// A client with an IPv6 network has a whole /64 of addresses to pick from;
// counting each address apart would give it endless tries.
func TestLoginRateLimitCountsIPv6Networks(t *testing.T) {
	app := apptest.Start(t, apptest.Env("TRUSTED_PROXIES", "127.0.0.1/32"))
	stopClocks(app)
	for i := range 30 {
		addr := "2001:db8:1:2::" + string(rune('a'+i%6)) + string(rune('0'+i/6))
		resp := login(t, app, app.Client(), "guess"+string(rune('a'+i)), "falsch-geheim", "X-Forwarded-For", addr)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d = %d, want 422", i+1, resp.StatusCode)
		}
	}
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", "2001:db8:1:2:ffff::1"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("31st failure from the same /64 = %d, want 429", resp.StatusCode)
	}
	if resp := login(t, app, app.Client(), "fresh-name", "falsch-geheim", "X-Forwarded-For", "2001:db8:1:3::1"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another /64 = %d, want 422", resp.StatusCode)
	}
}
