package members_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func decisionPath(id int64, what string) string {
	return "/applications/" + strconv.FormatInt(id, 10) + "/" + what
}

func TestApplicationsNeedMemberManagement(t *testing.T) {
	app := apptest.Start(t)
	id := insertPerson(t, app, "Wartet", newAddress(t), "pending", "ordentlich")
	other, _ := app.ClientWith(t, "get_persons", "person_admin")
	board, _ := app.ClientWith(t, "member_management")

	tests := []struct {
		name       string
		client     *http.Client
		wantGet    int
		wantDecide int
	}{
		{"anonymous", app.Client(), http.StatusSeeOther, http.StatusUnauthorized},
		{"other levels", other, http.StatusForbidden, http.StatusForbidden},
		{"member_management", board, http.StatusOK, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp := app.Get(t, tt.client, "/applications"); resp.StatusCode != tt.wantGet {
				t.Errorf("GET /applications = %d, want %d", resp.StatusCode, tt.wantGet)
			}
			if tt.wantDecide < 0 {
				return
			}
			for _, what := range []string{"accept", "deny"} {
				resp := app.PostForm(t, tt.client, decisionPath(id, what), url.Values{"message": {"nein"}})
				if resp.StatusCode != tt.wantDecide {
					t.Errorf("POST %s = %d, want %d", what, resp.StatusCode, tt.wantDecide)
				}
			}
			var status string
			_ = app.Pool.QueryRow(context.Background(), `SELECT membership_status FROM persons WHERE id = $1`, id).Scan(&status)
			if status != "pending" {
				t.Fatalf("a refused decision changed the status to %q", status)
			}
		})
	}
}

