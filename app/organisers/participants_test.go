package organisers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
	"github.com/pepalumni/memberdb/components/i18n"
)

const testSchema = `{"type": "object", "properties": {
	"guests": {"type": "integer", "label": "Gäste<br><small>inklusive dir</small>"},
	"title": {"type": "string", "label": "Titel der Arbeit"},
	"languages": {"type": "object", "label": "Sprachen", "properties": {
		"python": {"type": "boolean"},
		"other": {"type": "string", "label": "Weitere"}
	}},
	"contribution": {"type": "number", "label": "Beitrag"}
}}`

func TestParticipantsAccess(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", testSchema)
	register(t, app, ev, testRegistration{Name: "Björn Weiß", Status: "confirmed", Confirmed: at(1), Data: `{"guests": 2}`})
	organiser, _ := app.ClientWith(t, "get_participants")
	other, _ := app.ClientWith(t, "write_email", "view_registration")
	byID := fmt.Sprintf("/events/%d/participants/", ev.ID)
	byShortlink := "/events/" + ev.Shortlink + "/participants/"
	csvByID := fmt.Sprintf("/events/%d/participants.csv", ev.ID)

	tests := []struct {
		name       string
		client     *http.Client
		path       string
		headers    []string
		wantStatus int
		wantBody   string
	}{
		{"anonymous is sent to log in", anonymous(app), byID, nil, http.StatusSeeOther, ""},
		{"anonymous JSON is refused", anonymous(app), byID, []string{"Accept", "application/json"}, http.StatusUnauthorized, `"access_denied"`},
		{"anonymous htmx gets 401", anonymous(app), byID, []string{"HX-Request", "true"}, http.StatusUnauthorized, ""},
		{"anonymous CSV is sent to log in", anonymous(app), csvByID, nil, http.StatusSeeOther, ""},
		{"other levels are refused", other, byID, nil, http.StatusForbidden, "get_participants"},
		{"other levels get no CSV", other, csvByID, nil, http.StatusForbidden, ""},
		{"organiser by id", organiser, byID, nil, http.StatusOK, "Björn Weiß"},
		{"organiser by shortlink", organiser, byShortlink, nil, http.StatusOK, "Björn Weiß"},
		{"organiser CSV by shortlink", organiser, "/events/" + ev.Shortlink + "/participants.csv", nil, http.StatusOK, "Björn Weiß"},
		{"organiser CSV through the format parameter", organiser, byID + "?format=csv", nil, http.StatusOK, "Björn Weiß"},
		{"unknown event", organiser, "/events/999999/participants/", nil, http.StatusNotFound, ""},
		{"unknown shortlink", organiser, "/events/no-such-event/participants/", nil, http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, tt.client, tt.path, tt.headers...)
			wantStatus(t, resp, tt.wantStatus)
			if tt.wantStatus == http.StatusSeeOther {
				if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login/?next=") {
					t.Errorf("Location %q, want the login page", loc)
				}
			}
			if tt.wantBody != "" {
				wantContains(t, resp.Body, tt.wantBody)
			}
		})
	}
}

