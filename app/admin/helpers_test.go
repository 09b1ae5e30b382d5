package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// htmx are the headers of an htmx request that wants a fragment.
var htmx = []string{"HX-Request", "true"}

var seq atomic.Int64

// unique returns a name no other test uses.
func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

func exec(t *testing.T, app *apptest.App, sql string, args ...any) {
	t.Helper()
	if _, err := app.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// scalar reads one value.
func scalar[T any](t *testing.T, app *apptest.App, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := app.Pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// newPerson inserts a person and returns their id.
func newPerson(t *testing.T, app *apptest.App, name, email string) int64 {
	t.Helper()
	return scalar[int64](t, app, `INSERT INTO persons (name, email, email_valid) VALUES ($1, $2, true) RETURNING id`, name, email)
}

// newEvent inserts an event with max places (nil: unlimited).
func newEvent(t *testing.T, app *apptest.App, name string, max *int) int64 {
	t.Helper()
	return scalar[int64](t, app, `INSERT INTO events (name, max_participants, registration_open) VALUES ($1, $2, true) RETURNING id`, name, max)
}

// newRegistration inserts a registration with status; confirmed and
// waiting list get a confirmation time in insertion order.
func newRegistration(t *testing.T, app *apptest.App, eventID, personID int64, status string) int64 {
	t.Helper()
	return scalar[int64](t, app, `INSERT INTO registrations (event_id, person_id, status, confirmed_at)
		VALUES ($1, $2, $3, CASE WHEN $3 IN ('confirmed', 'waitinglist') THEN clock_timestamp() END) RETURNING id`, eventID, personID, status)
}

func intp(n int) *int { return &n }

func post(t *testing.T, app *apptest.App, c *http.Client, path string, form url.Values, headers ...string) apptest.Response {
	t.Helper()
	return app.PostForm(t, c, path, form, headers...)
}

func wantStatus(t *testing.T, resp apptest.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		body := resp.Body
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s %s = %d, want %d\n%s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}

func wantBody(t *testing.T, resp apptest.Response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(resp.Body, s) {
			t.Errorf("%s %s: body lacks %q", resp.Request.Method, resp.Request.URL.Path, s)
		}
	}
}

func notBody(t *testing.T, resp apptest.Response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(resp.Body, s) {
			t.Errorf("%s %s: body shows %q", resp.Request.Method, resp.Request.URL.Path, s)
		}
	}
}

var rowIDs = regexp.MustCompile(`<tr id="([a-z_]+-[0-9a-f]+)"`)

// rowOrder lists the DOM ids of the rows in the body, in order.
func rowOrder(body string) []string {
	var out []string
	for _, m := range rowIDs.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// auditEntries counts the audit entries of a row's field ("" for whole-row
// entries, "*" for any field).
func auditEntries(t *testing.T, app *apptest.App, table, row, field string) int {
	t.Helper()
	if field == "*" {
		return scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = $1 AND row_id = $2`, table, row)
	}
	return scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = $1 AND row_id = $2 AND field = $3`, table, row, field)
}
