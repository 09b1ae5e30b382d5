package events_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// What the personal page says must fit the registration: a pending one on
// a full event is confirmed, not registered, onto the waiting list, and
// only a confirmed place on a limited event goes to the waiting list when
// it is cancelled.
func TestPersonalPageTexts(t *testing.T) {
	app := apptest.Start(t)
	full := createEvent(t, app, testEvent{max: places(1)})
	addRegistration(t, app, full.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
	unlimited := createEvent(t, app, testEvent{})
	limited := createEvent(t, app, testEvent{max: places(5)})

	tests := []struct {
		name        string
		event       created
		status      string
		want, wantN []string
	}{
		{"pending on a full event", full, "pending",
			[]string{"Wenn du jetzt bestätigst, kommst du auf die Warteliste."},
			[]string{"Wenn du dich jetzt anmeldest"}},
		{"confirmed on an unlimited event", unlimited, "confirmed",
			[]string{"Willst du deine Anmeldung wirklich stornieren?"},
			[]string{"Warteliste"}},
		{"confirmed on a limited event nobody waits for", limited, "confirmed",
			[]string{"Willst du deine Anmeldung wirklich stornieren?"},
			[]string{"Dein Platz geht"}},
		{"waiting", full, "waitinglist",
			[]string{"Willst du deine Anmeldung wirklich stornieren?"},
			[]string{"Dein Platz geht"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, link := addRegistration(t, app, tt.event.id, "Reader", unique("reader")+"@example.org", tt.status, time.Minute)
			body := app.Get(t, app.Client(), link).Body
			mustContain(t, body, tt.want...)
			for _, bad := range tt.wantN {
				if containsText(body, bad) {
					t.Errorf("page says %q", bad)
				}
			}
		})
	}
}

// A confirmed place on a full event with a waiting list goes to the next
// one waiting; the page says so there, and only there.
func TestCancelSaysWhoGetsThePlace(t *testing.T) {
	app := apptest.Start(t)
	busy := createEvent(t, app, testEvent{max: places(1)})
	_, holder := addRegistration(t, app, busy.id, "Holder", unique("holder")+"@example.org", "confirmed", time.Hour)
	addRegistration(t, app, busy.id, "Waiter", unique("waiter")+"@example.org", "waitinglist", 30*time.Minute)
	mustContain(t, app.Get(t, app.Client(), holder).Body, "Dein Platz geht dann an die nächste Person auf der Warteliste; das lässt sich nicht rückgängig machen.")
}

// containsText looks for s in the page's main part, leaving out the
// navigation and footer that every page has.
func containsText(body, s string) bool {
	if _, after, ok := strings.Cut(body, "<main"); ok {
		body, _, _ = strings.Cut(after, "</main>")
	}
	return strings.Contains(body, s)
}
