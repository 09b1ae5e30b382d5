package events_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
)

// An organiser found a waiting person mailed "you got a place" six hours
// into an evening event, after someone cancelled: once an event has
// begun, a freed place stays free, the pages stop promising otherwise,
// and only the organiser's own raise of the places (asked first) still
// moves people up.
func TestNobodyMovesUpOnceTheEventHasBegun(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() - interval '1 hour',
		ends_at = now() + interval '5 hours' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	_, link := addRegistration(t, app, ev.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
	waitingEmail := unique("waiting") + "@example.org"
	waiting, _ := addRegistration(t, app, ev.id, "Waiting", waitingEmail, "waitinglist", 30*time.Minute)
	c := app.Client()

	page := app.Get(t, c, link)
	mustContain(t, page.Body, `data-testid="cancel-section"`)
	if strings.Contains(page.Body, "nächste Person auf der Warteliste") {
		t.Error("the cancel question promises the place to the waiting list during the event")
	}
	// A full event that has begun takes no one: its waiting list moves
	// no more, and the mails would have promised otherwise.
	if resp := app.Get(t, app.Client(), ev.regPath()); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/events/?closed=") {
		t.Errorf("the registration page of a full event that has begun = %d %q, want the list saying it is closed",
			resp.StatusCode, resp.Header.Get("Location"))
	}

	if resp := post(t, app, c, link, "action", "cancel"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", resp.StatusCode)
	}
	if s := statusOf(t, app, waiting); s != "waitinglist" {
		t.Errorf("the waiting person is %s after a cancellation during the event, want still waiting", s)
	}
	if got := mailsTo(t, app, waitingEmail); len(got) != 0 {
		t.Errorf("the waiting person was mailed %v", got)
	}

	ctx := context.Background()
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE events SET max_participants = 2 WHERE id = $1`, ev.id); err != nil {
			return err
		}
		_, err := service(app).FillFreePlaces(ctx, tx, ev.id, events.Actor{Name: "admin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := statusOf(t, app, waiting); s != "confirmed" {
		t.Errorf("after the organiser raised the places the waiting person is %s, want confirmed", s)
	}
	app.SMTP.WaitTo(t, waitingEmail, 1, 10*time.Second)
}

// A walker found "Deine Angaben" over nothing on the personal page of an
// event that asks no questions.
func TestPersonalPageOfAnEventWithoutQuestions(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {}}`})
	_, link := addRegistration(t, app, ev.id, "Ohne Fragen", unique("plain")+"@example.org", "confirmed", time.Hour)
	page := app.Get(t, app.Client(), link)
	mustContain(t, page.Body, `data-testid="status"`)
	if strings.Contains(page.Body, "Deine Angaben") {
		t.Error("the page has an answers heading without answers")
	}
	asked := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {"diet": {"type": "string", "label": "Essen"}}}`})
	_, link = addRegistration(t, app, asked.id, "Mit Fragen", unique("asked")+"@example.org", "confirmed", time.Hour)
	mustContain(t, app.Get(t, app.Client(), link).Body, "Deine Angaben")
}
