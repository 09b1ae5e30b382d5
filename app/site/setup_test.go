package site_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/site"
)

// freshApp runs an app on a new, migrated database without any user.
func freshApp(t *testing.T) *apptest.App {
	t.Helper()
	return apptest.Start(t, apptest.FreshDatabase(t, "setup"))
}

var setupURL = regexp.MustCompile(`setup_url=(\S+)`)

// announce runs AnnounceSetup and returns the path of the link it
// logged, "" for none.
func announce(t *testing.T, app *apptest.App) string {
	t.Helper()
	var log bytes.Buffer
	base, _ := url.Parse(app.URL)
	if err := site.AnnounceSetup(t.Context(), app.Pool, base, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
		t.Fatal(err)
	}
	m := setupURL.FindStringSubmatch(log.String())
	if m == nil {
		return ""
	}
	if !strings.HasPrefix(m[1], app.URL+"/setup/") {
		t.Fatalf("the link %s is not on the app's address", m[1])
	}
	return strings.TrimPrefix(m[1], app.URL)
}

func setupForm(name string) url.Values {
	return url.Values{"org_name": {"Verein B"}, "contact_address": {"vorstand@verein-b.example"}, "website": {"https://verein-b.example"}, "name": {"Berta " + name},
		"email": {name + "@verein-b.example"}, "username": {name}, "password": {"ein langes Passwort"}, "confirm": {"ein langes Passwort"}}
}

// Two pages sent at once with one link: one creates the admin, the other
// is told the link is used. Afterwards every setup link is dead, and no
// new one is printed.
func TestSetupRace(t *testing.T) {
	app := freshApp(t)
	link := announce(t, app)
	if link == "" {
		t.Fatal("no setup link on a database without users")
	}
	if again := announce(t, app); again != "" {
		t.Errorf("a second instance starting at once printed a second link %s", again)
	}
	// A later start (a minute on) prints another link, as the first
	// instance's log may be gone.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE tokens SET created_at = created_at - interval '2 minutes'`); err != nil {
		t.Fatal(err)
	}
	second := announce(t, app)
	if second == "" || second == link {
		t.Fatalf("a later start printed %q", second)
	}
	statuses := make([]int, 3)
	var wg sync.WaitGroup
	for i, l := range []string{link, link, second} {
		wg.Go(func() {
			statuses[i] = app.PostForm(t, app.Client(), l, setupForm("admin"+string(rune('a'+i)))).StatusCode
		})
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case http.StatusSeeOther:
			won++
		case http.StatusGone:
		default:
			t.Errorf("status %d, want 303 or 410", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d setups succeeded (%v), want 1", won, statuses)
	}
	var users, admins int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin')) FROM users u`).Scan(&users, &admins); err != nil {
		t.Fatal(err)
	}
	if users != 1 || admins != 1 {
		t.Errorf("%d users, %d admins after the race; want 1 each", users, admins)
	}
	var levels int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM role_access_levels WHERE role = 'admin'`).Scan(&levels); err != nil {
		t.Fatal(err)
	}
	if want := len(app.Server.Registry.Levels()); levels != want || want < 10 {
		t.Errorf("the admin role holds %d levels, want every one of %d", levels, want)
	}
	for _, l := range []string{link, second} {
		if resp := app.Get(t, app.Client(), l); resp.StatusCode != http.StatusGone || !strings.Contains(resp.Body, "abgelaufen oder wurde schon benutzt") {
			t.Errorf("GET %s after setup = %d, want 410 with the reason", l, resp.StatusCode)
		}
	}
	if l := announce(t, app); l != "" {
		t.Errorf("after setup a start printed %s", l)
	}
	var website string
	if err := app.Pool.QueryRow(t.Context(), `SELECT website FROM site_settings`).Scan(&website); err != nil || website != "https://verein-b.example" {
		t.Errorf("the website set up is %q (%v)", website, err)
	}
}

// An expired link and a made-up one are refused with a clear message;
// bad fields are refused with messages and use nothing up.
func TestSetupRefusals(t *testing.T) {
	app := freshApp(t)
	link := announce(t, app)
	bad := setupForm("x")
	bad.Set("contact_address", "kein-at")
	bad.Set("confirm", "anders")
	bad.Set("username", "mit leerzeichen")
	bad.Set("org_name", strings.Repeat("V", 201))
	bad.Set("website", "verein-b.example")
	resp := app.PostForm(t, app.Client(), link, bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad fields = %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{`data-testid="contact_address-error"`, `data-testid="confirm-error"`, `data-testid="username-error"`, `data-testid="org_name-error"`,
		`data-testid="website-error"`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("no %s", want)
		}
	}
	short := setupForm("x")
	short.Set("password", "kurz")
	short.Set("confirm", "kurz")
	if resp := app.PostForm(t, app.Client(), link, short, "Accept-Language", "en"); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(resp.Body, "at least 10 characters") {
		t.Errorf("short password = %d", resp.StatusCode)
	}
	for _, odd := range []string{"Berta\x00", "Berta\xff", strings.Repeat("B", 2<<20)} {
		f := setupForm("odd")
		f.Set("name", odd)
		if resp := app.PostForm(t, app.Client(), link, f); resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("name %.12q = %d, want 422 or 413", odd, resp.StatusCode)
		}
	}
	if resp := app.Get(t, app.Client(), link); resp.StatusCode != http.StatusOK {
		t.Fatalf("after refused forms the link = %d, want 200", resp.StatusCode)
	}
	unknown := "/setup/" + strings.Repeat("A", 43)
	if resp := app.Get(t, app.Client(), unknown, "Accept-Language", "en"); resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Body, "copy the whole link") {
		t.Errorf("unknown link = %d", resp.StatusCode)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE tokens SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if resp := app.Get(t, app.Client(), link, "Accept-Language", "en"); resp.StatusCode != http.StatusGone || !strings.Contains(resp.Body, "has expired or was already used") {
		t.Errorf("expired link = %d", resp.StatusCode)
	}
	if resp := app.PostForm(t, app.Client(), link, setupForm("late")); resp.StatusCode != http.StatusGone {
		t.Errorf("expired link posted = %d, want 410", resp.StatusCode)
	}
	var users int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM users`).Scan(&users); err != nil || users != 0 {
		t.Errorf("%d users after refusals (%v)", users, err)
	}
}

// Instances starting at the same moment print one link between them.
func TestSetupLinkOncePerStart(t *testing.T) {
	app := freshApp(t)
	links := make([]string, 4)
	var wg sync.WaitGroup
	for i := range links {
		wg.Go(func() { links[i] = announce(t, app) })
	}
	wg.Wait()
	printed := 0
	for _, l := range links {
		if l != "" {
			printed++
		}
	}
	if printed != 1 {
		t.Errorf("4 instances starting at once printed %d links, want 1", printed)
	}
}
