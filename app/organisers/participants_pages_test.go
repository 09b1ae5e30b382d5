package organisers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// crowd registers confirmed people with one guest each, and waiting
// people on the waiting list, to ev, in one statement.
func crowd(t *testing.T, app *apptest.App, ev testEvent, confirmed, waiting int) {
	t.Helper()
	_, err := app.Pool.Exec(context.Background(), `
		WITH p AS (
			INSERT INTO persons (name, email, language)
			SELECT 'Gast ' || i, 'gast' || i || '.' || $1::bigint || '@example.org', 'de' FROM generate_series(1, $2::int + $3::int) i
			RETURNING id, name)
		INSERT INTO registrations (event_id, person_id, status, data, confirmed_at)
		SELECT $1, id, CASE WHEN substr(name, 6)::int > $2::int THEN 'waitinglist' ELSE 'confirmed' END,
			'{"guests": 1}', now() - (substr(name, 6)::int || ' minutes')::interval
		FROM p`, ev.ID, confirmed, waiting)
	if err != nil {
		t.Fatal(err)
	}
}

// A long list comes in pages of 200 with links between them that keep
// the filter; the totals and the CSV count every matching row.
func TestParticipantsInPages(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Großes Fest", `{"type": "object", "properties": {"guests": {"type": "integer", "title": "Gäste"}}}`)
	// 450 confirmed with one guest each, and 5 on the waiting list.
	crowd(t, app, ev, 450, 5)
	organiser, _ := app.ClientWith(t, "get_participants")
	path := fmt.Sprintf("/events/%d/participants/", ev.ID)
	rows := func(body string) int { return strings.Count(body, `data-testid="participant"`) }
	// totals is the table's last row, which adds up every matching row.
	totals := func(body string) string {
		_, after, _ := strings.Cut(body, `data-testid="totals"`)
		before, _, _ := strings.Cut(after, "</tr>")
		return before
	}

	first := app.Get(t, organiser, path)
	wantStatus(t, first, http.StatusOK)
	if n := rows(first.Body); n != 200 {
		t.Fatalf("the first page shows %d rows, want 200", n)
	}
	wantContains(t, first.Body, "Anmeldungen 1–200 von 450 passenden angezeigt (insgesamt 455)", "Seite 1 von 3",
		`data-testid="page-next"`)
	wantContains(t, totals(first.Body), `<strong>450</strong>`)
	wantNotContains(t, first.Body, `data-testid="page-prev"`)

	last := app.Get(t, organiser, path+"?status=confirmed&page=3")
	if n := rows(last.Body); n != 50 {
		t.Errorf("the last page shows %d rows, want 50", n)
	}
	wantContains(t, last.Body, "Anmeldungen 401–450", "Seite 3 von 3", `rel="prev"`,
		`href="`+path+`?status=confirmed&amp;page=2"`)
	wantContains(t, totals(last.Body), `<strong>450</strong>`)
	wantNotContains(t, last.Body, `data-testid="page-next"`)

	wantStatus(t, app.Get(t, organiser, path+"?page=1%00"), http.StatusUnprocessableEntity)
	for _, page := range []string{"99", "-1", "0", "abc", strings.Repeat("9", 400)} {
		resp := app.Get(t, organiser, path+"?page="+page)
		wantStatus(t, resp, http.StatusOK)
		if n := rows(resp.Body); n != 200 && n != 50 {
			t.Errorf("page %q shows %d rows", page, n)
		}
	}

	// A filter that matches few shows them on one page, with no pager.
	few := app.Get(t, organiser, path+"?status=waitinglist")
	if n := rows(few.Body); n != 5 {
		t.Errorf("the waiting list shows %d rows, want 5", n)
	}
	wantNotContains(t, few.Body, `data-testid="pager"`)

	csv := app.Get(t, organiser, fmt.Sprintf("/events/%d/participants.csv?status=confirmed", ev.ID))
	if n := strings.Count(strings.TrimSpace(csv.Body), "\n"); n != 450 {
		t.Errorf("the CSV has %d rows, want all 450", n)
	}
}