func TestParticipantsOrderCountsAndSums(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier 2024", testSchema)
	other := newEvent(t, app, "Andere Veranstaltung", testSchema)
	register(t, app, other, testRegistration{Name: "Fremde Person", Status: "confirmed", Confirmed: at(0)})

	regs := map[string]createdRegistration{}
	for _, r := range []testRegistration{
		{Name: "Anna Albers", Status: "confirmed", Confirmed: at(10),
			Data: `{"guests": 2, "title": "Spinketten", "languages": {"python": true, "other": "Julia"}, "contribution": 2.25}`},
		{Name: "Bernd Brandt", Status: "waitinglist", Confirmed: at(30),
			Data: `{"guests": 5, "title": "Quarks", "languages": {"python": false, "other": ""}, "contribution": 0}`},
		{Name: "Clara Conrad", Status: "pending",
			Data: `{"guests": 1, "title": "Myonen", "languages": {"python": true, "other": ""}, "contribution": 0}`},
		{Name: "Dora Decker", Status: "confirmed", Confirmed: at(5),
			Data: `{"guests": 3, "title": "Neutrinos", "languages": {"python": true, "other": "Rust"}, "contribution": 1.5}`},
		{Name: "Emil Engel", Status: "canceled", Confirmed: at(20),
			Data: `{"guests": 4, "title": "Gluonen", "languages": {"python": false, "other": ""}, "contribution": 0}`},
	} {
		regs[r.Name] = register(t, app, ev, r)
	}
	c, _ := app.ClientWith(t, "get_participants", "write_email", "event_registration_admin")
	path := fmt.Sprintf("/events/%d/participants/", ev.ID)

	allStatuses := "?status=confirmed&status=waitinglist&status=pending&status=canceled"
	status := func(st string) string { return i18n.In(i18n.DE, "organisers.status."+st) }

	t.Run("confirmation order, numbered, with counts", func(t *testing.T) {
		resp := app.Get(t, c, path+allStatuses)
		wantStatus(t, resp, http.StatusOK)
		p := parsePage(t, resp.Body)
		wantNames := []string{"Dora Decker", "Anna Albers", "Emil Engel", "Bernd Brandt", "Clara Conrad"}
		if got := p.texts("name"); !slices.Equal(got, wantNames) {
			t.Fatalf("names %v, want %v", got, wantNames)
		}
		rows := p.all("participant")
		for i, row := range rows {
			if num := textOf(findAll(row, "number")[0]); num != strconv.Itoa(i+1) {
				t.Errorf("row %d numbered %q", i, num)
			}
		}
		if got := attr(rows[1], "data-registration"); got != strconv.FormatInt(regs["Anna Albers"].ID, 10) {
			t.Errorf("second row is registration %s, want Anna's", got)
		}
		wantStatuses := []string{"confirmed", "confirmed", "canceled", "waitinglist", "pending"}
		for i, row := range rows {
			st := findAll(row, "status")
			if len(st) != 1 || attr(st[0], "data-status") != wantStatuses[i] {
				t.Errorf("row %d: status element %v, want %s", i, st, wantStatuses[i])
			}
		}
		// The symbol has its status in words for screen readers.
		wantContains(t, textOf(findAll(rows[0], "status")[0]), "✓", status("confirmed"))
		wantContains(t, textOf(findAll(rows[3], "status")[0]), "◷", status("waitinglist"))
		wantContains(t, textOf(findAll(rows[4], "status")[0]), "✉")
		wantContains(t, textOf(findAll(rows[2], "status")[0]), "✗", status("canceled"))

		// Counts are over all registrations, beside the status to tick.
		for st, want := range map[string]string{"confirmed": "✓ bestätigt ( 2 )", "waitinglist": "◷ Warteliste ( 1 )",
			"pending": "✉ " + status("pending") + " ( 1 )", "canceled": "✗ " + status("canceled") + " ( 1 )"} {
			if got := p.text(t, "count-"+st); got != want {
				t.Errorf("count-%s shows %q, want %q", st, got, want)
			}
		}
		wantContains(t, p.text(t, "shown"), "5 von 5")
		// Guests of all but the cancelled: 3 + 2 + 5 + 1.
		wantContains(t, p.text(t, "totals"), "ohne Stornierte) 11 ")

		// Columns follow the schema as written, nested fields inside.
		wantCols := []string{"Gäste", "Titel der Arbeit", "Sprachen: python", "Sprachen: Weitere", "Beitrag"}
		if cols := p.texts("col"); !slices.Equal(cols, wantCols) {
			t.Errorf("columns %q, want %q", cols, wantCols)
		}
		wantContains(t, resp.Body, "Julia", "Neutrinos", `href="/admin/registrations/`+strconv.FormatInt(regs["Dora Decker"].ID, 10)+`"`,
			fmt.Sprintf(`href="/events/%d/write_mail/"`, ev.ID), "table-responsive")
		wantNotContains(t, resp.Body, "Fremde Person")
	})

	// Organisers counted cancelled and unconfirmed people into the totals:
	// the list starts with the confirmed, and its totals say what they add.
	t.Run("by default the confirmed, with totals saying so", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path).Body)
		if got := p.texts("name"); !slices.Equal(got, []string{"Dora Decker", "Anna Albers"}) {
			t.Errorf("names %v, want the confirmed", got)
		}
		var ticks []string
		for _, box := range elements(p.all("counts")[0], "input") {
			if attr(box, "type") == "checkbox" {
				ticks = append(ticks, fmt.Sprintf("%s=%v", attr(box, "value"), hasAttr(box, "checked")))
			}
		}
		// The waiting list comes right after the confirmed.
		if want := []string{"confirmed=true", "waitinglist=false", "pending=false", "canceled=false"}; !slices.Equal(ticks, want) {
			t.Errorf("status boxes %q, want %q", ticks, want)
		}
		if got := p.text(t, "totals-label"); got != "Summe (bestätigt)" {
			t.Errorf("totals labelled %q", got)
		}
		// Guests 3 + 2 and contributions 1.5 + 2.25 of the confirmed only,
		// with their means. Decimals as German readers write them.
		if got := p.text(t, "totals"); got != "Summe (bestätigt) 5 Mittel 2,5 2 3,75 Mittel 1,9" {
			t.Errorf("totals %q", got)
		}
		// On a phone the footer sits under its columns, off screen to the
		// right; the same sums stand under the table with their questions.
		if got := p.text(t, "totals-phone"); got != "Summe (bestätigt) Gäste 5 Mittel 2,5 Sprachen: python 2 Beitrag 3,75 Mittel 1,9" {
			t.Errorf("totals for phones %q", got)
		}
	})

	// Ticking the cancelled shows them, but they are not coming: the
	// totals leave them out and say so; shown alone, they add up.
	t.Run("totals leave out the cancelled shown beside others", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path+"?status=confirmed&status=canceled").Body)
		if got := p.texts("name"); !slices.Contains(got, "Emil Engel") {
			t.Errorf("names %v lack the cancelled", got)
		}
		if got := p.text(t, "totals"); got != "Summe (bestätigt, ohne Stornierte) 5 Mittel 2,5 2 3,75 Mittel 1,9" {
			t.Errorf("totals %q", got)
		}
		if got := parsePage(t, app.Get(t, c, path+"?status=canceled").Body).text(t, "totals"); got != "Summe (storniert) 4 0 0" {
			t.Errorf("totals of the cancelled alone %q", got)
		}
	})

	t.Run("status is the second column", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path).Body)
		head := elements(elements(p.root, "thead")[0], "th")
		if got := textOf(head[1]); got != "Status" {
			t.Errorf("second header %q", got)
		}
		if got := textOf(head[0]); got != "Nr. · Name" {
			t.Errorf("first header %q", got)
		}
		for _, row := range p.all("participant") {
			var cells []*html.Node
			for n := row.FirstChild; n != nil; n = n.NextSibling {
				if n.Type == html.ElementNode {
					cells = append(cells, n)
				}
			}
			if len(findAll(cells[0], "name")) != 1 || len(findAll(cells[1], "status")) != 1 || attr(cells[2], "data-testid") != "email" {
				t.Errorf("row %s: name, status, email not in the first three cells", attr(row, "data-registration"))
			}
		}
	})

	t.Run("several statuses add up together", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path+"?status=waitinglist&status=confirmed").Body)
		if got := p.texts("name"); !slices.Equal(got, []string{"Dora Decker", "Anna Albers", "Bernd Brandt"}) {
			t.Errorf("names %v", got)
		}
		if got := p.text(t, "totals"); got != "Summe (bestätigt + Warteliste) 10 Mittel 3,3 2 3,75 Mittel 1,3" {
			t.Errorf("totals %q", got)
		}
		if href := attr(p.all("csv")[0], "href"); href != fmt.Sprintf("/events/%d/participants.csv?status=confirmed&status=waitinglist", ev.ID) {
			t.Errorf("csv link %q", href)
		}
	})

	t.Run("the totals name the search too", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path+"?status=confirmed&q=rust").Body)
		if got := p.text(t, "totals-label"); got != "Summe (bestätigt, Treffer für „rust“)" {
			t.Errorf("totals labelled %q", got)
		}
	})

	t.Run("no status ticked shows nobody and says why", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path+"?status=&q=").Body)
		if got := p.texts("name"); len(got) != 0 {
			t.Errorf("names %v", got)
		}
		wantContains(t, p.text(t, "empty"), "Kein Status gewählt")
		for _, box := range elements(p.all("counts")[0], "input") {
			if hasAttr(box, "checked") {
				t.Errorf("%s ticked", attr(box, "value"))
			}
		}
	})

	t.Run("status filter keeps the numbers", func(t *testing.T) {
		p := parsePage(t, app.Get(t, c, path+"?status=waitinglist").Body)
		if got := p.texts("name"); !slices.Equal(got, []string{"Bernd Brandt"}) {
			t.Fatalf("names %v", got)
		}
		if num := textOf(findAll(p.all("participant")[0], "number")[0]); num != "4" {
			t.Errorf("Bernd is number %s, want 4", num)
		}
		if got := p.text(t, "shown"); !strings.Contains(got, "1 von 5") {
			t.Errorf("shown %q", got)
		}
	})

	t.Run("search looks at names, emails and answers", func(t *testing.T) {
		for q, want := range map[string][]string{
			"rust":                     {"Dora Decker"},
			"ALBERS":                   {"Anna Albers"},
			regs["Clara Conrad"].Email: {"Clara Conrad"},
			"nobody-has-this":          nil,
		} {
			resp := app.Get(t, c, path+allStatuses+"&q="+url.QueryEscape(q))
			wantStatus(t, resp, http.StatusOK)
			if got := parsePage(t, resp.Body).texts("name"); !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", q, got, want)
			}
		}
	})

	t.Run("htmx gets the table alone", func(t *testing.T) {
		// As the filter form sends it: the empty status beside the ticked.
		resp := app.Get(t, c, path+"?status=&status=confirmed&q=spinketten", "HX-Request", "true")
		wantStatus(t, resp, http.StatusOK)
		if !strings.HasPrefix(strings.TrimSpace(resp.Body), `<div id="participants-table"`) {
			t.Errorf("fragment starts %.80q", resp.Body)
		}
		wantNotContains(t, resp.Body, "<html", `data-testid="nav"`)
		p := parsePage(t, resp.Body)
		if got := p.texts("name"); !slices.Equal(got, []string{"Anna Albers"}) {
			t.Errorf("names %v", got)
		}
		// The download follows the filter, the address bar spells it once.
		if href := attr(p.all("csv")[0], "href"); href != fmt.Sprintf("/events/%d/participants.csv?q=spinketten&status=confirmed", ev.ID) {
			t.Errorf("csv link %q", href)
		}
		if got := resp.Header.Get("HX-Push-Url"); got != path+"?q=spinketten&status=confirmed" {
			t.Errorf("HX-Push-Url %q", got)
		}
	})

	t.Run("page carries the debounced search", func(t *testing.T) {
		body := app.Get(t, c, path).Body
		wantContains(t, body, `hx-trigger="input changed delay:300ms, search"`, `hx-push-url="true"`, `hx-target="#participants-table"`)
	})

	t.Run("no mail link without write_email", func(t *testing.T) {
		reader, _ := app.ClientWith(t, "get_participants")
		body := app.Get(t, reader, path).Body
		if len(parsePage(t, body).all("write-mail")) != 0 {
			t.Error("write-mail link shown without write_email")
		}
	})

	// An organiser without the admin console's level would only meet a
	// refusal behind the link.
	t.Run("no admin links without event_registration_admin", func(t *testing.T) {
		reader, _ := app.ClientWith(t, "get_participants")
		body := app.Get(t, reader, path).Body
		if n := len(parsePage(t, body).all("admin-link")); n != 0 {
			t.Errorf("%d admin links shown without event_registration_admin", n)
		}
		wantNotContains(t, body, `href="/admin/registrations/`)
	})
}

