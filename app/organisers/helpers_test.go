package organisers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var seq atomic.Int64

// testEvent is an event made for one test, written with plain SQL so these
// tests do not depend on the events domain's code.
type testEvent struct {
	ID        int64
	Shortlink string
}

func newEvent(t *testing.T, app *apptest.App, name, schema string) testEvent {
	t.Helper()
	n := seq.Add(1)
	ev := testEvent{Shortlink: fmt.Sprintf("orga-%d", n)}
	err := app.Pool.QueryRow(context.Background(), `
		INSERT INTO events (name, shortlink, registration_open, registration_schema)
		VALUES ($1, $2, true, $3::json) RETURNING id`, name, ev.Shortlink, schema).Scan(&ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// testRegistration describes a registration to insert.
type testRegistration struct {
	Name   string
	Email  string // made unique when empty
	Lang   string
	Status string
	Data   string // JSON answers
	// Confirmed is the confirmation time; zero leaves it NULL.
	Confirmed time.Time
}

type createdRegistration struct {
	ID       int64
	PersonID int64
	Email    string
}

func register(t *testing.T, app *apptest.App, ev testEvent, r testRegistration) createdRegistration {
	t.Helper()
	ctx := context.Background()
	if r.Email == "" {
		r.Email = fmt.Sprintf("p%d.%d@example.org", seq.Add(1), ev.ID)
	}
	if r.Lang == "" {
		r.Lang = "de"
	}
	if r.Data == "" {
		r.Data = "{}"
	}
	var confirmed *time.Time
	if !r.Confirmed.IsZero() {
		confirmed = &r.Confirmed
	}
	var c createdRegistration
	c.Email = r.Email
	err := app.Pool.QueryRow(ctx, `INSERT INTO persons (name, email, language) VALUES ($1, $2, $3) RETURNING id`,
		r.Name, r.Email, r.Lang).Scan(&c.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	err = app.Pool.QueryRow(ctx, `
		INSERT INTO registrations (event_id, person_id, status, data, confirmed_at)
		VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id`, ev.ID, c.PersonID, r.Status, r.Data, confirmed).Scan(&c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at is a fixed time, minutes after a base, for ordering registrations.
func at(minutes int) time.Time {
	return time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

func count(t *testing.T, app *apptest.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := app.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantStatus(t *testing.T, resp apptest.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		body := resp.Body
		if len(body) > 2000 {
			body = body[:2000]
		}
		t.Fatalf("status %d, want %d; body:\n%s", resp.StatusCode, want, body)
	}
}

func wantContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("body lacks %q", p)
		}
	}
}

func wantNotContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("body contains %q", p)
		}
	}
}

// anonymous is a client without a session.
func anonymous(app *apptest.App) *http.Client { return app.Client() }
