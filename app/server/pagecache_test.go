package server_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

var personalLink = regexp.MustCompile(`/events/registration/[A-Za-z0-9_-]{43}/`)

// The page cache never shows free places that are gone: the last place
// taken, an anonymous visitor's next look at the form says it is booked
// out, however long the cache keeps pages.
func TestCachedFormShowsTheLastPlaceGone(t *testing.T) {
	app := apptest.Start(t, apptest.Env("PAGE_CACHE_TTL", "1m"))
	_, err := app.Pool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema, max_participants)
		VALUES ('Letzter Platz', 'last-place', true, '{"type": "object", "properties": {}}', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	visitor := app.Client()
	form := "/events/last-place/registration/"
	if page := app.Get(t, visitor, form); !strings.Contains(page.Body, `data-testid="free-places"`) {
		t.Fatalf("the form does not show its free place:\n%s", page.Body)
	}
	email := "last.place@example.org"
	app.PostForm(t, app.Client(), form, url.Values{"name": {"Letzte Person"}, "email": {email}})
	msgs := app.SMTP.WaitTo(t, email, 1, 10*time.Second)
	link := personalLink.FindString(msgs[0].Text)
	if link == "" {
		t.Fatalf("no personal link in:\n%s", msgs[0].Text)
	}
	if resp := app.PostForm(t, app.Client(), link, url.Values{"action": {"confirm"}}); resp.StatusCode >= 400 {
		t.Fatalf("confirming = %d", resp.StatusCode)
	}
	page := app.Get(t, visitor, form)
	if strings.Contains(page.Body, `data-testid="free-places"`) || !strings.Contains(page.Body, `data-testid="booked-out"`) {
		t.Errorf("after the last place was taken the cached form still offers it")
	}
}

// Instances drop each other's cached pages: the last place taken through
// instance A, instance B's form, cached for a minute, says so within a
// second.
func TestCachedPagesOfOtherInstancesFollowWithinASecond(t *testing.T) {
	a := apptest.Start(t, apptest.Env("PAGE_CACHE_TTL", "1m"))
	b := apptest.Start(t, apptest.Env("PAGE_CACHE_TTL", "1m"))
	_, err := a.Pool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema, max_participants)
		VALUES ('Letzter Platz zweier Instanzen', 'last-place-2', true, '{"type": "object", "properties": {}}', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	form := "/events/last-place-2/registration/"
	visitor := b.Client()
	apptest.Eventually(t, 5*time.Second, "instance B to cache the form with its free place", func() bool {
		return strings.Contains(b.Get(t, visitor, form).Body, `data-testid="free-places"`)
	})
	email := "last.place.two@example.org"
	a.PostForm(t, a.Client(), form, url.Values{"name": {"Letzte Person"}, "email": {email}})
	link := personalLink.FindString(a.SMTP.WaitTo(t, email, 1, 10*time.Second)[0].Text)
	if link == "" {
		t.Fatal("no personal link in the mail")
	}
	if resp := a.PostForm(t, a.Client(), link, url.Values{"action": {"confirm"}}); resp.StatusCode >= 400 {
		t.Fatalf("confirming = %d", resp.StatusCode)
	}
	apptest.Eventually(t, time.Second, "instance B's form to show the event booked out", func() bool {
		page := b.Get(t, visitor, form).Body
		return strings.Contains(page, `data-testid="booked-out"`) && !strings.Contains(page, `data-testid="free-places"`)
	})
}
