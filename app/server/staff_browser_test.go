package server_test

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/members"
)

// staffData is what the staff pages of TestBrowserStaffPages show: the
// demo events, registrations and persons, a role, a failed mail and an
// audit entry.
type staffData struct {
	event        int64 // the toolbox workshop, with registrations in every state
	registration int64 // its first, and that one's person
	person       int64
	mail         int64
}

var (
	staffOnce sync.Once
	staff     staffData
	staffErr  error
)

// seedStaffPages writes the demo data once per test binary: its events
// and persons have fixed names and addresses.
func seedStaffPages(t *testing.T, app *apptest.App) staffData {
	t.Helper()
	staffOnce.Do(func() {
		ctx := t.Context()
		staffErr = pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			if err := events.Seed(ctx, tx, io.Discard); err != nil {
				return err
			}
			if err := members.Seed(ctx, tx, io.Discard); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT e.id, r.id, r.person_id FROM events e JOIN registrations r ON r.event_id = e.id
				WHERE e.shortlink = 'toolbox' ORDER BY r.id LIMIT 1`).Scan(&staff.event, &staff.registration, &staff.person); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status, attempts, last_error)
				VALUES ('test', ARRAY['staff-pages@example.org'], 'Anreise', 'Wir treffen uns am Bahnhof.', 'failed', 1, '550 Mailbox unavailable')
				RETURNING id`).Scan(&staff.mail); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO roles (name) VALUES ('Kassenprüfung') ON CONFLICT DO NOTHING;
				INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value)
				VALUES ('demo', 'persons', '1', 'name', 'Ada', 'Ada Lovelace')`)
			return err
		})
	})
	if staffErr != nil {
		t.Fatalf("seeding the staff pages' data: %v", staffErr)
	}
	return staff
}

// Every staff page, in German and English, on a phone and on a desktop.
// The browser checks each page it opens for accessibility (axe-core,
// WCAG 2.1 A and AA, see apptest.Browser.Accessible); here nothing may
// be wider than the window either.
func TestBrowserStaffPages(t *testing.T) {
	app := apptest.Start(t)
	data := seedStaffPages(t, app)
	pages := []struct{ path, ready string }{
		{"/admin/", `[data-testid="admin-index"]`},
		{"/admin/persons", `[data-testid="list"]`},
		{fmt.Sprintf("/admin/persons/%d", data.person), `main form`},
		{"/admin/tu_status", `[data-testid="list"]`},
		{"/admin/membership-types", `[data-testid="list"]`},
		{"/admin/events", `[data-testid="list"]`},
		{fmt.Sprintf("/admin/events/%d", data.event), `#af-registration_schema`},
		{"/admin/registrations", `[data-testid="list"]`},
		{fmt.Sprintf("/admin/registrations/%d", data.registration), `main form`},
		{"/admin/users", `[data-testid="list"]`},
		{"/admin/users/{me}", `[data-testid="choices-role"]`},
		{"/admin/roles", `[data-testid="list"]`},
		{"/admin/access_levels", `[data-testid="list"]`},
		{"/admin/audit", `main h1`},
		{"/admin/deletion_requests", `main h1`},
		{"/admin/privacy", `[data-testid="privacy-due"]`},
		{"/admin/fees", `main h1`},
		{"/admin/mail", `[data-testid="mail-outbox"]`},
		{fmt.Sprintf("/admin/mail/%d", data.mail), `main h1`},
		{"/applications", `[data-testid="applications"]`},
		{fmt.Sprintf("/events/%d/participants/", data.event), `[data-testid="participants-table"]`},
		{fmt.Sprintf("/events/%d/write_mail/", data.event), `[data-testid="mail-form"]`},
		{fmt.Sprintf("/events/%d/checkin/?q=a", data.event), `[data-testid="checkin-form"]`},
	}
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			t.Run(fmt.Sprintf("%s/%dx%d", lang, size[0], size[1]), func(t *testing.T) {
				b := apptest.NewBrowser(t, size[0], size[1])
				setLanguage(t, app, b, lang)
				me := b.Login(t, app, app.Server.Registry.Levels()...)
				for _, p := range pages {
					path := strings.ReplaceAll(p.path, "{me}", fmt.Sprint(me.ID))
					b.Do(t, "open "+path, chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
					b.Screenshot(t, fmt.Sprintf("staff-%s-%s-%dx%d", path, lang, size[0], size[1]))
					b.FitsWidth(t)
				}
				// An open inline editor, and the mail's preview.
				b.Do(t, "open a name's editor", chromedp.Navigate(app.URL+"/admin/persons"),
					chromedp.Click(chromedp.CSS(`td[data-field="name"] button`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="edit-cell"] [name="value"]`)))
				b.Accessible(t)
				b.Do(t, "preview a mail", chromedp.Navigate(fmt.Sprintf("%s/events/%d/write_mail/", app.URL, data.event)),
					chromedp.SendKeys(chromedp.CSS(`#mail-subject`), "Anreise"),
					chromedp.SendKeys(chromedp.CSS(`#mail-body`), "Wir treffen uns am Bahnhof."),
					chromedp.Click(chromedp.CSS(`[data-testid="preview"]`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="preview-text"]`)))
				b.Screenshot(t, fmt.Sprintf("staff-mail-preview-%s-%dx%d", lang, size[0], size[1]))
				b.FitsWidth(t)
				b.NoConsoleErrors(t)
			})
		}
	}
}
