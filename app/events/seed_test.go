package events_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/events"
)

func TestSeedDemoEvents(t *testing.T) {
	app := apptest.Start(t)
	var out bytes.Buffer
	ctx := context.Background()
	if err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error { return events.Seed(ctx, tx, &out) }); err != nil {
		t.Fatal(err)
	}
	rows, err := app.Pool.Query(ctx, `SELECT e.shortlink, e.max_participants, e.registration_open, array_agg(DISTINCT r.status ORDER BY r.status)
		FROM events e JOIN registrations r ON r.event_id = e.id
		WHERE e.shortlink IN ('toolbox', 'sommerakademie', 'absolventinnenfeier', 'reinraum') GROUP BY e.id ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		shortlink string
		max       *int
		open      bool
		statuses  []string
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.shortlink, &r.max, &r.open, &r.statuses); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	// The graduation ceremony, the largest form, is open for a newcomer
	// to try; the cleanroom tour is the closed one.
	if len(got) != 4 || *got[0].max != 1 || got[1].max != nil || !got[2].open || got[3].open {
		t.Fatalf("demo events %+v: want one with 1 place, one unlimited, the ceremony open, one closed", got)
	}
	if s := strings.Join(got[0].statuses, ","); s != "canceled,confirmed,pending,waitinglist" {
		t.Errorf("toolbox registrations in states %s, want every state", s)
	}
	// A description says what a visitor finds: open or closed.
	for shortlink, want := range map[string]string{"absolventinnenfeier": "Melde dich", "reinraum": "die Anmeldung ist geschlossen"} {
		var d string
		_ = app.Pool.QueryRow(ctx, `SELECT description FROM events WHERE shortlink = $1`, shortlink).Scan(&d)
		if !strings.Contains(d, want) {
			t.Errorf("%s: description %q lacks %q", shortlink, d, want)
		}
	}

	// Events take place at local times a person would go to, in Berlin.
	times, err := app.Pool.Query(ctx, `SELECT shortlink, to_char(starts_at AT TIME ZONE 'Europe/Berlin', 'HH24:MI'),
			to_char(ends_at AT TIME ZONE 'Europe/Berlin', 'HH24:MI'), ends_at > starts_at
		FROM events WHERE shortlink IN ('toolbox', 'sommerakademie', 'absolventinnenfeier', 'reinraum') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"toolbox": {"10:00", "16:00"}, "sommerakademie": {"14:00", "13:00"},
		"absolventinnenfeier": {"17:00", "23:00"}, "reinraum": {"14:00", "15:30"}}
	for times.Next() {
		var shortlink, starts, ends string
		var after bool
		if err := times.Scan(&shortlink, &starts, &ends, &after); err != nil {
			t.Fatal(err)
		}
		if w := want[shortlink]; starts != w[0] || ends != w[1] || !after {
			t.Errorf("%s runs %s–%s (ends after start: %v), want %s–%s", shortlink, starts, ends, after, w[0], w[1])
		}
	}

	// Nothing is confirmed or cancelled before it was made, and the
	// persons were known before they registered.
	var wrong int
	err = app.Pool.QueryRow(ctx, `SELECT count(*) FROM registrations r JOIN events e ON e.id = r.event_id JOIN persons p ON p.id = r.person_id
		WHERE e.shortlink IN ('toolbox', 'sommerakademie', 'absolventinnenfeier', 'reinraum')
		  AND (r.confirmed_at < r.created_at OR r.canceled_at < r.created_at OR r.updated_at < r.created_at
		       OR r.created_at < p.created_at OR r.created_at > now())`).Scan(&wrong)
	if err != nil {
		t.Fatal(err)
	}
	if wrong > 0 {
		t.Errorf("%d seeded registrations have times out of order", wrong)
	}
	// The demo forms render and the printed link works.
	for _, path := range []string{"/events/toolbox/registration/", "/events/sommerakademie/registration/", "/events/absolventinnenfeier/registration/"} {
		if resp := app.Get(t, app.Client(), path); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}
	// The toolbox workshop shows English visitors its English.
	en := app.Get(t, app.Client(), "/events/toolbox/registration/", "Accept-Language", "en").Body
	mustContain(t, en, `data-testid="event-name">Toolbox workshop<`, "Two weeks of tools", "Questions? Write to")
	link := linkRE.FindString(out.String())
	if link == "" {
		t.Fatalf("no link printed: %s", out.String())
	}
	mustContain(t, app.Get(t, app.Client(), link).Body, `data-status="confirmed"`, `value="Debian/Ubuntu/Mint" selected`)
}
