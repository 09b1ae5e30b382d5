package organisers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func hiddenColumns(t *testing.T, app *apptest.App, userID int64, ev testEvent) []string {
	t.Helper()
	var hidden []string
	err := app.Pool.QueryRow(context.Background(), `SELECT hidden FROM organiser_columns WHERE user_id = $1 AND event_id = $2`,
		userID, ev.ID).Scan(&hidden)
	if err != nil {
		t.Fatal(err)
	}
	return hidden
}

// Organisers choose the answer columns they see; the choice is theirs for
// the event, saved exactly as ticked, and the CSV follows it.
func TestParticipantsColumnChoice(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	other := newEvent(t, app, "Andere", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna Albers", Status: "confirmed", Confirmed: at(1),
		Data: `{"guests": 2, "title": "Spinketten", "languages": {"python": true, "other": "Julia"}, "contribution": 2.25}`})
	c, u := app.ClientWith(t, "get_participants")
	colleague, _ := app.ClientWith(t, "get_participants")
	page := fmt.Sprintf("/events/%d/participants/", ev.ID)
	save := page + "columns"
	allKeys := []string{"guests", "title", "languages.python", "languages.other", "contribution"}

	t.Run("the chooser offers every answer, all ticked at first", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, page).Body)
		var offered []string
		for _, box := range p.all("column-choice") {
			if !hasAttr(box, "checked") {
				t.Errorf("%s not ticked", attr(box, "value"))
			}
			offered = append(offered, attr(box, "value"))
		}
		if !slices.Equal(offered, allKeys) {
			t.Errorf("offered %q", offered)
		}
		wantContains(t, p.text(t, "columns-summary"), "5 von 5")
	})

	t.Run("saving keeps exactly the ticked columns and the filter", func(t *testing.T) {
		form := url.Values{"offered": allKeys, "column": {"guests", "languages.other"}, "status": {"", "confirmed", "waitinglist"}, "q": {"anna"}}
		resp := app.PostForm(t, c, save, form)
		wantStatus(t, resp, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != page+"?q=anna&status=confirmed&status=waitinglist" {
			t.Errorf("back to %q", loc)
		}
		if got := hiddenColumns(t, app, u.ID, ev); !slices.Equal(got, []string{"title", "languages.python", "contribution"}) {
			t.Errorf("stored hidden %q", got)
		}
		body := app.Get(t, c, resp.Header.Get("Location")).Body
		p := parsePage(t, body)
		if got := p.texts("col"); !slices.Equal(got, []string{"Gäste", "Sprachen: Weitere"}) {
			t.Errorf("columns %q", got)
		}
		var ticked []string
		for _, box := range p.all("column-choice") {
			if hasAttr(box, "checked") {
				ticked = append(ticked, attr(box, "value"))
			}
		}
		if !slices.Equal(ticked, []string{"guests", "languages.other"}) {
			t.Errorf("ticked after saving %q", ticked)
		}
		wantContains(t, body, "Spaltenauswahl gespeichert (Antwortspalten: 2 von 5).")
		wantContains(t, p.text(t, "columns-summary"), "2 von 5")
		// One total per column shown.
		if got := p.text(t, "totals"); got != "Summe (bestätigt + Warteliste, Treffer für „anna“) 2" {
			t.Errorf("totals %q", got)
		}
	})

	t.Run("the CSV has the columns shown", func(t *testing.T) {
		recs := readCSV(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID)).Body)
		if want := []string{"Nr.", "Name", "Status", "E-Mail", "Gäste", "Sprachen: Weitere", "Anmeldung bestätigt am", "Eingelassen"}; !slices.Equal(recs[0], want) {
			t.Errorf("CSV header %q, want %q", recs[0], want)
		}
		if got := recs[1][4:6]; !slices.Equal(got, []string{"2", "Julia"}) {
			t.Errorf("CSV row %q", recs[1])
		}
	})

	t.Run("the choice is the user's, for this event", func(t *testing.T) {
		if got := parsePage(t, app.Get(t, colleague, page).Body).texts("col"); len(got) != 5 {
			t.Errorf("a colleague sees columns %q", got)
		}
		if got := parsePage(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants/", other.ID)).Body).texts("col"); len(got) != 5 {
			t.Errorf("another event shows columns %q", got)
		}
	})

	t.Run("nothing ticked hides every answer", func(t *testing.T) {
		wantStatus(t, app.PostForm(t, c, save, url.Values{"offered": allKeys}), http.StatusSeeOther)
		if got := parsePage(t, app.Get(t, c, page).Body).texts("col"); len(got) != 0 {
			t.Errorf("columns %q", got)
		}
	})

	// A question added to the form after the page was loaded was not in
	// the form: it keeps its state instead of counting as unticked.
	t.Run("columns the form did not offer keep their state", func(t *testing.T) {
		wantStatus(t, app.PostForm(t, c, save, url.Values{"offered": {"guests", "title"}, "column": {"title", "no-such-column"}}), http.StatusSeeOther)
		if got := hiddenColumns(t, app, u.ID, ev); !slices.Equal(got, []string{"guests", "languages.python", "languages.other", "contribution"}) {
			t.Errorf("stored hidden %q", got)
		}
	})

	t.Run("access", func(t *testing.T) {
		writer, w := app.ClientWith(t, "write_email")
		for _, tt := range []struct {
			name   string
			client *http.Client
			path   string
			want   int
		}{
			{"anonymous", anonymous(app), save, http.StatusUnauthorized},
			{"without get_participants", writer, save, http.StatusForbidden},
			{"unknown event", c, "/events/999999/participants/columns", http.StatusNotFound},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantStatus(t, app.PostForm(t, tt.client, tt.path, url.Values{"offered": allKeys}), tt.want)
			})
		}
		if n := count(t, app, `SELECT count(*) FROM organiser_columns WHERE user_id = $1`, w.ID); n != 0 {
			t.Errorf("a refused save stored %d choices", n)
		}
		resp := app.PostForm(t, c, save, url.Values{"offered": allKeys}, "Sec-Fetch-Site", "cross-site")
		wantStatus(t, resp, http.StatusForbidden)
	})
}
