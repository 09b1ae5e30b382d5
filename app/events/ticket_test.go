package events_test

import (
	"bytes"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"
	qr "github.com/piglig/go-qr"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

var codeRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{10}$`)

// ticketCode reads the check-in code of a registration.
func ticketCode(t *testing.T, app *apptest.App, id int64) string {
	t.Helper()
	var code *string
	if err := app.Pool.QueryRow(t.Context(), `SELECT checkin_code FROM registrations WHERE id = $1`, id).Scan(&code); err != nil {
		t.Fatal(err)
	}
	if code == nil {
		return ""
	}
	return *code
}

func attachment(m mailtest.Message, suffix string) *mailtest.Attachment {
	for i, a := range m.Attachments {
		if strings.HasSuffix(a.Filename, suffix) {
			return &m.Attachments[i]
		}
	}
	return nil
}

func TestConfirmationGivesATicket(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{})
	email := unique("ticket") + "@example.org"
	c := app.Client()
	registerVia(t, app, c, ev.regPath(), "Tina Ticket", email, nil)
	link := lastLink(t, app, email)
	id, _ := registrationOf(t, app, ev.id, email)
	if code := ticketCode(t, app, id); code != "" {
		t.Fatalf("a pending registration has the code %q", code)
	}
	if page := app.Get(t, c, link); strings.Contains(page.Body, "data-ticket-code") {
		t.Error("the page of a pending registration shows a ticket")
	}
	post(t, app, c, link, "action", "confirm")
	code := ticketCode(t, app, id)
	if !codeRE.MatchString(code) {
		t.Fatalf("code = %q, want 10 characters of Crockford's base32", code)
	}
	if strings.Contains(link, code) {
		t.Fatal("the code is part of the personal link")
	}
	shown := events.FormatCode(code)
	page := app.Get(t, c, link)
	mustContain(t, page.Body, `data-ticket-code="`+shown+`"`, "<svg", `role="img"`)

	msgs := app.SMTP.WaitTo(t, email, 2, 10*time.Second)
	m := msgs[len(msgs)-1]
	if !strings.Contains(m.Text, shown) {
		t.Errorf("the confirmation's text lacks the code %s:\n%s", shown, m.Text)
	}
	img := attachment(m, "ticket.png")
	if img == nil || !img.Inline || img.ContentID != "ticket.png" || !strings.Contains(m.HTML, `src="cid:ticket.png"`) {
		t.Fatalf("the confirmation shows no inline QR code: %+v\n%s", m.Attachments, m.HTML)
	}
	decoded, err := png.Decode(bytes.NewReader(img.Content))
	if err != nil {
		t.Fatal(err)
	}
	read, err := qr.Decode(decoded)
	if err != nil {
		t.Fatalf("the mail's QR code cannot be read: %v", err)
	}
	if got, ok := events.NormalizeCode(read); !ok || got != code {
		t.Errorf("the QR code reads %q, want %q", read, shown)
	}
	// The event has no start time: no calendar entry to attach.
	if a := attachment(m, ".ics"); a != nil {
		t.Errorf("a mail for an event without date carries %s", a.Filename)
	}

	// Cancelled: the code is no ticket any more.
	post(t, app, c, link, "action", "cancel")
	if page := app.Get(t, c, link); strings.Contains(page.Body, "data-ticket-code") {
		t.Error("the page of a cancelled registration shows a ticket")
	}
}

func TestMovingUpGivesATicketAndCalendarEntry(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = '2027-03-28 19:00+02', ends_at = '2027-03-28 23:00+02',
		location = 'Audimax, Arcisstraße 21' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	_, first := addRegistration(t, app, ev.id, "First", unique("first")+"@example.org", "confirmed", time.Hour)
	waitEmail := unique("second") + "@example.org"
	waitID, waitLink := addRegistration(t, app, ev.id, "Second", waitEmail, "waitinglist", time.Minute)
	c := app.Client()
	if page := app.Get(t, c, waitLink); strings.Contains(page.Body, "data-ticket-code") {
		t.Error("the page of a registration on the waiting list shows a ticket")
	}
	post(t, app, c, first, "action", "cancel")
	code := ticketCode(t, app, waitID)
	if !codeRE.MatchString(code) {
		t.Fatalf("moved up without a code: %q", code)
	}
	m := app.SMTP.WaitTo(t, waitEmail, 1, 10*time.Second)[0]
	if !strings.Contains(m.Text, events.FormatCode(code)) || attachment(m, "ticket.png") == nil {
		t.Errorf("the move-up mail lacks the ticket:\n%s", m.Text)
	}
	ics := attachment(m, ".ics")
	if ics == nil {
		t.Fatal("the move-up mail carries no calendar entry")
	}
	if ics.ContentType != "text/calendar" || !strings.EqualFold(ics.Params["method"], "PUBLISH") {
		t.Errorf("calendar attachment is %s %v", ics.ContentType, ics.Params)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(ics.Content)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events in the attachment", len(evs))
	}
	start, err := evs[0].DateTimeStart(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2027, 3, 28, 17, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("DTSTART = %v, want %v", start, want)
	}
	if loc, _ := evs[0].Props.Text(ical.PropLocation); loc != "Audimax, Arcisstraße 21" {
		t.Errorf("LOCATION = %q", loc)
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"ABCDE-FGHJK", "ABCDEFGHJK", true},
		{" abcde fghjk ", "ABCDEFGHJK", true},
		{"O1IL0-23456", "0111023456", true},
		// A phone's keyboard or a mail client makes an en dash of the
		// hyphen, and a copy may bring a no-break space.
		{"0ETF2–CPVBP", "0ETF2CPVBP", true},
		{"0ETF2\u00a0—\u2212CPVBP", "0ETF2CPVBP", true},
		{"ABCDE-FGHJ", "", false},
		{"ABCDE-FGHJKU", "", false},
		{"ABCDE\x00FGHJK", "", false},
		{"ÄBCDE-FGHJK", "", false},
		{strings.Repeat("A", 1000), "", false},
	} {
		got, ok := events.NormalizeCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
