package organisers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

const checkinSchema = `{"type": "object", "properties": {
	"guests": {"type": "integer", "label": "Gäste"},
	"diet": {"type": "string", "label": "Ernährung"},
	"secret": {"type": "string", "label": "Geheim"}
}}`

// codeOf reads the check-in code the trigger gave a registration.
func codeOf(t *testing.T, app *apptest.App, regID int64) string {
	t.Helper()
	var code *string
	if err := app.Pool.QueryRow(t.Context(), `SELECT checkin_code FROM registrations WHERE id = $1`, regID).Scan(&code); err != nil {
		t.Fatal(err)
	}
	if code == nil {
		return ""
	}
	return *code
}

type checkinReply struct {
	Status      string     `json:"status"`
	Name        *string    `json:"name"`
	CheckedInAt *time.Time `json:"checked_in_at"`
}

func postCheckin(t *testing.T, app *apptest.App, c *http.Client, path, code string) checkinReply {
	t.Helper()
	resp := app.PostForm(t, c, path, url.Values{"code": {code}}, "Accept", "application/json")
	wantStatus(t, resp, http.StatusOK)
	var r checkinReply
	if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	return r
}

func TestCheckinAnswers(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", checkinSchema)
	other := newEvent(t, app, "Andere Feier", checkinSchema)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET checkin_answers = 'guests, diet' WHERE id = $1`, ev.ID); err != nil {
		t.Fatal(err)
	}
	anna := register(t, app, ev, testRegistration{Name: "Anna Gast", Status: "confirmed", Confirmed: at(1),
		Data: `{"guests": 2, "diet": "vegan", "secret": "nicht zeigen"}`})
	// Confirmed once, then demoted: the code they had is no ticket now.
	waiting := register(t, app, ev, testRegistration{Name: "Wanda Warte", Status: "confirmed", Confirmed: at(2)})
	neverConfirmed := register(t, app, ev, testRegistration{Name: "Nora Neu", Status: "waitinglist", Confirmed: at(2)})
	if codeOf(t, app, neverConfirmed.ID) != "" {
		t.Error("a registration that was never confirmed has a code")
	}
	elsewhere := register(t, app, other, testRegistration{Name: "Otto Anders", Status: "confirmed", Confirmed: at(3)})
	canceled := register(t, app, ev, testRegistration{Name: "Carl Storno", Status: "confirmed", Confirmed: at(4)})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET status = CASE WHEN id = $1 THEN 'canceled' ELSE 'waitinglist' END
		WHERE id IN ($1, $2)`, canceled.ID, waiting.ID); err != nil {
		t.Fatal(err)
	}
	door, user := app.ClientWith(t, "event_checkin")
	path := fmt.Sprintf("/events/%d/checkin/", ev.ID)
	code := codeOf(t, app, anna.ID)

	// Typed by hand: lower case, without the dash.
	got := postCheckin(t, app, door, path, strings.ToLower(code))
	if got.Status != "checked_in" || got.Name == nil || *got.Name != "Anna Gast" || got.CheckedInAt == nil {
		t.Fatalf("first scan: %+v", got)
	}
	again := postCheckin(t, app, door, "/events/"+ev.Shortlink+"/checkin/", code)
	if again.Status != "already_checked_in" || again.CheckedInAt == nil || !again.CheckedInAt.Equal(*got.CheckedInAt) {
		t.Errorf("second scan: %+v, want already_checked_in at the first time", again)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = '2026-12-06 18:42:00+01' WHERE id = $1`, anna.ID); err != nil {
		t.Fatal(err)
	}
	frag := app.PostForm(t, door, path, url.Values{"code": {code}}, "HX-Request", "true")
	wantStatus(t, frag, http.StatusOK)
	wantContains(t, frag.Body, `data-status="already_checked_in"`, "18:42", user.Username, "Anna Gast")

	for _, tt := range []struct{ code, want string }{
		{codeOf(t, app, waiting.ID), "not_confirmed"},
		{codeOf(t, app, canceled.ID), "not_confirmed"},
		{codeOf(t, app, elsewhere.ID), "unknown_code"},
		{"ZZZZZ-ZZZZZ", "unknown_code"},
		{"not a code", "unknown_code"},
	} {
		r := postCheckin(t, app, door, path, tt.code)
		if r.Status != tt.want {
			t.Errorf("code %q: %s, want %s", tt.code, r.Status, tt.want)
		}
		if tt.want == "unknown_code" && (r.Name != nil || r.CheckedInAt != nil) {
			t.Errorf("unknown code %q tells %+v", tt.code, r)
		}
	}

	// A ticket of another event says which, on the page; the JSON keeps
	// its four statuses.
	frag = app.PostForm(t, door, path, url.Values{"code": {codeOf(t, app, elsewhere.ID)}}, "HX-Request", "true")
	wantContains(t, frag.Body, `data-status="unknown_code"`, `data-testid="checkin-other-event"`, "„Andere Feier“, nicht für diese Veranstaltung", "Karte einer anderen Veranstaltung")
	wantNotContains(t, frag.Body, "Otto Anders")
	frag = app.PostForm(t, door, path, url.Values{"code": {"ZZZZZ-ZZZZZ"}}, "HX-Request", "true")
	wantNotContains(t, frag.Body, `data-testid="checkin-other-event"`)

	// The door sees the chosen answers, not the others.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = NULL WHERE id = $1`, anna.ID); err != nil {
		t.Fatal(err)
	}
	frag = app.PostForm(t, door, path, url.Values{"code": {code}}, "HX-Request", "true")
	wantContains(t, frag.Body, `data-status="checked_in"`, "Gäste", "vegan")
	wantNotContains(t, frag.Body, "nicht zeigen")
	if frag.Header.Get("HX-Trigger") == "" {
		t.Error("no HX-Trigger to refresh the counters")
	}
	page := app.Get(t, door, path)
	wantStatus(t, page, http.StatusOK)
	wantContains(t, page.Body, `data-testid="checked-in-count">1<`, `data-testid="confirmed-count">1<`, `data-testid="checkin-sum">2<`,
		`data-testid="checkin-sum-of">2<`)
	// Door staff who may not read the list get no link to it; an
	// organiser who may finds the way back.
	wantNotContains(t, page.Body, `data-testid="checkin-participants"`)
	both, _ := app.ClientWith(t, "event_checkin", "get_participants")
	wantContains(t, app.Get(t, both, path).Body, `data-testid="checkin-participants"`, `href="`+strings.TrimSuffix(path, "checkin/")+`participants/"`)
	if pp := page.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") {
		t.Errorf("Permissions-Policy %q keeps the camera off", pp)
	}

	// Undo, audited; undoing again changes nothing.
	undo := app.PostForm(t, door, path+"undo", url.Values{"code": {code}}, "HX-Request", "true")
	wantContains(t, undo.Body, `data-status="undone"`)
	if n := count(t, app, `SELECT count(*) FROM registrations WHERE id = $1 AND checked_in_at IS NULL`, anna.ID); n != 1 {
		t.Error("undo left the check-in")
	}
	if n := count(t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'registrations' AND row_id = $1
		AND field = 'checked_in_at' AND new_value IS NULL AND actor = $2`, fmt.Sprint(anna.ID), user.Username); n != 1 {
		t.Errorf("%d audit entries of the undo", n)
	}
	undo = app.PostForm(t, door, path+"undo", url.Values{"code": {code}}, "Accept", "application/json")
	wantContains(t, undo.Body, `"not_checked_in"`)
	// With nobody let in, the guests expected still show beside the
	// none let in: the door read a sum of those let in alone as the
	// guests to expect.
	page = app.Get(t, door, path)
	wantContains(t, page.Body, `data-testid="checkin-sum">0<`, `data-testid="checkin-sum-of">2<`)

	// Search by name or email, for people without their code.
	hits := app.Get(t, door, path+"search?q=gast", "HX-Request", "true")
	wantContains(t, hits.Body, "Anna Gast", `value="`+code[:5]+"-"+code[5:]+`"`)
	wantNotContains(t, hits.Body, "Otto Anders")
	hits = app.Get(t, door, path+"search?q=%25", "HX-Request", "true")
	wantNotContains(t, hits.Body, "Anna Gast")

	// Bad input is refused with a clear answer and changes nothing.
	for _, bad := range []url.Values{{"code": {""}}, {"code": {strings.Repeat("A", 10000)}}, {"code": {"\xff\xfe"}}} {
		resp := app.PostForm(t, door, path, bad)
		if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("code %.20q: status %d", bad.Get("code"), resp.StatusCode)
		}
	}
	// A code too long to be one is unknown, not missing.
	long := app.PostForm(t, door, path, url.Values{"code": {strings.Repeat("A", 5000)}}, "HX-Request", "true")
	wantContains(t, long.Body, "Unbekannter Code")
	wantNotContains(t, long.Body, "Bitte einen Code eingeben")
	empty := app.PostForm(t, door, path, url.Values{"code": {" "}}, "HX-Request", "true")
	wantContains(t, empty.Body, "Bitte einen Code eingeben")
	if resp := app.Get(t, door, path+"search?q=%00"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("NUL in the search: %d", resp.StatusCode)
	}

	// Other levels cannot check in.
	organiser, _ := app.ClientWith(t, "get_participants")
	resp := app.PostForm(t, organiser, path, url.Values{"code": {code}})
	wantStatus(t, resp, http.StatusForbidden)
	if n := count(t, app, `SELECT count(*) FROM registrations WHERE id = $1 AND checked_in_at IS NOT NULL`, anna.ID); n != 0 {
		t.Error("a user without event_checkin checked someone in")
	}
}

// Two door staff scan the same code at the same moment: exactly one is
// told checked_in, the other already_checked_in.
func TestCheckinConcurrentScans(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Ansturm", checkinSchema)
	path := fmt.Sprintf("/events/%d/checkin/", ev.ID)
	const staff = 8
	clients := make([]*http.Client, staff)
	for i := range clients {
		clients[i], _ = app.ClientWith(t, "event_checkin")
	}
	for round := range 5 {
		reg := register(t, app, ev, testRegistration{Name: fmt.Sprintf("Gast %d", round), Status: "confirmed", Confirmed: at(round)})
		code := codeOf(t, app, reg.ID)
		results := make([]string, staff)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, c := range clients {
			wg.Go(func() {
				<-start
				req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(url.Values{"code": {code}}.Encode()))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("Origin", app.URL)
				var r checkinReply
				resp := apptest.Do(t, c, req)
				if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
					t.Errorf("%v: %s", err, resp.Body)
				}
				results[i] = r.Status
			})
		}
		close(start)
		wg.Wait()
		checkedIn := 0
		for _, s := range results {
			switch s {
			case "checked_in":
				checkedIn++
			case "already_checked_in":
			default:
				t.Errorf("round %d: status %q", round, s)
			}
		}
		if checkedIn != 1 {
			t.Errorf("round %d: %d scans checked in, want exactly 1: %v", round, checkedIn, results)
		}
	}
	if n := count(t, app, `SELECT count(*) FROM audit_log a JOIN registrations r ON a.row_id = r.id::text
		WHERE r.event_id = $1 AND a.table_name = 'registrations' AND a.field = 'checked_in_at'`, ev.ID); n != 5 {
		t.Errorf("%d check-ins recorded, want 5", n)
	}
}

func TestParticipantsShowCheckinTime(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Feier", checkinSchema)
	here := register(t, app, ev, testRegistration{Name: "Hanna Hier", Status: "confirmed", Confirmed: at(1)})
	register(t, app, ev, testRegistration{Name: "Fritz Fehlt", Status: "confirmed", Confirmed: at(2)})
	register(t, app, ev, testRegistration{Name: "Anton Abgesagt", Status: "canceled", Confirmed: at(3), Data: `{"guests": 100}`})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = '2026-12-06 18:42:00+01' WHERE id = $1`, here.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := app.ClientWith(t, "get_participants")
	path := fmt.Sprintf("/events/%d/participants/", ev.ID)
	page := app.Get(t, c, path)
	wantContains(t, page.Body, "06.12.2026 18:42", "Fritz Fehlt", "Hanna Hier")
	missing := app.Get(t, c, path+"?status=confirmed&not_here=1")
	// The totals say they add up only those not here yet.
	wantContains(t, missing.Body, "Fritz Fehlt", `name="not_here" value="1" id="filter-not-here" checked`, "Summe (bestätigt, noch nicht da)")
	wantNotContains(t, missing.Body, "Hanna Hier")
	// Someone who cancelled is not coming: not "not here yet", and not in
	// the sums, even with cancellations ticked.
	withCanceled := app.Get(t, c, path+"?status=confirmed&status=canceled&not_here=1")
	wantContains(t, withCanceled.Body, "Fritz Fehlt", "Summe (bestätigt, noch nicht da)")
	wantNotContains(t, withCanceled.Body, "Anton Abgesagt", "Hanna Hier")
	csv := app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv", ev.ID))
	wantContains(t, csv.Body, "Eingelassen", "2026-12-06 18:42")
	csvMissing := app.Get(t, c, fmt.Sprintf("/events/%d/participants.csv?status=confirmed&not_here=1", ev.ID))
	wantNotContains(t, csvMissing.Body, "Hanna Hier")
	js := app.Get(t, c, path, "Accept", "application/json")
	wantContains(t, js.Body, `"checked_in_at":"2026-12-06T17:42:00Z"`)
}

// The door adds up the whole numbers of those let in (guests); a sum of
// their heights means nothing there, and a question nobody answered adds
// up to nothing rather than to 0.
func TestDoorSumsWholeNumbersOnly(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Door sums", `{"type": "object", "properties": {
		"guests": {"type": "integer", "label": "Gäste"},
		"height": {"type": "number", "label": "Körpergröße in m"},
		"tickets": {"type": "integer", "label": "Tombola-Lose"}}}`)
	in := register(t, app, ev, testRegistration{Name: "Ida Inside", Status: "confirmed", Confirmed: at(1), Data: `{"guests": 2, "height": 1.85}`})
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = now() WHERE id = $1`, in.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := app.ClientWith(t, "event_checkin")
	counts := app.Get(t, c, fmt.Sprintf("/events/%d/checkin/counts", ev.ID))
	if counts.StatusCode != http.StatusOK {
		t.Fatalf("counts: %d", counts.StatusCode)
	}
	wantContains(t, counts.Body, "Gäste")
	wantNotContains(t, counts.Body, "Körpergröße", "Tombola-Lose")
}
