package events_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	ical "github.com/emersion/go-ical"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// parseCalendar fetches path and parses it with a real iCalendar parser.
func parseCalendar(t *testing.T, app *apptest.App, path string) *ical.Calendar {
	t.Helper()
	resp := app.Get(t, app.Client(), path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	cal, err := ical.NewDecoder(strings.NewReader(resp.Body)).Decode()
	if err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, resp.Body)
	}
	return cal
}

func eventByUID(t *testing.T, cal *ical.Calendar, uid string) *ical.Event {
	t.Helper()
	for _, e := range cal.Events() {
		if got, _ := e.Props.Text(ical.PropUID); got == uid {
			return &e
		}
	}
	return nil
}

func TestCalendarTimesAcrossSummerTime(t *testing.T) {
	app := apptest.Start(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Summer time starts in the night between these two days.
	before := createEvent(t, app, testEvent{name: "Vor der Umstellung", description: `<p>Vortrag über $E = mc^2$ &amp; mehr</p><p>Zweiter Absatz, so lang, dass die Zeile der Kalenderdatei gefaltet werden muss: Äpfel, Öfen, Übermut</p>`})
	after := createEvent(t, app, testEvent{name: "Nach der Umstellung"})
	undated := createEvent(t, app, testEvent{name: "Ohne Termin"})
	closed := createEvent(t, app, testEvent{name: "Geschlossen", closed: true})
	set := func(id int64, start, end string) {
		t.Helper()
		if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = $2::timestamp AT TIME ZONE 'Europe/Berlin',
			ends_at = $3::timestamp AT TIME ZONE 'Europe/Berlin', location = 'Hörsaal 1' WHERE id = $1`, id, start, end); err != nil {
			t.Fatal(err)
		}
	}
	set(before.id, "2027-03-27 19:00", "2027-03-27 22:30")
	set(after.id, "2027-03-28 19:00", "2027-03-28 22:30")
	set(closed.id, "2027-03-28 10:00", "2027-03-28 11:00")

	raw := app.Get(t, app.Client(), "/events/"+before.shortlink+"/calendar.ics").Body
	if !strings.HasSuffix(raw, "END:VCALENDAR\r\n") {
		t.Errorf("the file does not end in CRLF")
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.Contains(line, "\n") {
			t.Errorf("content line of %d octets, not folded: %q", len(line), line)
		}
	}
	cal := parseCalendar(t, app, "/events/"+before.shortlink+"/calendar.ics")
	if n := len(cal.Events()); n != 1 {
		t.Fatalf("one event's file has %d events", n)
	}
	tz := cal.Children[0]
	if tz.Name != ical.CompTimezone || tz.Props.Get(ical.PropTimezoneID).Value != "Europe/Berlin" {
		t.Errorf("first component is %s, want the VTIMEZONE of Europe/Berlin", tz.Name)
	}
	uid, _ := cal.Events()[0].Props.Text(ical.PropUID)
	if uid == "" {
		t.Fatal("no UID")
	}

	feed := parseCalendar(t, app, "/events.ics")
	for _, tt := range []struct {
		ev         created
		start, end time.Time
	}{
		{before, time.Date(2027, 3, 27, 19, 0, 0, 0, berlin), time.Date(2027, 3, 27, 22, 30, 0, 0, berlin)},
		{after, time.Date(2027, 3, 28, 19, 0, 0, 0, berlin), time.Date(2027, 3, 28, 22, 30, 0, 0, berlin)},
	} {
		one := parseCalendar(t, app, "/events/"+tt.ev.shortlink+"/calendar.ics").Events()[0]
		id, _ := one.Props.Text(ical.PropUID)
		e := eventByUID(t, feed, id)
		if e == nil {
			t.Fatalf("the feed lacks %s", id)
		}
		for _, got := range []*ical.Event{&one, e} {
			prop := got.Props.Get(ical.PropDateTimeStart)
			if prop.Params.Get(ical.ParamTimezoneID) != "Europe/Berlin" {
				t.Errorf("DTSTART %s has no TZID=Europe/Berlin", prop.Value)
			}
			start, err := got.DateTimeStart(nil)
			if err != nil {
				t.Fatal(err)
			}
			end, err := got.DateTimeEnd(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !start.Equal(tt.start) || !end.Equal(tt.end) {
				t.Errorf("%s: %v – %v, want %v – %v", id, start.UTC(), end.UTC(), tt.start.UTC(), tt.end.UTC())
			}
			if loc, _ := got.Props.Text(ical.PropLocation); loc != "Hörsaal 1" {
				t.Errorf("LOCATION = %q", loc)
			}
			if u, err := got.Props.URI(ical.PropURL); err != nil || !strings.HasSuffix(u.Path, "/events/"+tt.ev.shortlink+"/registration/") {
				t.Errorf("URL = %v (%v)", u, err)
			}
			if got.Props.Get(ical.PropLastModified) == nil {
				t.Error("no LAST-MODIFIED")
			}
		}
	}
	// The same instant of the day, one hour apart in UTC: the zone's
	// change between the two.
	if d := time.Date(2027, 3, 28, 17, 0, 0, 0, time.UTC).Sub(time.Date(2027, 3, 27, 18, 0, 0, 0, time.UTC)); d != 23*time.Hour {
		t.Fatalf("test premise: %v", d)
	}

	desc, _ := eventByUID(t, feed, uid).Props.Text(ical.PropDescription)
	if desc != "Vortrag über $E = mc^2$ & mehr\nZweiter Absatz, so lang, dass die Zeile der Kalenderdatei gefaltet werden muss: Äpfel, Öfen, Übermut" {
		t.Errorf("DESCRIPTION = %q", desc)
	}
	if len(feed.Events()) < 2 {
		t.Fatalf("feed has %d events", len(feed.Events()))
	}
	for _, e := range feed.Events() {
		summary, _ := e.Props.Text(ical.PropSummary)
		if summary == "Ohne Termin" || summary == "Geschlossen" {
			t.Errorf("the feed shows %q", summary)
		}
	}

	// Renaming keeps the UID: calendars update the entry.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET name = 'Umbenannt', updated_at = now() WHERE id = $1`, before.id); err != nil {
		t.Fatal(err)
	}
	again := parseCalendar(t, app, "/events/"+before.shortlink+"/calendar.ics").Events()[0]
	if id, _ := again.Props.Text(ical.PropUID); id != uid {
		t.Errorf("UID changed from %s to %s", uid, id)
	}

	if resp := app.Get(t, app.Client(), "/events/"+undated.shortlink+"/calendar.ics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an event without date: %d", resp.StatusCode)
	}
	// In the language the link names, as the file would have been.
	if resp := app.Get(t, app.Client(), "/events/"+undated.shortlink+"/calendar.ics?lang=en", "Accept-Language", "de"); !strings.Contains(resp.Body, "This event has no date yet.") {
		t.Error("an English link's refusal is not in English")
	}
	if resp := app.Get(t, app.Client(), "/events/999999999/calendar.ics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown event: %d", resp.StatusCode)
	}
	list := app.Get(t, app.Client(), "/events/")
	mustContain(t, list.Body, `href="/events/`+before.shortlink+`/calendar.ics?lang=de"`)
	if strings.Contains(list.Body, `href="/events/`+undated.shortlink+`/calendar.ics`) {
		t.Error("the list links a calendar file of an event without date")
	}
}

