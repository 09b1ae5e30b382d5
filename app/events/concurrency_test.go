package events_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// confirmAll posts confirm to every link at once and fails on any answer
// but the redirect back to the page.
func confirmAll(t *testing.T, app *apptest.App, links []string, extra func()) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make(chan int, len(links)+1)
	for _, link := range links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses <- post(t, app, app.Client(), link, "action", "confirm").StatusCode
		}()
	}
	if extra != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			extra()
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("a confirmation answered %d, want 303", s)
		}
	}
}

func TestConcurrentConfirmationsNeverOverbook(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(50)})
	links := make([]string, 200)
	for i := range links {
		_, links[i] = addRegistration(t, app, ev.id, fmt.Sprintf("Person %d", i), unique("many")+"@example.org", "pending", 0)
	}
	confirmAll(t, app, links, nil)
	counts := statusCounts(t, app, ev.id)
	if counts["confirmed"] != 50 || counts["waitinglist"] != 150 || counts["pending"] != 0 {
		t.Fatalf("after 200 confirmations for 50 places: %v, want 50 confirmed and 150 waiting", counts)
	}
	// The waiting list is in the order places were refused: everyone
	// confirmed got their place before anyone waiting was refused.
	var overlap int
	err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM registrations w, registrations c
		WHERE w.event_id = $1 AND c.event_id = $1 AND w.status = 'waitinglist' AND c.status = 'confirmed'
		AND w.confirmed_at < c.confirmed_at`, ev.id).Scan(&overlap)
	if err != nil || overlap != 0 {
		t.Errorf("%d waiting registrations are older than confirmed ones (err %v)", overlap, err)
	}
}

func TestSameLinkConfirmedTenTimesAtOnce(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(3)})
	email := unique("tentimes") + "@example.org"
	id, link := addRegistration(t, app, ev.id, "Ten Times", email, "pending", 0)
	links := make([]string, 10)
	for i := range links {
		links[i] = link
	}
	confirmAll(t, app, links, nil)
	var changes int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE table_name = 'registrations'
		AND row_id = $1 AND field = 'status'`, fmt.Sprint(id)).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if changes != 1 {
		t.Errorf("%d status changes, want 1", changes)
	}
	if got := mailsTo(t, app, email); len(got) != 1 || got[0] != "event_registration_confirmed" {
		t.Errorf("mails: %v, want one confirmation", got)
	}
	app.SMTP.WaitTo(t, email, 1, 10*time.Second)
}

// One cancellation racing 20 confirmations: the freed place goes to the
// first person waiting, never to a newcomer, and capacity holds.
func TestCancelRacingConfirmations(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(5)})
	var cancelLink string
	for i := range 5 {
		_, link := addRegistration(t, app, ev.id, fmt.Sprintf("Confirmed %d", i), unique("c")+"@example.org", "confirmed", time.Hour)
		if i == 2 {
			cancelLink = link
		}
	}
	firstWaiting, _ := addRegistration(t, app, ev.id, "First Waiting", unique("w")+"@example.org", "waitinglist", 30*time.Minute)
	secondWaiting, _ := addRegistration(t, app, ev.id, "Second Waiting", unique("w")+"@example.org", "waitinglist", 20*time.Minute)
	links := make([]string, 20)
	for i := range links {
		_, links[i] = addRegistration(t, app, ev.id, fmt.Sprintf("Newcomer %d", i), unique("n")+"@example.org", "pending", 0)
	}
	confirmAll(t, app, links, func() {
		if s := post(t, app, app.Client(), cancelLink, "action", "cancel").StatusCode; s != http.StatusSeeOther {
			t.Errorf("cancel = %d, want 303", s)
		}
	})
	counts := statusCounts(t, app, ev.id)
	if counts["confirmed"] != 5 || counts["canceled"] != 1 || counts["waitinglist"] != 21 {
		t.Fatalf("counts %v, want 5 confirmed, 1 canceled, 21 waiting", counts)
	}
	var movedUp int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log a JOIN registrations r ON a.row_id = r.id::text
		WHERE r.event_id = $1 AND a.table_name = 'registrations' AND a.field = 'status'
		AND a.old_value = 'waitinglist' AND a.new_value = 'confirmed'`, ev.id).Scan(&movedUp); err != nil {
		t.Fatal(err)
	}
	if movedUp != 1 {
		t.Errorf("%d moved up, want exactly 1", movedUp)
	}
	var first, second string
	_ = app.Pool.QueryRow(t.Context(), `SELECT status FROM registrations WHERE id = $1`, firstWaiting).Scan(&first)
	_ = app.Pool.QueryRow(t.Context(), `SELECT status FROM registrations WHERE id = $1`, secondWaiting).Scan(&second)
	if first != "confirmed" || second != "waitinglist" {
		t.Errorf("first waiting is %s, second %s; want the first moved up", first, second)
	}
}