func TestParticipantsJSON(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Exkursion", testSchema)
	confirmed := register(t, app, ev, testRegistration{Name: "Lea Schäfer", Status: "confirmed", Confirmed: at(90),
		Data: `{"name": "Lea S.", "guests": 4, "contribution": 5.5, "title": "Messung von $\\alpha_s$", "languages": {"python": true, "other": ""}, "submit": true}`})
	pending := register(t, app, ev, testRegistration{Name: "Max Muster", Status: "pending",
		Data: `{"email": "typed@example.org", "guests": 1}`})
	c, _ := app.ClientWith(t, "get_participants")

	resp := app.Get(t, c, "/events/"+ev.Shortlink+"/participants/", "Accept", "application/json")
	wantStatus(t, resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if !slices.Contains(resp.Header.Values("Vary"), "Accept") {
		t.Errorf("Vary %v lacks Accept", resp.Header.Values("Vary"))
	}
	var got struct {
		StatusName   string                       `json:"status_name"`
		Participants []map[string]json.RawMessage `json:"participants"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got.StatusName != "success" || len(got.Participants) != 2 {
		t.Fatalf("status_name %q with %d participants", got.StatusName, len(got.Participants))
	}
	// The old system's as_dict of a registration row, in confirmation order.
	for _, p := range got.Participants {
		var keys []string
		for k := range p {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"checked_in_at", "data", "event_id", "id", "person_id", "status_name", "timestamp"}; !slices.Equal(keys, want) {
			t.Errorf("entry keys %v, want %v", keys, want)
		}
	}
	first, second := got.Participants[0], got.Participants[1]
	wantJSON(t, first["id"], strconv.FormatInt(confirmed.ID, 10))
	wantJSON(t, first["event_id"], strconv.FormatInt(ev.ID, 10))
	wantJSON(t, first["person_id"], strconv.FormatInt(confirmed.PersonID, 10))
	wantJSON(t, first["status_name"], `"confirmed"`)
	wantJSON(t, first["timestamp"], `"2024-10-01T09:30:00Z"`)
	var data map[string]any
	if err := json.Unmarshal(first["data"], &data); err != nil {
		t.Fatal(err)
	}
	if data["email"] != confirmed.Email || data["name"] != "Lea S." || data["guests"] != 4.0 ||
		data["contribution"] != 5.5 || data["title"] != `Messung von $\alpha_s$` || data["submit"] != true {
		t.Errorf("data %v", data)
	}
	if !strings.Contains(string(first["data"]), `"guests":4`) {
		t.Errorf("integer answer not written as an integer: %s", first["data"])
	}
	wantJSON(t, second["id"], strconv.FormatInt(pending.ID, 10))
	wantJSON(t, second["status_name"], `"pending"`)
	wantJSON(t, second["timestamp"], `null`)
	if !strings.Contains(string(second["data"]), `"email":"typed@example.org"`) {
		t.Errorf("an email typed into the form wins: %s", second["data"])
	}
}

func wantJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// KaTeX typesets $…$ only in elements marked as math; of the answers only
// those to latex fields are. A price typed into a text field, or a name,
// stays text.
func TestParticipantsTypesetOnlyLatexAnswers(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", `{"type": "object", "properties": {
		"title": {"type": "string", "format": "latex", "label": "Titel"},
		"note": {"type": "string", "label": "Anmerkung"}
	}}`)
	register(t, app, ev, testRegistration{Name: "Ada $x$ Lovelace", Status: "confirmed", Confirmed: at(1),
		Data: `{"title": "Über $\\alpha$-Zerfälle", "note": "Ich zahle 5$ und 10$"}`})
	c, _ := app.ClientWith(t, "get_participants")
	resp := app.Get(t, c, fmt.Sprintf("/events/%d/participants/", ev.ID))
	wantStatus(t, resp, http.StatusOK)
	row := parsePage(t, resp.Body).all("participant")[0]
	// The name is the row's header cell.
	cells := append(elements(row, "th"), elements(row, "td")...)
	classOf := func(text string) string {
		for _, td := range cells {
			if strings.Contains(textOf(td), text) {
				return attr(td, "class")
			}
		}
		t.Fatalf("no cell shows %q", text)
		return ""
	}
	for _, text := range []string{"Ich zahle 5$ und 10$", "Ada $x$ Lovelace", "example"} {
		if !strings.Contains(classOf(text), "no-math") {
			t.Errorf("the cell with %q would be typeset as math", text)
		}
	}
	if class := classOf("Zerfälle"); strings.Contains(class, "no-math") || !strings.Contains(class, "math") {
		t.Errorf("the latex answer's cell (class %q) is not marked as math", class)
	}
}

// A place on offer is neither free nor taken: the list names whom it is
// held for and until when, and counts the offers on the waiting list.
func TestParticipantsShowPlacesOnOffer(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerfest", testSchema)
	register(t, app, ev, testRegistration{Name: "Clara Fest", Status: "confirmed", Confirmed: at(1)})
	waiting := register(t, app, ev, testRegistration{Name: "Wanda Wartend", Status: "waitinglist", Confirmed: at(2)})
	register(t, app, ev, testRegistration{Name: "Willi Wartend", Status: "waitinglist", Confirmed: at(3)})
	var until time.Time
	if err := app.Pool.QueryRow(t.Context(), `INSERT INTO waitinglist_offers (event_id, registration_id, offered_at, expires_at)
		VALUES ($1, $2, now(), now() + interval '2 days') RETURNING expires_at`, ev.ID, waiting.ID).Scan(&until); err != nil {
		t.Fatal(err)
	}
	at := until.In(web.Berlin).Format("02.01.2006 15:04")
	organiser, _ := app.ClientWith(t, "get_participants")
	page := app.Get(t, organiser, fmt.Sprintf("/events/%d/participants/?status=waitinglist", ev.ID))
	wantContains(t, page.Body, "Platz angeboten bis "+at, ", 1 mit Angebot")
	if strings.Count(page.Body, `data-testid="offer"`) != 1 {
		t.Errorf("%d rows tell of an offer, want Wanda's alone", strings.Count(page.Body, `data-testid="offer"`))
	}
	en := app.Get(t, organiser, fmt.Sprintf("/events/%d/participants/?status=waitinglist", ev.ID), "Accept-Language", "en")
	wantContains(t, en.Body, "place offered until "+until.In(web.Berlin).Format("2 Jan 2006 15:04"), ", 1 offered a place")
}
