package events

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/events/schema"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

// CalendarType is the media type of the calendar files: of the mails'
// attachments too, where METHOD:PUBLISH says the entry is information,
// not an invitation to answer.
const CalendarType = "text/calendar; charset=utf-8; method=PUBLISH"

// calendarPath is the URL of one event's calendar file in lang, named:
// the calendar app it is copied into asks in its own language, or none.
func calendarPath(ev *Event, lang i18n.Lang) string {
	return "/events/" + ev.Ref() + "/calendar.ics?lang=" + string(lang)
}

// Calendar writes events with a start time as an iCalendar file (RFC
// 5545): times in Europe/Berlin with its VTIMEZONE, so a calendar shows
// them right on either side of a change to or from summer time. The UID
// of an event stays the same whatever changes, so importing the file
// again updates the entry instead of adding a second one. Names,
// descriptions and locations are in lang, as the event's pages show them.
func (s *Service) Calendar(evs []*Event, lang i18n.Lang, now time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//memberdb//Veranstaltungen//DE")
	cal.Props.SetText(ical.PropMethod, "PUBLISH")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Children = append(cal.Children, berlinTimezone())
	host := s.cfg.BaseURL.Hostname()
	for _, ev := range evs {
		if ev.StartsAt == nil {
			continue
		}
		e := ical.NewEvent()
		e.Props.SetText(ical.PropUID, "event-"+strconv.FormatInt(ev.ID, 10)+"@"+host)
		e.Props.SetDateTime(ical.PropDateTimeStamp, now.UTC())
		e.Props.SetDateTime(ical.PropLastModified, ev.UpdatedAt.UTC())
		e.Props.SetDateTime(ical.PropDateTimeStart, ev.StartsAt.In(web.Berlin))
		if ev.EndsAt != nil {
			e.Props.SetDateTime(ical.PropDateTimeEnd, ev.EndsAt.In(web.Berlin))
		}
		e.Props.SetText(ical.PropSummary, oneLine(ev.NameIn(lang)))
		if d := schema.Lines(ev.DescriptionIn(lang)); d != "" {
			e.Props.SetText(ical.PropDescription, d)
		}
		if l := ev.LocationIn(lang); l != "" {
			e.Props.SetText(ical.PropLocation, l)
		}
		u, err := url.Parse(s.cfg.URL("/events/" + ev.Ref() + "/registration/"))
		if err != nil {
			return nil, fmt.Errorf("events: calendar URL: %w", err)
		}
		e.Props.SetURI(ical.PropURL, u)
		cal.Children = append(cal.Children, e.Component)
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("events: calendar: %w", err)
	}
	return fold(buf.Bytes()), nil
}

// foldAt is the longest a content line may be, in octets (RFC 5545,
// 3.1), without its CRLF.
const foldAt = 75

// fold breaks content lines longer than foldAt octets, as RFC 5545 asks
// and the encoder does not: CRLF and a space before each continuation,
// never inside a UTF-8 character.
func fold(b []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.SplitSeq(bytes.TrimSuffix(b, []byte("\r\n")), []byte("\r\n")) {
		limit := foldAt
		for len(line) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			// The space that starts a continuation counts.
			limit = foldAt - 1
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// berlinTimezone is Europe/Berlin as RFC 5545 describes a zone: the rules
// of the EU's summer time since 1996, which Go's time zone data follows.
func berlinTimezone() *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, web.Zone)
	rule := func(name, kind, from, to, start, rrule string) *ical.Component {
		c := ical.NewComponent(kind)
		for _, p := range [][2]string{
			{ical.PropTimezoneName, name}, {ical.PropTimezoneOffsetFrom, from}, {ical.PropTimezoneOffsetTo, to},
			{ical.PropDateTimeStart, start}, {ical.PropRecurrenceRule, rrule},
		} {
			prop := ical.NewProp(p[0])
			prop.Value = p[1]
			c.Props.Set(prop)
		}
		return c
	}
	tz.Children = []*ical.Component{
		rule("CEST", ical.CompTimezoneDaylight, "+0100", "+0200", "19700329T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
		rule("CET", ical.CompTimezoneStandard, "+0200", "+0100", "19701025T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
	}
	return tz
}

// openEvents reads the events whose registration is open now, for the
// feed: the ones the events list shows everybody.
func openEvents(ctx context.Context, q Querier, now time.Time) ([]*Event, error) {
	rows, err := q.Query(ctx, eventsCounted+` WHERE e.registration_open AND e.starts_at IS NOT NULL
		ORDER BY e.starts_at, e.id`)
	if err != nil {
		return nil, fmt.Errorf("events: open events: %w", err)
	}
	all, err := collectEvents(rows)
	if err != nil {
		return nil, err
	}
	var open []*Event
	for _, ev := range all {
		if ev.IsOpen(now) {
			open = append(open, ev)
		}
	}
	return open, nil
}

func collectEvents(rows pgx.Rows) ([]*Event, error) {
	evs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Event])
	if err != nil {
		return nil, fmt.Errorf("events: read events: %w", err)
	}
	return evs, nil
}