// The calendar link of an event in the list is its own link, above the
// card's link to the registration page, and a long name wraps.
func TestBrowserEventListLinksTheCalendar(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: "Sternwartenbesuch"})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '10 days' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	// A name of one long word wraps on a phone (FitsWidth below).
	createEvent(t, app, testEvent{name: "Donaudampfschifffahrtsgesellschaftskapitänsmützenausstellungseröffnung"})
	for _, lang := range []string{"de", "en"} {
		for _, size := range [][2]int{{360, 740}, {1280, 900}} {
			b := apptest.NewBrowser(t, size[0], size[1])
			if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
				t.Fatal(err)
			}
			b.Do(t, "open the list", chromedp.Navigate(app.URL+"/events/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="calendar-link"]`)))
			on := apptest.Eval[string](t, b, `(function () {
				var a = document.querySelector('[data-testid="calendar-link"][href^="/events/`+ev.shortlink+`/calendar.ics"]');
				a.scrollIntoView({block: "center"});
				var r = a.getBoundingClientRect();
				var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
				return hit.closest("a").getAttribute("href");
			})()`)
			if want := "/events/" + ev.shortlink + "/calendar.ics?lang=" + lang; on != want {
				t.Errorf("%s %v: a tap on the calendar link opens %s", lang, size, on)
			}
			b.FitsWidth(t)
			b.Screenshot(t, fmt.Sprintf("events-list-%s-%dx%d", lang, size[0], size[1]))
			b.NoConsoleErrors(t)
		}
	}
}

// A feed without events is still a calendar a parser reads.
func TestEmptyCalendarFeed(t *testing.T) {
	app := apptest.Start(t)
	body, err := service(app).Calendar(nil, i18n.DE, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(strings.NewReader(string(body))).Decode()
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if n := len(cal.Events()); n != 0 {
		t.Errorf("%d events in an empty feed", n)
	}
}

// A description's math stays TeX source in a calendar, as written
// between its dollars: a calendar shows plain text, and the source is
// what the association's readers read best without KaTeX (a converter
// to Unicode would get most formulas half right). Backslashes, commas
// and semicolons are escaped as RFC 5545 asks and long lines folded, so
// a calendar gives back exactly the source.
func TestCalendarKeepsTheTeXSource(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: "Formeln", description: `<p>Wir rechnen $\frac{a}{b} = 0{,}5$; dazu ` +
		`$$\sum_{i=1}^{n} i = \frac{n(n+1)}{2}\quad\text{für alle } n \in \mathbb{N}\,.$$</p><p>Kosten:&nbsp;5&nbsp;€ &lt;&gt;</p>`})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '10 days' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	path := "/events/" + ev.shortlink + "/calendar.ics"
	raw := app.Get(t, app.Client(), path).Body
	for line := range strings.SplitSeq(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("content line of %d octets, not folded: %q", len(line), line)
		}
	}
	mustContain(t, strings.ReplaceAll(raw, "\r\n ", ""), `DESCRIPTION:Wir rechnen $\\frac{a}{b} = 0{\,}5$\; dazu $$\\sum_{i=1}^{n}`)
	desc, _ := parseCalendar(t, app, path).Events()[0].Props.Text(ical.PropDescription)
	want := `Wir rechnen $\frac{a}{b} = 0{,}5$; dazu $$\sum_{i=1}^{n} i = \frac{n(n+1)}{2}\quad\text{für alle } n \in \mathbb{N}\,.$$` +
		"\nKosten: 5 € <>"
	if desc != want {
		t.Errorf("DESCRIPTION = %q\nwant          %q", desc, want)
	}
}
