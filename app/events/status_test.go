package events_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail"
)

func service(app *apptest.App) *events.Service {
	return events.NewService(app.Config, mail.NewBook(mail.Org{Name: "PeP et al. e.V.", Signature: "PeP"}))
}

func statusOf(t testing.TB, app *apptest.App, id int64) string {
	t.Helper()
	var s string
	if err := app.Pool.QueryRow(t.Context(), `SELECT status FROM registrations WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCancellingMovesFirstWaitingUpAndMailsThem(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1), notify: "orga-cancel@example.org"})
	_, link := addRegistration(t, app, ev.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
	firstEmail := unique("first") + "@example.org"
	first, _ := addRegistration(t, app, ev.id, "First Waiting", firstEmail, "waitinglist", 30*time.Minute)
	second, _ := addRegistration(t, app, ev.id, "Second Waiting", unique("second")+"@example.org", "waitinglist", 10*time.Minute)
	c := app.Client()

	page := app.Get(t, c, link)
	mustContain(t, page.Body, `data-testid="cancel-section"`, `data-testid="cancel-confirm"`)
	if resp := post(t, app, c, link, "action", "cancel"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", resp.StatusCode)
	}
	if s := statusOf(t, app, first); s != "confirmed" {
		t.Errorf("first waiting is %s, want confirmed", s)
	}
	if s := statusOf(t, app, second); s != "waitinglist" {
		t.Errorf("second waiting is %s, want still waiting", s)
	}
	page = app.Get(t, c, link)
	mustContain(t, page.Body, `data-status="canceled"`, `data-testid="confirm"`) // register again
	msgs := app.SMTP.WaitTo(t, firstEmail, 1, 10*time.Second)
	if !strings.Contains(msgs[0].Subject, "nachgerückt") || !strings.Contains(msgs[0].Text, "/events/registration/") {
		t.Errorf("moved-up mail: %q\n%s", msgs[0].Subject, msgs[0].Text)
	}
	// Cancelling twice changes nothing more.
	post(t, app, c, link, "action", "cancel")
	if counts := statusCounts(t, app, ev.id); counts["confirmed"] != 1 || counts["waitinglist"] != 1 {
		t.Errorf("after a second cancel: %v", counts)
	}
}

func TestRaisingCapacityMovesSeveralUp(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	addRegistration(t, app, ev.id, "Holder", unique("h")+"@example.org", "confirmed", time.Hour)
	var waiting []int64
	var emails []string
	for i := range 4 {
		email := unique("wait") + "@example.org"
		id, _ := addRegistration(t, app, ev.id, fmt.Sprintf("Waiting %d", i), email, "waitinglist", time.Duration(40-i)*time.Minute)
		waiting = append(waiting, id)
		emails = append(emails, email)
	}
	ctx := context.Background()
	var moved []int64
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE events SET max_participants = 3 WHERE id = $1`, ev.id); err != nil {
			return err
		}
		var err error
		moved, err = service(app).FillFreePlaces(ctx, tx, ev.id, events.Actor{Name: "admin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 2 || moved[0] != waiting[0] || moved[1] != waiting[1] {
		t.Errorf("moved %v, want the first two waiting %v", moved, waiting[:2])
	}
	for i, id := range waiting {
		want := "waitinglist"
		if i < 2 {
			want = "confirmed"
		}
		if s := statusOf(t, app, id); s != want {
			t.Errorf("waiting %d is %s, want %s", i, s, want)
		}
	}
	app.SMTP.WaitTo(t, emails[0], 1, 10*time.Second)
	app.SMTP.WaitTo(t, emails[1], 1, 10*time.Second)
	if got := mailsTo(t, app, emails[2]); len(got) != 0 {
		t.Errorf("the third waiting person got %v", got)
	}

	// Unlimited places move everyone up.
	err = pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE events SET max_participants = NULL WHERE id = $1`, ev.id); err != nil {
			return err
		}
		_, err := service(app).FillFreePlaces(ctx, tx, ev.id, events.Actor{Name: "admin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if counts := statusCounts(t, app, ev.id); counts["confirmed"] != 5 {
		t.Errorf("unlimited: %v, want all 5 confirmed", counts)
	}
}

func TestChangeStatusForTheAdmin(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	holder, _ := addRegistration(t, app, ev.id, "Holder", unique("h")+"@example.org", "confirmed", time.Hour)
	waiting, _ := addRegistration(t, app, ev.id, "Waiting", unique("w")+"@example.org", "waitinglist", 30*time.Minute)
	pending, _ := addRegistration(t, app, ev.id, "Pending", unique("p")+"@example.org", "pending", 0)
	ctx := context.Background()
	admin := events.Actor{Name: "admin"}
	change := func(id int64, status string, over bool) (events.Outcome, error) {
		var out events.Outcome
		err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
			var err error
			out, err = service(app).ChangeStatus(ctx, tx, id, status, admin, over)
			return err
		})
		return out, err
	}
	if _, err := change(pending, "confirmed", false); !errors.Is(err, events.ErrEventFull) {
		t.Errorf("confirming beyond capacity: %v, want ErrEventFull", err)
	}
	if _, err := change(pending, "bogus", false); !errors.Is(err, events.ErrBadStatus) {
		t.Errorf("unknown status: %v, want ErrBadStatus", err)
	}
	if out, err := change(pending, "confirmed", true); err != nil || !out.Changed || out.Status != "confirmed" {
		t.Errorf("confirming over capacity on purpose: %+v, %v", out, err)
	}
	// Cancelling one of two confirmed on a one-place event frees nothing.
	if out, err := change(holder, "canceled", false); err != nil || len(out.MovedUp) != 0 {
		t.Errorf("cancel while over capacity: %+v, %v", out, err)
	}
	if out, err := change(pending, "canceled", false); err != nil || len(out.MovedUp) != 1 || out.MovedUp[0] != waiting {
		t.Errorf("cancel frees a place: %+v, %v; want %d moved up", out, err, waiting)
	}
	// The one who moved up did nothing; the history says the waiting list
	// moved, not that the admin (or whoever cancelled) confirmed them.
	var actor, cancelledBy string
	_ = app.Pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE table_name = 'registrations' AND row_id = $1 AND field = 'status' ORDER BY id DESC LIMIT 1`,
		fmt.Sprint(waiting)).Scan(&actor)
	if actor != audit.ActorWaitingList {
		t.Errorf("the move up is recorded for %q, want %q", actor, audit.ActorWaitingList)
	}
	_ = app.Pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE table_name = 'registrations' AND row_id = $1 AND field = 'status' ORDER BY id DESC LIMIT 1`,
		fmt.Sprint(pending)).Scan(&cancelledBy)
	if cancelledBy != "admin" {
		t.Errorf("the cancellation is recorded for %q, want admin", cancelledBy)
	}
}

// The organisers' notice counts the places after each change, made inside
// the transaction that holds the event lock.
func TestOrganiserNoticeCountsPlacesAfterEachChange(t *testing.T) {
	app := apptest.Start(t)
	orga := unique("orga-count") + "@example.org"
	ev := createEvent(t, app, testEvent{max: places(1), notify: orga})
	_, first := addRegistration(t, app, ev.id, "Erste Person", unique("erste")+"@example.org", "pending", 0)
	_, second := addRegistration(t, app, ev.id, "Zweite Person", unique("zweite")+"@example.org", "pending", 0)
	c := app.Client()
	steps := []struct {
		link, action string
		notices      int
		want         []string
	}{
		{first, "confirm", 1, []string{"Erste Person", "Bestätigt: 1 von 1, Warteliste: 0"}},
		{second, "confirm", 2, []string{"Zweite Person", "Warteliste (Platz 1)", "Bestätigt: 1 von 1, Warteliste: 1"}},
		// Cancelling tells the free place first, then who moved up.
		{first, "cancel", 3, []string{"Erste Person", "Bestätigt: 0 von 1, Warteliste: 1"}},
		{"", "", 4, []string{"Zweite Person", "Bestätigt: 1 von 1, Warteliste: 0"}},
	}
	for _, s := range steps {
		if s.link != "" {
			if resp := post(t, app, c, s.link, "action", s.action); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s = %d", s.action, resp.StatusCode)
			}
		}
		msgs := app.SMTP.WaitTo(t, orga, s.notices, 10*time.Second)
		notice := msgs[s.notices-1].Text
		for _, w := range s.want {
			if !strings.Contains(notice, w) {
				t.Errorf("notice %d lacks %q:\n%s", s.notices, w, notice)
			}
		}
	}
}

// The kept counts (migration 0070) follow every way a registration
// changes, not only the ones that go through this package.
func TestEventCountsFollowEveryChangeOfRegistrations(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(5)})
	other := createEvent(t, app, testEvent{})
	check := func(step string) {
		t.Helper()
		var stored, counted [2]int
		err := app.Pool.QueryRow(t.Context(), `SELECT c.confirmed, c.waiting,
			(SELECT count(*) FROM registrations WHERE event_id = c.event_id AND status = 'confirmed'),
			(SELECT count(*) FROM registrations WHERE event_id = c.event_id AND status = 'waitinglist')
			FROM event_counts c WHERE c.event_id = $1`, ev.id).Scan(&stored[0], &stored[1], &counted[0], &counted[1])
		if err != nil {
			t.Fatal(err)
		}
		if stored != counted {
			t.Errorf("after %s: stored counts %v, registrations %v", step, stored, counted)
		}
	}
	exec := func(step, sql string, args ...any) {
		t.Helper()
		if _, err := app.Pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	a, _ := addRegistration(t, app, ev.id, "A", unique("a")+"@example.org", "confirmed", time.Hour)
	b, _ := addRegistration(t, app, ev.id, "B", unique("b")+"@example.org", "waitinglist", time.Hour)
	c, link := addRegistration(t, app, ev.id, "C", unique("c")+"@example.org", "pending", 0)
	check("inserting")
	if resp := post(t, app, app.Client(), link, "action", "confirm"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm = %d", resp.StatusCode)
	}
	check("confirming through the page")
	exec("an update of other columns", `UPDATE registrations SET data = '{"x": 1}' WHERE id = $1`, a)
	exec("a status change in SQL", `UPDATE registrations SET status = 'confirmed' WHERE id = $1`, b)
	exec("moving to another event", `UPDATE registrations SET event_id = $2 WHERE id = $1`, c, other.id)
	exec("deleting a registration", `DELETE FROM registrations WHERE id = $1`, a)
	exec("deleting a person", `DELETE FROM persons WHERE id = (SELECT person_id FROM registrations WHERE id = $1)`, b)
	var otherConfirmed int
	if err := app.Pool.QueryRow(t.Context(), `SELECT confirmed FROM event_counts WHERE event_id = $1`, other.id).Scan(&otherConfirmed); err != nil || otherConfirmed != 1 {
		t.Errorf("the other event counts %d confirmed (%v), want the moved registration", otherConfirmed, err)
	}
	// Its counts row may go before its registrations: no error either way.
	exec("deleting the other event", `DELETE FROM events WHERE id = $1`, other.id)
}
