package web

import (
	"time"
	_ "time/tzdata" // the zone must exist on minimal hosts too
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

// LocalTime formats t to the minute in the association's zone, as lists
// and tables show it.
func LocalTime(t time.Time) string { return t.In(Berlin).Format("2006-01-02 15:04") }
