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
		WHERE e.shortlink IN ('toolbox', 'sommerakademie', 'absolventinnenfeier') GROUP BY e.id ORDER BY e.id`)
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
	if len(got) != 3 || *got[0].max != 1 || got[1].max != nil || got[2].open {
		t.Fatalf("demo events %+v: want one with 1 place, one unlimited, one closed", got)
	}
	if s := strings.Join(got[0].statuses, ","); s != "canceled,confirmed,pending,waitinglist" {
		t.Errorf("toolbox registrations in states %s, want every state", s)
	}
	// The demo forms render and the printed link works.
	for _, path := range []string{"/events/toolbox/registration/", "/events/sommerakademie/registration/"} {
		if resp := app.Get(t, app.Client(), path); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}
	link := linkRE.FindString(out.String())
	if link == "" {
		t.Fatalf("no link printed: %s", out.String())
	}
	mustContain(t, app.Get(t, app.Client(), link).Body, `data-status="confirmed"`, `value="Debian/Ubuntu/Mint" selected`)
}
