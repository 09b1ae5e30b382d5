package legacy_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/legacy"
	"github.com/pepalumni/memberdb/app/legacy/legacytest"
)

// The imported data used through the running app: the package's database
// holds the import, since the app runs on it. Only this test uses it.
func TestImportedDataInTheApp(t *testing.T) {
	pool := dbtest.Pool(t)
	importLegacy(t, pool, legacytest.SQLiteURL(t), legacy.Options{})
	app := apptest.Start(t)

	t.Run("old passwords log in and are replaced by argon2id", func(t *testing.T) {
		tests := []struct {
			login, password, person, wantFormat string
		}{
			{"friederike.loessner@pep-dortmund.org", "admin-Passwort-2019", "Friederike Lößner", "pbkdf2:sha256:260000$"},
			{"vorstand", "Vorstand#Dortmund24", "Jürgen Müller", "scrypt:32768:8:1$"},
			{"orga", "orga-toolbox-2024", "Lea Schäfer", "pbkdf2:sha256:260000$"},
			{"EHEMALIG", "Grüße aus Dortmund!", "Gerd Düsterhöft", "scrypt:32768:8:1$"},
		}
		for _, tt := range tests {
			t.Run(tt.login, func(t *testing.T) {
				hash := func() string {
					return queryString(t, pool, `SELECT u.password_hash FROM users u JOIN persons p ON p.id = u.person_id
						WHERE lower(u.username) = lower($1) OR lower(p.email) = lower($1)`, tt.login)
				}
				if h := hash(); !strings.HasPrefix(h, tt.wantFormat) {
					t.Fatalf("stored hash %q is not the old %s", h, tt.wantFormat)
				}
				if resp := login(t, app, app.Client(), tt.login, tt.password+"x"); resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("a wrong password = %d, want 422", resp.StatusCode)
				}
				if h := hash(); !strings.HasPrefix(h, tt.wantFormat) {
					t.Fatal("a failed login replaced the hash")
				}
				c := app.Client()
				if resp := login(t, app, c, tt.login, tt.password); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("login with the old password = %d, want 303:\n%s", resp.StatusCode, resp.Body)
				}
				if home := app.Get(t, c, "/"); !strings.Contains(home.Body, tt.person) {
					t.Errorf("after login the page does not name %s", tt.person)
				}
				argon := hash()
				if !strings.HasPrefix(argon, "$argon2id$") {
					t.Fatalf("after login the hash is %q, want argon2id", argon)
				}
				if resp := login(t, app, app.Client(), tt.login, tt.password); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("the next login = %d, want 303", resp.StatusCode)
				}
				if hash() != argon {
					t.Error("the argon2id hash was replaced again")
				}
			})
		}
	})

	t.Run("the full graduation ceremony puts a new registration on the waiting list", func(t *testing.T) {
		counts := func() string {
			return queryString(t, pool, `SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
				FROM (SELECT status, count(*) AS n FROM registrations WHERE event_id = 1 GROUP BY status) s`)
		}
		if got := counts(); got != "canceled=1 confirmed=3 pending=2 waitinglist=2" {
			t.Fatalf("imported absolventenfeier: %s", got)
		}
		c := app.Client()
		page := app.Get(t, c, "/events/absolventenfeier/registration/")
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `data-testid="booked-out"`) {
			t.Fatalf("registration page = %d, want it booked out", page.StatusCode)
		}
		var ev struct {
			FreePlaces *int `json:"free_places"`
		}
		if err := json.Unmarshal([]byte(app.Get(t, c, "/events/1/", "Accept", "application/json").Body), &ev); err != nil ||
			ev.FreePlaces == nil || *ev.FreePlaces != 0 {
			t.Errorf("event JSON free places = %v, %v; want 0", ev.FreePlaces, err)
		}
		email := "neu.absolventin@example.org"
		resp := app.PostForm(t, c, "/events/absolventenfeier/registration/", url.Values{
			"name": {"Neue Absolventin"}, "email": {email}, "course": {"Physik"}, "degree": {"Master"},
			"chair": {"E5"}, "guests": {"2"}, "title": {`Messung von $\beta$`}, "valid_exam_date": {"on"},
		})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("register = %d:\n%s", resp.StatusCode, resp.Body)
		}
		link := personalLink(t, email)
		if resp := app.PostForm(t, c, link, url.Values{"action": {"confirm"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm = %d", resp.StatusCode)
		}
		if got := counts(); got != "canceled=1 confirmed=3 pending=2 waitinglist=3" {
			t.Errorf("after the new confirmation: %s", got)
		}
		status := queryString(t, pool, `SELECT r.status FROM registrations r JOIN persons p ON p.id = r.person_id
			WHERE r.event_id = 1 AND p.email = $1`, email)
		if status != "waitinglist" {
			t.Errorf("the new registration is %s, want waitinglist", status)
		}
		if id := queryInt(t, pool, `SELECT r.id FROM registrations r JOIN persons p ON p.id = r.person_id WHERE p.email = $1`, email); id != 61 {
			t.Errorf("the new registration has id %d, want 61 (past the imported ids)", id)
		}
	})

	t.Run("imported pending applications reach the board", func(t *testing.T) {
		c, _ := app.ClientWith(t, "member_management")
		page := app.Get(t, c, "/applications")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("/applications = %d", page.StatusCode)
		}
		rows, _ := pool.Query(t.Context(), `SELECT email FROM persons WHERE membership_status = 'pending'`)
		emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(emails) != 4 {
			t.Fatalf("pending persons %v, %v", emails, err)
		}
		for _, e := range emails {
			if !strings.Contains(page.Body, e) {
				t.Errorf("/applications does not list %s", e)
			}
		}
	})

	t.Run("old registration links get the page offering to send them again", func(t *testing.T) {
		// The old app signed (person id, registration id) with its secret.
		old := "/events/registration/WzMsIDNd.Xb5mS0n3q0nQm1bA7cRkqg2d0lE/"
		resp := app.Get(t, app.Client(), old)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Body, "lass dir die Links neu schicken") {
			t.Errorf("old link = %d:\n%s", resp.StatusCode, resp.Body)
		}
		if resp := app.Get(t, app.Client(), "/events/resend_emails/"); resp.StatusCode != http.StatusOK {
			t.Errorf("resend page = %d", resp.StatusCode)
		}
	})
}

func login(t *testing.T, app *apptest.App, c *http.Client, userOrEmail, password string) apptest.Response {
	t.Helper()
	return app.PostForm(t, c, "/login/", url.Values{"user_or_email": {userOrEmail}, "password": {password}})
}

var personalLinkRE = regexp.MustCompile(`/events/registration/[A-Za-z0-9_-]+/`)

// personalLink is the link in the newest mail queued to email.
func personalLink(t *testing.T, email string) string {
	t.Helper()
	pool := dbtest.Pool(t)
	body := apptest.EventuallyValue(t, 5*time.Second, "a mail queued to "+email, func() (string, bool) {
		var body string
		err := pool.QueryRow(t.Context(), `SELECT body_text FROM mail_outbox
			WHERE EXISTS (SELECT 1 FROM unnest(to_addrs) a WHERE a = $1 OR a LIKE '%<' || $1 || '>')
			ORDER BY id DESC LIMIT 1`, email).Scan(&body)
		if err != nil {
			return err.Error(), false
		}
		return body, true
	})
	link := personalLinkRE.FindString(body)
	if link == "" {
		t.Fatalf("no link in the mail to %s:\n%s", email, body)
	}
	return link
}
