package organisers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The JSON of a long list is written as the rows come, beyond what the
// handler holds back (32 kB): it stays one valid document with every
// registration, in confirmation order.
func TestParticipantsJSONOfALongList(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Großveranstaltung", testSchema)
	const n = 400
	long := strings.Repeat("Sehr lange Bemerkung ", 10)
	for i := range n {
		register(t, app, ev, testRegistration{Name: fmt.Sprintf("Person %03d", i), Status: "confirmed", Confirmed: at(i),
			Data: fmt.Sprintf(`{"guests": %d, "title": %q}`, i%5, long)})
	}
	c, _ := app.ClientWith(t, "get_participants")
	resp := app.Get(t, c, "/events/"+ev.Shortlink+"/participants/", "Accept", "application/json")
	wantStatus(t, resp, http.StatusOK)
	if len(resp.Body) < 64<<10 {
		t.Fatalf("the answer has %d bytes; the test wants more than the handler buffers", len(resp.Body))
	}
	var got struct {
		StatusName   string `json:"status_name"`
		Participants []struct {
			Data map[string]any `json:"data"`
		} `json:"participants"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatalf("not one JSON document: %v", err)
	}
	if got.StatusName != "success" || len(got.Participants) != n {
		t.Fatalf("status_name %q with %d participants, want %d", got.StatusName, len(got.Participants), n)
	}
	for i, p := range got.Participants {
		if p.Data["guests"] != float64(i%5) {
			t.Fatalf("entry %d has guests %v, want %d: not in confirmation order", i, p.Data["guests"], i%5)
		}
		// The form asks for no name: the person's says who it is.
		if want := fmt.Sprintf("Person %03d", i); p.Data["name"] != want {
			t.Fatalf("entry %d is named %v, want %s", i, p.Data["name"], want)
		}
	}
}
