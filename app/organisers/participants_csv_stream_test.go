package organisers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The CSV of a long list is written as the rows come, beyond what the
// handler holds back: every shown row once, numbered as on the page
// (the number counts the rows the filter leaves out too).
func TestParticipantsCSVOfALongList(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Großveranstaltung", testSchema)
	const n = 400
	long := strings.Repeat("Sehr lange Bemerkung ", 10)
	for i := range n {
		status := "confirmed"
		if i%4 == 3 {
			status = "waitinglist"
		}
		register(t, app, ev, testRegistration{Name: fmt.Sprintf("Person %03d", i), Status: status, Confirmed: at(i),
			Data: fmt.Sprintf(`{"guests": %d, "title": %q}`, i%5, long)})
	}
	c, _ := app.ClientWith(t, "get_participants")
	resp := app.Get(t, c, "/events/"+ev.Shortlink+"/participants.csv")
	wantStatus(t, resp, http.StatusOK)
	if len(resp.Body) < 64<<10 {
		t.Fatalf("the answer has %d bytes; the test wants more than the handler buffers", len(resp.Body))
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(resp.Body, "\ufeff")))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not one CSV: %v", err)
	}
	if want := 1 + n - n/4; len(records) != want {
		t.Fatalf("%d lines, want %d (header and the confirmed)", len(records), want)
	}
	for k, rec := range records[1:] {
		i := k + k/3 // the waiting list's every fourth is left out
		if rec[0] != strconv.Itoa(i+1) || rec[1] != fmt.Sprintf("Person %03d", i) {
			t.Fatalf("line %d: %q, %q; want number %d of Person %03d", k+2, rec[0], rec[1], i+1, i)
		}
	}
}