func TestNavigationCountsPendingApplicationsForTheBoard(t *testing.T) {
	app := apptest.Start(t)
	insertPerson(t, app, "Zählt", newAddress(t), "pending", "ordentlich")
	count := func() (n int) {
		if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE membership_status = 'pending' AND anonymised_at IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	board, _ := app.ClientWith(t, "member_management")
	// Other tests may add applications meanwhile: the badge counts what
	// was pending at some moment between the two counts.
	before := count()
	page := app.Get(t, board, "/")
	after := count()
	mustContain(t, "the board's navigation", page.Body, `data-testid="nav-applications"`)
	badge := regexp.MustCompile(`<span id="nav-applications-count"[^>]*class="([^"]*)"[^>]*>(\d+)</span>`).FindStringSubmatch(page.Body)
	if badge == nil || strings.Contains(badge[1], "d-none") {
		t.Fatalf("the navigation shows no badge of pending applications: %q", badge)
	}
	if n, _ := strconv.Atoi(badge[2]); n < before || n > after {
		t.Errorf("the navigation's badge shows %d pending applications, want %d to %d", n, before, after)
	}
	other, _ := app.ClientWith(t, "get_persons")
	if page := app.Get(t, other, "/"); strings.Contains(page.Body, `data-testid="nav-applications"`) {
		t.Errorf("a user without member_management sees the applications link")
	}
}

func TestDenyWithAndWithoutMessage(t *testing.T) {
	app := apptest.Start(t)
	board, _ := app.ClientWith(t, "member_management")

	t.Run("with message", func(t *testing.T) {
		email := newAddress(t)
		id := insertPerson(t, app, "Abgelehnt Mit", email, "pending", "ordentlich")
		resp := app.PostForm(t, board, decisionPath(id, "deny"), url.Values{"message": {"Bitte melde dich persönlich."}},
			"HX-Request", "true")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `data-status="denied"`) {
			t.Fatalf("deny = %d:\n%s", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(resp.Header.Get("HX-Trigger"), "abgelehnt") {
			t.Errorf("no toast: %q", resp.Header.Get("HX-Trigger"))
		}
		if p := loadPerson(t, app, email); p.Status != "denied" || p.Joining != "" {
			t.Errorf("stored %+v", p)
		}
		m := lastMailTo(t, app, email, 1)
		mustContain(t, "the denial", m.Text, "Bitte melde dich persönlich.", "Abgelehnt Mit")
	})

	t.Run("without message", func(t *testing.T) {
		email := newAddress(t)
		id := insertPerson(t, app, "Abgelehnt Ohne", email, "pending", "ordentlich")
		resp := app.PostForm(t, board, decisionPath(id, "deny"), url.Values{"message": {"  "}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/applications" {
			t.Fatalf("plain deny = %d to %q, want 303 to the list", resp.StatusCode, resp.Header.Get("Location"))
		}
		if p := loadPerson(t, app, email); p.Status != "denied" {
			t.Errorf("status %q", p.Status)
		}
		var mails int
		_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE person_id = $1`, id).Scan(&mails)
		if mails != 0 {
			t.Errorf("a denial without message queued %d mails", mails)
		}
		list := app.Get(t, board, "/applications")
		if !strings.Contains(list.Body, "Abgelehnt Ohne ist abgelehnt") && !strings.Contains(list.Body, "Der Antrag von Abgelehnt Ohne ist abgelehnt") {
			t.Errorf("the list after a plain post shows no flash")
		}
		if strings.Contains(list.Body, `id="application-`+strconv.FormatInt(id, 10)+`"`) {
			t.Errorf("a denied application is still listed")
		}
	})

	t.Run("message too long", func(t *testing.T) {
		email := newAddress(t)
		id := insertPerson(t, app, "Zu Lang", email, "pending", "ordentlich")
		resp := app.PostForm(t, board, decisionPath(id, "deny"), url.Values{"message": {strings.Repeat("x", 5001)}},
			"HX-Request", "true")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "höchstens 5000 Zeichen") {
			t.Fatalf("long message = %d", resp.StatusCode)
		}
		if p := loadPerson(t, app, email); p.Status != "pending" {
			t.Errorf("status %q after a refused denial", p.Status)
		}
	})
}

// Two board members deciding at once: the second is told, nothing changes.
func TestDecidingADecidedApplicationChangesNothing(t *testing.T) {
	app := apptest.Start(t)
	board, _ := app.ClientWith(t, "member_management")
	email := newAddress(t)
	id := insertPerson(t, app, "Einmal", email, "pending", "ordentlich")
	if resp := app.PostForm(t, board, decisionPath(id, "accept"), nil, "HX-Request", "true"); resp.StatusCode != http.StatusOK {
		t.Fatalf("accept = %d", resp.StatusCode)
	}
	resp := app.PostForm(t, board, decisionPath(id, "deny"), url.Values{"message": {"zu spät"}}, "HX-Request", "true")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `data-testid="already-decided"`) ||
		!strings.Contains(resp.Body, `data-status="confirmed"`) {
		t.Fatalf("late deny = %d:\n%s", resp.StatusCode, resp.Body)
	}
	if !strings.Contains(resp.Header.Get("HX-Trigger"), "warning") {
		t.Errorf("the late decision has no warning toast: %q", resp.Header.Get("HX-Trigger"))
	}
	if p := loadPerson(t, app, email); p.Status != "confirmed" {
		t.Fatalf("the late deny changed the status to %q", p.Status)
	}
	if n := outboxCount(t, app, "membership_denied", email); n != 0 {
		t.Errorf("the late deny mailed the applicant")
	}
	if resp := app.PostForm(t, board, decisionPath(999999999, "accept"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deciding an unknown id = %d, want 404", resp.StatusCode)
	}

	// Truly at once: one welcome mail only.
	email2 := newAddress(t)
	id2 := insertPerson(t, app, "Gleichzeitig", email2, "pending", "ordentlich")
	cookies := board.Jar.Cookies(mustURL(t, app.URL))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, app.URL+decisionPath(id2, "accept"), nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			if resp, err := http.DefaultClient.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if n := outboxCount(t, app, "membership_welcome", email2); n != 1 {
		t.Errorf("%d welcome mails after concurrent accepts, want 1", n)
	}
	app.SMTP.WaitTo(t, email2, 1, mailWait)
	// The worker sends in the order mails were queued: once the welcome of
	// a later decision is out, a second welcome to email2 would be too.
	later := newAddress(t)
	if resp := app.PostForm(t, board, decisionPath(insertPerson(t, app, "Später", later, "pending", "ordentlich"), "accept"), nil,
		"HX-Request", "true"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the later accept = %d", resp.StatusCode)
	}
	app.SMTP.WaitTo(t, later, 1, mailWait)
	if n := len(app.SMTP.To(email2)); n != 1 {
		t.Errorf("%d welcome mails delivered, want 1", n)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
