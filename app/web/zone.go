package web

import (
	"context"
	"time"
	_ "time/tzdata" // the zone must exist on minimal hosts too

	"github.com/pepalumni/memberdb/components/i18n"
)

// Zone is where the association lives. Pages and mails show times in it,
// dates typed into forms mean days there, and its "today" decides joining
// dates, whatever zone the server or the database runs in.
const Zone = "Europe/Berlin"

// Berlin is Zone as a location.
var Berlin = func() *time.Location {
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		panic(err) // embedded by time/tzdata, so only a broken build gets here
	}
	return loc
}()

// LocalTime formats t to the minute in the association's zone as the
// reader of ctx writes a day and a time ("07.12.2026 10:00"), as pages
// show it.
func LocalTime(ctx context.Context, t time.Time) string {
	return t.In(Berlin).Format(i18n.DayTimeLayout(i18n.LangOf(ctx)))
}

// ISOTime formats t to the minute in the association's zone in ISO order
// (2026-12-07 10:00), for exports that programs read and sort.
func ISOTime(t time.Time) string { return t.In(Berlin).Format("2006-01-02 15:04") }

// Today is the day it is in the association's zone (yyyy-mm-dd).
func Today() string { return time.Now().In(Berlin).Format(time.DateOnly) }
