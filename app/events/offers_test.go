package events_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail"
)

func offerState(t *testing.T, app *apptest.App, regID int64) string {
	t.Helper()
	var state string
	err := app.Pool.QueryRow(t.Context(), `SELECT coalesce((SELECT state FROM waitinglist_offers WHERE registration_id = $1
		ORDER BY id DESC LIMIT 1), 'none')`, regID).Scan(&state)
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// An event set to offers hands a freed place to one person at a time,
// with a deadline: it lapses to the next, who declines, and the next
// takes it.
func TestWaitingListOffers(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET freed_places = 'offer', offer_hours = 2 WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	_, firstLink := addRegistration(t, app, ev.id, "Erste", unique("first")+"@example.org", "confirmed", 4*time.Hour)
	b, c, d := unique("b")+"@example.org", unique("c")+"@example.org", unique("d")+"@example.org"
	bID, bLink := addRegistration(t, app, ev.id, "Berta", b, "waitinglist", 3*time.Hour)
	cID, cLink := addRegistration(t, app, ev.id, "Cem", c, "waitinglist", 2*time.Hour)
	dID, dLink := addRegistration(t, app, ev.id, "Dora", d, "waitinglist", time.Hour)
	client := app.Client()

	before := time.Now()
	post(t, app, client, firstLink, "action", "cancel")
	if got := mailsTo(t, app, b); len(got) != 1 || got[0] != "event_registration_offer" {
		t.Fatalf("mails to the first waiting: %v", got)
	}
	if statusOf(t, app, bID) != events.StatusWaitinglist || offerState(t, app, bID) != events.OfferOpen {
		t.Fatalf("after the cancel: %s with offer %s", statusOf(t, app, bID), offerState(t, app, bID))
	}
	if offerState(t, app, cID) != "none" || len(mailsTo(t, app, c)) != 0 {
		t.Error("a second offer for one freed place")
	}
	m := app.SMTP.WaitTo(t, b, 1, 10*time.Second)[0]
	if !strings.Contains(m.HTML, "Platz annehmen") || !strings.Contains(m.HTML, `/events/registration/`) {
		t.Errorf("the offer mail has no button:\n%s", m.HTML)
	}
	page := app.Get(t, client, bLink)
	mustContain(t, page.Body, `data-testid="offer-deadline"`, `data-testid="take-offer"`, `data-testid="offered"`)
	// Their number in the queue read beside "a place is free for you".
	if strings.Contains(page.Body, `data-testid="position"`) {
		t.Error("the status names a waiting-list position beside the offer")
	}
	// The offered place is kept: a newcomer goes to the waiting list.
	newcomer := unique("new") + "@example.org"
	newID, newLink := addRegistration(t, app, ev.id, "Neu", newcomer, "pending", 0)
	post(t, app, client, newLink, "action", "confirm")
	if s := statusOf(t, app, newID); s != events.StatusWaitinglist {
		t.Errorf("a newcomer took the offered place: %s", s)
	}
	// The waiting list's mail says how a place comes: as an offer that
	// holds for the event's hours, not by moving up.
	wl := app.SMTP.WaitTo(t, newcomer, 1, 10*time.Second)[0]
	if !strings.Contains(wl.Text, "hast 2 Stunden, es anzunehmen") || strings.Contains(wl.Text, "rückst du") {
		t.Errorf("the waiting list's mail:\n%s", wl.Text)
	}

	svc := events.NewService(app.Config, mail.NewBook(mail.Org{Name: "PeP"}))
	run := func(at time.Time) {
		t.Helper()
		if err := svc.OffersJob(app.Pool, func() time.Time { return at }).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// Before the deadline nothing lapses.
	run(before.Add(time.Hour))
	if offerState(t, app, bID) != events.OfferOpen {
		t.Fatal("the offer lapsed early")
	}
	// After it, the offer passes on; two instances at once offer once.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { run(before.Add(3 * time.Hour)) })
	}
	wg.Wait()
	if statusOf(t, app, bID) != events.StatusCanceled || offerState(t, app, bID) != events.OfferLapsed {
		t.Errorf("lapsed: %s, offer %s", statusOf(t, app, bID), offerState(t, app, bID))
	}
	if got := mailsTo(t, app, b); len(got) != 2 || got[1] != "event_registration_offer_lapsed" {
		t.Errorf("mails after the lapse: %v", got)
	}
	if n := count(t, app, `SELECT count(*) FROM waitinglist_offers WHERE event_id = $1 AND state = 'open'`, ev.id); n != 1 {
		t.Errorf("%d open offers for one place", n)
	}
	if offerState(t, app, cID) != events.OfferOpen {
		t.Fatalf("the next did not get the offer: %s", offerState(t, app, cID))
	}
	// Taking a lapsed offer is refused.
	post(t, app, client, bLink, "action", "take_offer")
	if s := statusOf(t, app, bID); s != events.StatusCanceled {
		t.Errorf("a lapsed offer was taken: %s", s)
	}

	// Declining passes it on at once.
	post(t, app, client, cLink, "action", "decline_offer")
	if statusOf(t, app, cID) != events.StatusCanceled || offerState(t, app, cID) != events.OfferDeclined {
		t.Errorf("declined: %s, offer %s", statusOf(t, app, cID), offerState(t, app, cID))
	}
	if offerState(t, app, dID) != events.OfferOpen {
		t.Fatalf("after the decline the next has offer %s", offerState(t, app, dID))
	}

	// An offer whose time is over cannot be taken, even before the job
	// has come by.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE waitinglist_offers SET expires_at = now() - interval '1 second'
		WHERE registration_id = $1 AND state = 'open'`, dID); err != nil {
		t.Fatal(err)
	}
	post(t, app, client, dLink, "action", "take_offer")
	if s := statusOf(t, app, dID); s != events.StatusWaitinglist {
		t.Fatalf("an expired offer was taken: %s", s)
	}
	if page := app.Get(t, client, dLink); strings.Contains(page.Body, `data-testid="take-offer"`) {
		t.Error("the page offers an expired place")
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE waitinglist_offers SET expires_at = now() + interval '1 hour'
		WHERE registration_id = $1 AND state = 'open'`, dID); err != nil {
		t.Fatal(err)
	}

	// Taking it confirms, with the ticket; twice changes nothing.
	post(t, app, client, dLink, "action", "take_offer")
	post(t, app, client, dLink, "action", "take_offer")
	if statusOf(t, app, dID) != events.StatusConfirmed || offerState(t, app, dID) != events.OfferTaken {
		t.Errorf("taken: %s, offer %s", statusOf(t, app, dID), offerState(t, app, dID))
	}
	if got := mailsTo(t, app, d); len(got) != 2 || got[1] != "event_registration_confirmed" {
		t.Errorf("mails after taking: %v", got)
	}
	if page := app.Get(t, client, dLink); !strings.Contains(page.Body, "data-ticket-code") {
		t.Error("no ticket after taking the place")
	}
	if n := count(t, app, `SELECT count(*) FROM waitinglist_offers WHERE event_id = $1 AND state = 'open'`, ev.id); n != 0 {
		t.Errorf("%d open offers for a full event", n)
	}
	if n := count(t, app, `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, ev.id); n != 1 {
		t.Errorf("%d confirmed for 1 place", n)
	}
}

func count(t *testing.T, app *apptest.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := app.Pool.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// On a phone the offered place shows with its deadline; taking it shows
// the ticket.
func TestBrowserTakeAnOfferedPlace(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1), name: "Exkursion zum Teilchenbeschleuniger"})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET freed_places = 'offer' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	_, first := addRegistration(t, app, ev.id, "Erste", unique("first")+"@example.org", "confirmed", time.Hour)
	waitID, link := addRegistration(t, app, ev.id, "Wartende Wiebke", unique("wait")+"@example.org", "waitinglist", time.Minute)
	post(t, app, app.Client(), first, "action", "cancel")
	for _, lang := range []string{"de", "en"} {
		b := apptest.NewBrowser(t, 360, 740)
		if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
			t.Fatal(err)
		}
		b.Do(t, "open the offer", chromedp.Navigate(app.URL+link), chromedp.WaitVisible(chromedp.CSS(`[data-testid="offer"]`)))
		b.FitsWidth(t)
		b.Screenshot(t, "offer-"+lang+"-360x740")
		if lang == "en" {
			b.Do(t, "take the place", chromedp.Click(chromedp.CSS(`[data-testid="take-offer"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-ticket-code]`)))
			b.Screenshot(t, "offer-taken-en-360x740")
		}
		b.NoConsoleErrors(t)
	}
	if s := statusOf(t, app, waitID); s != events.StatusConfirmed {
		t.Errorf("after taking: %s", s)
	}
}

// The admin console may confirm the person a place is offered to: the
// place is theirs. Cancelling a person with an offer passes it on.
func TestAdminAndOffers(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET freed_places = 'offer' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	firstID, _ := addRegistration(t, app, ev.id, "Erste", unique("first")+"@example.org", "confirmed", 3*time.Hour)
	bID, _ := addRegistration(t, app, ev.id, "Berta", unique("b")+"@example.org", "waitinglist", 2*time.Hour)
	cID, _ := addRegistration(t, app, ev.id, "Cem", unique("c")+"@example.org", "waitinglist", time.Hour)
	admin := events.Actor{Name: "admin"}
	change := func(id int64, status string) error {
		t.Helper()
		return pgx.BeginFunc(t.Context(), app.Pool, func(tx pgx.Tx) error {
			_, err := service(app).ChangeStatus(t.Context(), tx, id, status, admin, false)
			return err
		})
	}
	if err := change(firstID, events.StatusCanceled); err != nil {
		t.Fatal(err)
	}
	if offerState(t, app, bID) != events.OfferOpen {
		t.Fatalf("no offer after the admin cancelled: %s", offerState(t, app, bID))
	}
	// Cancelling Berta while her offer is open offers the place to Cem.
	if err := change(bID, events.StatusCanceled); err != nil {
		t.Fatal(err)
	}
	if offerState(t, app, bID) != events.OfferWithdrawn || offerState(t, app, cID) != events.OfferOpen {
		t.Fatalf("after cancelling the offered: %s, next %s", offerState(t, app, bID), offerState(t, app, cID))
	}
	// Confirming Cem by hand takes his offered place.
	if err := change(cID, events.StatusConfirmed); err != nil {
		t.Fatalf("confirming the person a place is offered to: %v", err)
	}
	if statusOf(t, app, cID) != events.StatusConfirmed || offerState(t, app, cID) != events.OfferTaken {
		t.Errorf("confirmed by hand: %s, offer %s", statusOf(t, app, cID), offerState(t, app, cID))
	}
}
