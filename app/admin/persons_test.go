package admin_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

func personRowID(id int64) string { return "persons-" + strconv.FormatInt(id, 10) }

func TestPersonsListSortFilterSearch(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("zqlist")
	anna := newPerson(t, app, "Anna "+tag+"mann", "anna."+tag+"@example.org")
	bert := newPerson(t, app, "Bert "+tag+"mann", "bert."+tag+"@example.org")
	carl := newPerson(t, app, "Carl "+tag+"mann", "carl."+tag+"@example.org")
	exec(t, app, `UPDATE persons SET membership_status = 'confirmed', membership_type = 'ordentlich' WHERE id = $1`, bert)
	exec(t, app, `UPDATE persons SET membership_status = 'pending' WHERE id = $1`, carl)
	// Sorted by name as a German reader expects: Ö beside O, not after Z.
	umlauts := unique("zqumlaut")
	zoe := newPerson(t, app, "Zoë "+umlauts, "zoe."+umlauts+"@example.org")
	odon := newPerson(t, app, "Ödön "+umlauts, "odon."+umlauts+"@example.org")
	otto := newPerson(t, app, "Otto "+umlauts, "otto."+umlauts+"@example.org")
	aron := newPerson(t, app, "Áron "+umlauts, "aron."+umlauts+"@example.org")

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"search, newest first by default", "q=" + tag, []int64{carl, bert, anna}},
		{"sort by name ascending", "q=" + tag + "&sort=name&dir=asc", []int64{anna, bert, carl}},
		{"sort by name descending", "q=" + tag + "&sort=name&dir=desc", []int64{carl, bert, anna}},
		{"umlauts and accents sort beside their letters", "q=" + umlauts + "&sort=name&dir=asc", []int64{aron, odon, otto, zoe}},
		{"filter by membership status", "q=" + tag + "&status=confirmed", []int64{bert}},
		{"filter persons without status", "q=" + tag + "&status=none", []int64{anna}},
		{"filter by type", "q=" + tag + "&type=ordentlich", []int64{bert}},
		{"search by email", "q=" + url.QueryEscape("carl."+tag), []int64{carl}},
		{"every word must match", "q=" + url.QueryEscape("anna "+tag), []int64{anna}},
		{"typo-tolerant: similar names when nothing matches", "q=" + url.QueryEscape("Berd "+tag+"man"), []int64{bert}},
		{"page size and paging", "q=" + tag + "&sort=name&dir=asc&size=10&page=1", []int64{anna, bert, carl}},
		// A page number whose offset overflows once answered 500.
		{"page far beyond the end shows the last page", "q=" + tag + "&sort=name&dir=asc&size=200&page=4611686018427387904", []int64{anna, bert, carl}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, "/admin/persons?"+tt.query, htmx...)
			wantStatus(t, resp, http.StatusOK)
			if strings.Contains(resp.Body, "<html") {
				t.Fatal("an htmx search must answer with the list alone")
			}
			var want []string
			for _, id := range tt.want {
				want = append(want, personRowID(id))
			}
			got := rowOrder(resp.Body)
			if tt.name == "typo-tolerant: similar names when nothing matches" {
				if len(got) == 0 || got[0] != want[0] {
					t.Fatalf("rows %v, want %v first", got, want)
				}
				wantBody(t, resp, `data-testid="note"`)
				// The note speaks of as many names as it shows.
				wording := map[bool]string{true: "das ist ein ähnlicher Name", false: "das sind ähnliche Namen"}[len(got) == 1]
				wantBody(t, resp, wording)
				return
			}
			if !slices.Equal(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
		})
	}

	// Accents are ignored like case: a name found as typed is an exact
	// match, with no note about similar names.
	t.Run("schrod finds Schrödinger exactly", func(t *testing.T) {
		erwin := newPerson(t, app, "Erwin Schrödinger "+tag, "erwin."+tag+"@example.org")
		for _, q := range []string{"schrod " + tag, "Schröd " + tag} {
			resp := app.Get(t, c, "/admin/persons?q="+url.QueryEscape(q), htmx...)
			wantStatus(t, resp, http.StatusOK)
			if got := rowOrder(resp.Body); !slices.Equal(got, []string{personRowID(erwin)}) {
				t.Errorf("%q: rows %v, want Schrödinger alone", q, got)
			}
			notBody(t, resp, `data-testid="note"`, "Nichts passt genau")
		}
		exec(t, app, `DELETE FROM persons WHERE id = $1`, erwin)
	})

	// Without umlauts on the keyboard, ä, ö and ü are typed ae, oe and ue,
	// and names keep either spelling: both find both, exactly.
	t.Run("mueller finds Müller and nöther finds Noether", func(t *testing.T) {
		jorg := newPerson(t, app, "Jörg Müller "+tag, "jm."+tag+"@example.org")
		emmy := newPerson(t, app, "Emmy Noether "+tag, "emmy."+tag+"@example.org")
		manuel := newPerson(t, app, "Manuel Sommer "+tag, "annaengel."+tag+"@example.org")
		for q, want := range map[string]int64{
			// A fragment as written still finds what folding changes.
			"el sommer " + tag: manuel, "engel " + tag: manuel, "manuel " + tag: manuel,
			"mueller " + tag: jorg, "joerg mueller " + tag: jorg, "muller " + tag: jorg, "Müller " + tag: jorg,
			"noether " + tag: emmy, "nöther " + tag: emmy, "Nother " + tag: emmy,
		} {
			resp := app.Get(t, c, "/admin/persons?q="+url.QueryEscape(q), htmx...)
			wantStatus(t, resp, http.StatusOK)
			if got := rowOrder(resp.Body); !slices.Equal(got, []string{personRowID(want)}) {
				t.Errorf("%q: rows %v, want %s alone", q, got, personRowID(want))
			}
			notBody(t, resp, `data-testid="note"`)
		}
		exec(t, app, `DELETE FROM persons WHERE id IN ($1, $2, $3)`, jorg, emmy, manuel)
	})

	t.Run("full page without htmx keeps the search in the form", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/persons?q="+tag+"&sort=name&dir=asc")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "<html", `value="`+tag+`"`, `name="sort" value="name"`, `hx-push-url="true"`,
			`hx-trigger="input changed delay:300ms, search"`, "js/admin.js")
	})
	t.Run("sort header links turn the direction around", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/persons?q="+tag+"&sort=name&dir=asc", htmx...)
		wantBody(t, resp, `href="/admin/persons?dir=desc&amp;q=`+tag+`&amp;sort=name"`)
	})
	t.Run("paging", func(t *testing.T) {
		for i := 0; i < 11; i++ {
			newPerson(t, app, fmt.Sprintf("Page %s %02d", tag, i), fmt.Sprintf("page%d.%s@example.org", i, tag))
		}
		first := app.Get(t, c, "/admin/persons?q=page+"+tag+"&size=10&sort=name&dir=asc", htmx...)
		if n := len(rowOrder(first.Body)); n != 10 {
			t.Fatalf("first page has %d rows, want 10", n)
		}
		wantBody(t, first, "Seite 1 von 2", `data-testid="next"`)
		second := app.Get(t, c, "/admin/persons?q=page+"+tag+"&size=10&sort=name&dir=asc&page=2", htmx...)
		if n := len(rowOrder(second.Body)); n != 1 {
			t.Fatalf("second page has %d rows, want 1", n)
		}
		wantBody(t, second, "Page "+tag+" 10")
	})
}

func TestPersonInlineEdit(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("inline")
	id := newPerson(t, app, "Ina Inline", tag+"@example.org")
	other := newPerson(t, app, "Otto Other", "other."+tag+"@example.org")
	base := fmt.Sprintf("/admin/persons/%d", id)
	sid := strconv.FormatInt(id, 10)

	t.Run("opening a cell gives its editor", func(t *testing.T) {
		resp := app.Get(t, c, base+"/fields/name", htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-inline-edit`, `name="value" value="Ina Inline"`, `name="version" value="1"`, `data-cancel="`+base+`/row"`)
		// Without a minimum width the editor was a 3-letter box on a phone.
		wantBody(t, resp, `class="edit-cell"`)
	})
	t.Run("Escape fetches the stored row", func(t *testing.T) {
		resp := app.Get(t, c, base+"/row", htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `<tr id="`+personRowID(id)+`"`, "Ina Inline")
	})

	tests := []struct {
		name, field, value string
		version            int
		wantStatus         int
		wantBody           []string
		wantStored         string // name after the request
		column             string
	}{
		{"name saved", "name", "Ina Renamed", 1, 200, []string{`<tr id="` + personRowID(id) + `"`, "Ina Renamed"}, "Ina Renamed", "name"},
		{"empty name refused, typed value kept", "name", "   ", 2, 422, []string{`data-testid="cell-error"`, "Bitte ausfüllen."}, "Ina Renamed", "name"},
		{"a line break in the name refused", "name", "Evil\r\nBcc: victim@example.org", 2, 422, []string{`data-testid="cell-error"`, "ohne Zeilenumbrüche"}, "Ina Renamed", "name"},
		{"bad email refused", "email", "not-an-address", 2, 422, []string{`value="not-an-address"`, "gültige E-Mail-Adresse"}, tag + "@example.org", "email"},
		{"email of someone else refused", "email", "other." + tag + "@example.org", 2, 422, []string{"schon vergeben"}, tag + "@example.org", "email"},
		{"stale version refused with the current value", "name", "Lost Update", 1, 409, []string{`data-testid="conflict"`, "Aktueller Wert hier: Ina Renamed", `value="Lost Update"`}, "Ina Renamed", "name"},
		{"membership status saved", "membership_status", "confirmed", 2, 200, []string{"Mitglied"}, "confirmed", "coalesce(membership_status, '')"},
		{"unknown status refused", "membership_status", "emperor", 3, 422, []string{"angebotenen Werte"}, "confirmed", "coalesce(membership_status, '')"},
		{"membership type saved", "membership_type", "ausserordentlich", 3, 200, []string{"außerordentlich"}, "ausserordentlich", "coalesce(membership_type, '')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id)
			resp := post(t, app, c, base+"/fields/"+tt.field, url.Values{"value": {tt.value}, "version": {strconv.Itoa(tt.version)}}, htmx...)
			wantStatus(t, resp, tt.wantStatus)
			wantBody(t, resp, tt.wantBody...)
			if got := scalar[string](t, app, `SELECT `+tt.column+` FROM persons WHERE id = $1`, id); got != tt.wantStored {
				t.Errorf("stored %s = %q, want %q", tt.field, got, tt.wantStored)
			}
			after := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id)
			if changed := after != before; changed != (tt.wantStatus == 200) {
				t.Errorf("version %d → %d; a write must bump it, a refusal must not", before, after)
			}
		})
	}
	// A person made a member inline joins today, as an accepted application
	// does; a joining date already set stays.
	t.Run("a member made inline joins today", func(t *testing.T) {
		today := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date)::text`)
		if got := scalar[string](t, app, `SELECT coalesce(joining_date::text, '') FROM persons WHERE id = $1`, id); got != today {
			t.Errorf("joining date %q after becoming a member, want %s", got, today)
		}
		if n := auditEntries(t, app, "persons", sid, "joining_date"); n != 1 {
			t.Errorf("%d joining date entries, want 1", n)
		}
		early := newPerson(t, app, "Ella Early", "early."+tag+"@example.org")
		exec(t, app, `UPDATE persons SET joining_date = '2020-01-01' WHERE id = $1`, early)
		v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, early)
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/membership_status", early),
			url.Values{"value": {"confirmed"}, "version": {strconv.Itoa(v)}}, htmx...)
		wantStatus(t, resp, 200)
		if got := scalar[string](t, app, `SELECT joining_date::text FROM persons WHERE id = $1`, early); got != "2020-01-01" {
			t.Errorf("a set joining date became %s", got)
		}
	})
	// A member set to have left leaves today, as leaving by their link
	// does; set back to member, they have not left.
	t.Run("a member who leaves leaves today", func(t *testing.T) {
		today := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date)::text`)
		p := newPerson(t, app, "Lena Leaving", "leaving."+tag+"@example.org")
		exec(t, app, `UPDATE persons SET membership_status = 'confirmed', joining_date = '2020-01-01' WHERE id = $1`, p)
		path := fmt.Sprintf("/admin/persons/%d/fields/membership_status", p)
		set := func(status string) {
			t.Helper()
			v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, p)
			wantStatus(t, post(t, app, c, path, url.Values{"value": {status}, "version": {strconv.Itoa(v)}}, htmx...), 200)
		}
		left := func() string {
			return scalar[string](t, app, `SELECT coalesce(leaving_date::text, '') FROM persons WHERE id = $1`, p)
		}
		set("canceled")
		if got := left(); got != today {
			t.Errorf("leaving date %q after leaving, want %s", got, today)
		}
		if n := auditEntries(t, app, "persons", strconv.FormatInt(p, 10), "leaving_date"); n != 1 {
			t.Errorf("%d leaving date entries, want 1", n)
		}
		if page := app.Get(t, c, fmt.Sprintf("/admin/persons/%d", p)); !strings.Contains(page.Body, `name="leaving_date" value="`+today+`"`) {
			t.Error("the person's page does not show the day they left")
		}
		set("confirmed")
		if got := left(); got != "" {
			t.Errorf("leaving date %q after coming back", got)
		}
		// Imported without a joining date: coming back joins today and
		// has not left either.
		exec(t, app, `UPDATE persons SET membership_status = 'canceled', joining_date = NULL, leaving_date = '2021-03-01' WHERE id = $1`, p)
		set("confirmed")
		if got := scalar[string](t, app, `SELECT coalesce(joining_date::text, '') || '/' || coalesce(leaving_date::text, '') FROM persons WHERE id = $1`, p); got != today+"/" {
			t.Errorf("joining/leaving %q after coming back, want %s/", got, today)
		}
		// Having left and applied anew, accepted in the console: joins
		// today and has not left, as on the applications page.
		exec(t, app, `UPDATE persons SET membership_status = 'pending', joining_date = '2015-11-11', leaving_date = '2021-03-01' WHERE id = $1`, p)
		// The applications page mails a welcome; here the board is told
		// that none goes, and confirms.
		v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, p)
		asked := post(t, app, c, path, url.Values{"value": {"confirmed"}, "version": {strconv.Itoa(v)}}, htmx...)
		wantBody(t, asked, "keine Willkommensmail", `name="confirm_accept"`)
		if s := scalar[string](t, app, `SELECT membership_status FROM persons WHERE id = $1`, p); s != "pending" {
			t.Fatalf("accepted (%s) before the question was answered", s)
		}
		wantStatus(t, post(t, app, c, path, url.Values{"value": {"confirmed"}, "version": {strconv.Itoa(v)}, "confirm_accept": {"true"}}, htmx...), 200)
		if got := scalar[string](t, app, `SELECT coalesce(joining_date::text, '') || '/' || coalesce(leaving_date::text, '') FROM persons WHERE id = $1`, p); got != today+"/" {
			t.Errorf("joining/leaving %q after being accepted again, want %s/", got, today)
		}
		// Only a member leaves: an applicant set to have left gets no day.
		exec(t, app, `UPDATE persons SET membership_status = 'pending', leaving_date = NULL WHERE id = $1`, p)
		set("canceled")
		if got := left(); got != "" {
			t.Errorf("an applicant set to have left got leaving date %q", got)
		}
	})
	// Undoing a membership given inline takes back the joining date it
	// set too, but never over someone else's change; a tampered undo
	// cannot reach a field no rule sets.
	t.Run("undo takes back the joining date set with the membership", func(t *testing.T) {
		p := newPerson(t, app, "Uma Undo", "uma."+tag+"@example.org")
		path := fmt.Sprintf("/admin/persons/%d/fields/membership_status", p)
		state := func() string {
			return scalar[string](t, app, `SELECT coalesce(membership_status, '') || '/' || coalesce(joining_date::text, '') FROM persons WHERE id = $1`, p)
		}
		version := func() string {
			return strconv.Itoa(scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, p))
		}
		today := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date)::text`)
		makeMember := func() url.Values {
			t.Helper()
			resp := post(t, app, c, path, url.Values{"value": {"confirmed"}, "version": {version()}}, htmx...)
			wantStatus(t, resp, 200)
			return undoForm(t, resp)
		}
		undo := makeMember()
		want := url.Values{"value": {""}, "version": {version()}, "loaded": {adminui.Digest("confirmed")}, "also.joining_date": {""}, "was.joining_date": {today}, "also_for": {""}}
		if fmt.Sprint(undo) != fmt.Sprint(want) {
			t.Fatalf("the undo sends %v, want %v", undo, want)
		}
		for _, tampered := range []url.Values{
			{"also.name": {"Someone Else"}, "was.name": {"Uma Undo"}},
			{"also.membership_status": {"confirmed"}, "was.membership_status": {"confirmed"}},
			{"also.nonsense": {""}, "was.nonsense": {""}},
			{"was.joining_date": {""}},
			{"also.joining_date": {"", ""}, "was.joining_date": {today}},
			{"also.joining_date": {"1.1.2020"}, "was.joining_date": {today}},
		} {
			form := url.Values{"value": undo["value"], "loaded": undo["loaded"], "also_for": undo["also_for"]}
			for k, vs := range tampered {
				form[k] = vs
			}
			wantStatus(t, post(t, app, c, path, form, htmx...), http.StatusUnprocessableEntity)
		}
		if got := state(); got != "confirmed/"+today {
			t.Fatalf("refused undos changed the person: %s", got)
		}

		// A change of another field meanwhile is none of the undo's
		// business: it takes back the status and the date.
		exec(t, app, `UPDATE persons SET name = 'Uma Renamed', version = version + 1 WHERE id = $1`, p)
		resp := post(t, app, c, path, undo, htmx...)
		wantStatus(t, resp, 200)
		if got := state(); got != "/" {
			t.Errorf("after the undo status/joining date = %q, want both empty", got)
		}
		// Undoing the undo gives both back.
		resp = post(t, app, c, path, undoForm(t, resp), htmx...)
		wantStatus(t, resp, 200)
		if got := state(); got != "confirmed/"+today {
			t.Errorf("after undoing the undo status/joining date = %q, want confirmed/%s", got, today)
		}

		// A status someone set meanwhile refuses the undo; saved again
		// from the editor it asks with, it still takes back the date.
		exec(t, app, `UPDATE persons SET membership_status = NULL, joining_date = NULL WHERE id = $1`, p)
		undo = makeMember()
		exec(t, app, `UPDATE persons SET membership_status = 'pending', version = version + 1 WHERE id = $1`, p)
		resp = post(t, app, c, path, undo, htmx...)
		wantStatus(t, resp, http.StatusConflict)
		wantBody(t, resp, "Dieser Wert wurde inzwischen geändert", `name="also.joining_date" value=""`, `name="was.joining_date" value="`+today+`"`)
		resp = post(t, app, c, path, editorFields(t, resp.Body), htmx...)
		wantStatus(t, resp, 200)
		if got := state(); got != "/" {
			t.Errorf("after the undo saved again status/joining date = %q, want both empty", got)
		}

		// A joining date someone typed meanwhile stays: the undo takes
		// back the status alone.
		undo = makeMember()
		exec(t, app, `UPDATE persons SET joining_date = '2019-03-01', version = version + 1 WHERE id = $1`, p)
		wantStatus(t, post(t, app, c, path, undo, htmx...), 200)
		if got := state(); got != "/2019-03-01" {
			t.Errorf("after the undo: %q, want the typed date kept", got)
		}
		// An undo's date goes with its value only: choosing "Mitglied"
		// instead keeps the date.
		exec(t, app, `UPDATE persons SET joining_date = NULL WHERE id = $1`, p)
		undo = makeMember()
		undo.Set("value", "confirmed")
		wantStatus(t, post(t, app, c, path, undo, htmx...), 200)
		if got := state(); got != "confirmed/"+today {
			t.Errorf("a save of another value with the undo's date: %q, want the date kept", got)
		}
	})
	t.Run("university relation saved and shown by name", func(t *testing.T) {
		tu := scalar[int64](t, app, `INSERT INTO tu_status (name, position) VALUES ($1, 99) RETURNING id`, "Rel "+tag)
		v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id)
		resp := post(t, app, c, base+"/fields/tu_status", url.Values{"value": {strconv.FormatInt(tu, 10)}, "version": {strconv.Itoa(v)}}, htmx...)
		wantStatus(t, resp, 200)
		wantBody(t, resp, "Rel "+tag)
	})
	t.Run("success answers with a toast", func(t *testing.T) {
		v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id)
		resp := post(t, app, c, base+"/fields/name", url.Values{"value": {"Ina Toast"}, "version": {strconv.Itoa(v)}}, htmx...)
		wantStatus(t, resp, 200)
		if !strings.Contains(resp.Header.Get("HX-Trigger"), "Ina Toast gespeichert") {
			t.Errorf("HX-Trigger %q carries no toast", resp.Header.Get("HX-Trigger"))
		}
	})
	t.Run("every change is in the audit log with old and new value", func(t *testing.T) {
		var old, new string
		err := app.Pool.QueryRow(t.Context(), `SELECT old_value, new_value FROM audit_log
			WHERE table_name = 'persons' AND row_id = $1 AND field = 'name' ORDER BY id LIMIT 1`, sid).Scan(&old, &new)
		if err != nil || old != "Ina Inline" || new != "Ina Renamed" {
			t.Fatalf("first name entry = %q → %q (%v)", old, new, err)
		}
		if n := auditEntries(t, app, "persons", sid, "membership_status"); n != 1 {
			t.Errorf("%d status entries, want 1", n)
		}
		actor := scalar[string](t, app, `SELECT actor FROM audit_log WHERE table_name = 'persons' AND row_id = $1 LIMIT 1`, sid)
		if !strings.HasPrefix(actor, "user") {
			t.Errorf("actor %q is not the logged-in user", actor)
		}
		if auditEntries(t, app, "persons", strconv.FormatInt(other, 10), "*") != 0 {
			t.Error("a refused edit was recorded")
		}
	})
	t.Run("saving the same value writes nothing", func(t *testing.T) {
		v := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id)
		n := auditEntries(t, app, "persons", sid, "*")
		resp := post(t, app, c, base+"/fields/name", url.Values{"value": {"Ina Toast"}, "version": {strconv.Itoa(v)}}, htmx...)
		wantStatus(t, resp, 200)
		if scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id) != v || auditEntries(t, app, "persons", sid, "*") != n {
			t.Error("an unchanged value bumped the version or wrote the audit log")
		}
	})
	t.Run("fields that are not inline-editable are refused", func(t *testing.T) {
		resp := post(t, app, c, base+"/fields/date_of_birth", url.Values{"value": {"2000-01-01"}, "version": {"1"}}, htmx...)
		wantStatus(t, resp, http.StatusNotFound)
	})
	t.Run("an unknown person is 404", func(t *testing.T) {
		resp := post(t, app, c, "/admin/persons/999999999/fields/name", url.Values{"value": {"x"}, "version": {"1"}}, htmx...)
		wantStatus(t, resp, http.StatusNotFound)
	})
}

func TestPersonCreateDetailAndUpdate(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("create")

	t.Run("invalid input re-renders the form with messages", func(t *testing.T) {
		resp := post(t, app, c, "/admin/persons/new", url.Values{"name": {""}, "email": {"nope"}, "language": {"de"}, "date_of_birth": {"2999-01-01"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-name"`, `data-testid="error-email"`, `data-testid="error-date_of_birth"`, `value="nope"`)
		if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE email = 'nope'`); n != 0 {
			t.Fatal("a refused form created a person")
		}
	})
	var id int64
	t.Run("valid input creates the person and records it", func(t *testing.T) {
		resp := post(t, app, c, "/admin/persons/new", url.Values{"name": {"Neu " + tag}, "email": {tag + "@example.org"},
			"language": {"en"}, "membership_status": {"pending"}, "date_of_birth": {"1990-05-17"}})
		wantStatus(t, resp, http.StatusSeeOther)
		id = scalar[int64](t, app, `SELECT id FROM persons WHERE email = $1`, tag+"@example.org")
		if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/admin/persons/%d", id) {
			t.Errorf("redirect to %q", loc)
		}
		if got := scalar[string](t, app, `SELECT language || membership_status || date_of_birth::text FROM persons WHERE id = $1`, id); got != "enpending1990-05-17" {
			t.Errorf("stored %q", got)
		}
		if auditEntries(t, app, "persons", strconv.FormatInt(id, 10), "") != 1 {
			t.Error("the creation is not in the audit log")
		}
	})
	t.Run("a line break in a one-line field is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/persons/new", url.Values{"name": {"Evil\nBcc: x@example.org"}, "email": {"lb." + tag + "@example.org"}, "language": {"de"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-name"`, "ohne Zeilenumbrüche")
		if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE email = $1`, "lb."+tag+"@example.org"); n != 0 {
			t.Fatal("a refused form created a person")
		}
	})
	t.Run("an address in use is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/persons/new", url.Values{"name": {"Twin"}, "email": {strings.ToUpper(tag) + "@EXAMPLE.ORG"}, "language": {"de"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "schon vergeben")
	})
	t.Run("detail page shows the form and the history", func(t *testing.T) {
		resp := app.Get(t, c, fmt.Sprintf("/admin/persons/%d", id))
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="detail-persons"`, `value="Neu `+tag+`"`, `data-testid="history-entry"`, "(angelegt)")
	})
	t.Run("detail form saves every field", func(t *testing.T) {
		form := url.Values{"version": {"1"}, "name": {"Neu Geändert"},
			"email": {tag + "@example.org"}, "language": {"de"}, "membership_status": {"confirmed"}, "membership_type": {"ordentlich"},
			"joining_date": {"2024-02-29"}, "email_valid": {"true"}}
		if was := scalar[string](t, app, `SELECT coalesce(membership_status, '') FROM persons WHERE id = $1`, id); was == "pending" {
			asked := post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), form)
			wantStatus(t, asked, http.StatusUnprocessableEntity)
			wantBody(t, asked, "keine Willkommensmail", `name="confirm_accept"`)
			form.Set("confirm_accept", "true")
		}
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), form)
		wantStatus(t, resp, http.StatusSeeOther)
		got := scalar[string](t, app, `SELECT name || '|' || language || '|' || membership_status || '|' || joining_date::text || '|' ||
			email_valid::text || '|' || coalesce(date_of_birth::text, 'null') FROM persons WHERE id = $1`, id)
		if got != "Neu Geändert|de|confirmed|2024-02-29|true|null" {
			t.Errorf("stored %q", got)
		}
	})
	t.Run("detail form with a stale version shows the current values", func(t *testing.T) {
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), url.Values{"version": {"1"}, "name": {"Stale"},
			"email": {tag + "@example.org"}, "language": {"de"}})
		wantStatus(t, resp, http.StatusConflict)
		wantBody(t, resp, `data-testid="form-conflict"`, `data-testid="current-name"`, "Neu Geändert", `value="Stale"`)
		if scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, id) != "Neu Geändert" {
			t.Fatal("a stale form overwrote the person")
		}
	})
}

func TestPersonDelete(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("del")
	p := newPerson(t, app, "Dora Delete", tag+"@example.org")
	ev := newEvent(t, app, "Delete Fest "+tag, nil)
	reg := newRegistration(t, app, ev, p, "confirmed")
	newRegistration(t, app, newEvent(t, app, "Other "+tag, nil), p, "pending")
	path := fmt.Sprintf("/admin/persons/%d/delete", p)

	t.Run("confirmation says what goes with the person", func(t *testing.T) {
		resp := app.Get(t, c, path)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="consequences"`, "Ihre 2 Anmeldungen", `data-testid="confirm"`, `data-testid="delete-what"`, "nicht rückgängig")
	})
	t.Run("deleting removes the person and their registrations", func(t *testing.T) {
		resp := post(t, app, c, path, nil)
		wantStatus(t, resp, http.StatusSeeOther)
		if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1`, p); n != 0 {
			t.Fatal("person still there")
		}
		if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE id = $1`, reg); n != 0 {
			t.Fatal("registration still there")
		}
	})
	t.Run("the audit log keeps the deletion but not the person's name", func(t *testing.T) {
		sid := strconv.FormatInt(p, 10)
		if auditEntries(t, app, "persons", sid, "") != 1 {
			t.Fatal("the deletion is not recorded")
		}
		if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'persons' AND row_id = $1
			AND (old_value LIKE '%Dora%' OR new_value LIKE '%Dora%')`, sid); n != 0 {
			t.Fatal("the deleted person's name stayed in the audit log")
		}
	})

	t.Run("a person with a user account is refused with a reason, not a 500", func(t *testing.T) {
		u := app.NewUser(t)
		resp := app.Get(t, c, fmt.Sprintf("/admin/persons/%d/delete", u.PersonID))
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="blocked"`, u.Username, fmt.Sprintf(`href="/admin/users/%d"`, u.ID),
			fmt.Sprintf(`href="/admin/persons/%d/anonymise"`, u.PersonID))
		notBody(t, resp, `data-testid="confirm"`)
		del := post(t, app, c, fmt.Sprintf("/admin/persons/%d/delete", u.PersonID), nil)
		wantStatus(t, del, http.StatusConflict)
		wantBody(t, del, "Benutzerkonto")
		if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1`, u.PersonID); n != 1 {
			t.Fatal("the person was deleted")
		}
	})
}

// An anonymised person's personal details cannot be typed back in; what
// the counts rest on (the membership) can still be corrected.
func TestAnonymisedPersonTakesNoPersonalValues(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	id := newPerson(t, app, "Anonym", unique("anon")+"@example.invalid")
	exec(t, app, `UPDATE persons SET anonymised_at = now() WHERE id = $1`, id)
	for field, value := range map[string]string{"name": "Secret Name", "email": unique("secret") + "@example.org"} {
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/%s", id, field), url.Values{"value": {value}, "version": {"1"}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "lassen sich nicht wieder eintragen")
	}
	form := app.PostForm(t, c, fmt.Sprintf("/admin/persons/%d", id), url.Values{"name": {"Secret Name"}, "email": {"x@example.invalid"},
		"language": {"de"}, "version": {"1"}})
	wantStatus(t, form, http.StatusUnprocessableEntity)
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1 AND (name LIKE 'Secret%' OR email LIKE 'secret%')`, id); n != 0 {
		t.Fatal("a personal value was stored for an anonymised person")
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'persons' AND row_id = $1`, strconv.FormatInt(id, 10)); n != 0 {
		t.Fatalf("%d audit entries for refused edits", n)
	}
	resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/membership_status", id), url.Values{"value": {"canceled"}, "version": {"1"}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
}

func TestAnonymisePersonFromTheConsole(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("anonc")
	id := newPerson(t, app, "Erika Erase", tag+"@example.org")
	path := fmt.Sprintf("/admin/persons/%d/anonymise", id)
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/name", id), url.Values{"value": {"Erika Erased"}, "version": {"1"}}, htmx...), http.StatusOK)

	confirm := app.Get(t, c, path)
	wantStatus(t, confirm, http.StatusOK)
	wantBody(t, confirm, `data-testid="confirm"`, "Anonymisieren")
	notBody(t, confirm, "Noch angemeldet zu")
	// Places the person holds at upcoming events are given up, and the
	// page says so before; one at an event that is over stays.
	ev := newEvent(t, app, "Kommendes Fest "+tag, intp(1))
	exec(t, app, `UPDATE events SET starts_at = now() + interval '10 days' WHERE id = $1`, ev)
	held := newRegistration(t, app, ev, id, "confirmed")
	waiting := newPerson(t, app, "Wanda Warteliste", "wanda."+tag+"@example.org")
	movesUp := newRegistration(t, app, ev, waiting, "waitinglist")
	past := newEvent(t, app, "Vergangenes Fest "+tag, intp(10))
	exec(t, app, `UPDATE events SET starts_at = now() - interval '10 days' WHERE id = $1`, past)
	attended := newRegistration(t, app, past, id, "confirmed")
	confirm = app.Get(t, c, path)
	wantBody(t, confirm, "Noch angemeldet zu: Kommendes Fest "+tag+". Anonymisieren storniert diese Anmeldungen")
	wantStatus(t, post(t, app, c, path, nil), http.StatusSeeOther)
	if scalar[bool](t, app, `SELECT anonymised_at IS NULL OR name LIKE 'Erika%' FROM persons WHERE id = $1`, id) {
		t.Fatal("not anonymised")
	}
	statuses := scalar[string](t, app, `SELECT string_agg(status, ',' ORDER BY id) FROM registrations WHERE id IN ($1, $2, $3)`, held, movesUp, attended)
	if statuses != "canceled,confirmed,confirmed" {
		t.Errorf("after erasure the held place, the waiting one and the past one are %s, want canceled,confirmed,confirmed", statuses)
	}
	// Wanda hears she moved up; the erased address gets nothing.
	app.SMTP.WaitTo(t, "wanda."+tag+"@example.org", 1, 10*time.Second)
	erased := tag + "@example.org"
	if n := scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE EXISTS (SELECT 1 FROM unnest(to_addrs) a
		WHERE a = $1 OR a LIKE '%<' || $1 || '>')`, erased); n != 0 || len(app.SMTP.To(erased)) != 0 {
		t.Errorf("%d mails queued, %d delivered to the erased address", n, len(app.SMTP.To(erased)))
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'persons' AND row_id = $1
		AND (old_value LIKE '%Erika%' OR new_value LIKE '%Erika%')`, strconv.FormatInt(id, 10)); n != 0 {
		t.Fatalf("%d audit entries keep the name", n)
	}
	detail := app.Get(t, c, fmt.Sprintf("/admin/persons/%d", id))
	wantBody(t, detail, "(anonymisiert)")
	notBody(t, detail, `data-testid="anonymise"`)
	again := app.Get(t, c, path)
	wantBody(t, again, `data-testid="blocked"`)
}

// A treasurer reaches a person's fees from the person's page, before any
// run (to set a reduced category); others are not offered the link.
func TestPersonPageLinksTheFeesForTreasurers(t *testing.T) {
	app := apptest.Start(t)
	id := newPerson(t, app, "Rita Rabatt", unique("rabatt")+"@example.org")
	path := fmt.Sprintf("/admin/persons/%d", id)
	treasurer, _ := app.ClientWith(t, "person_admin", "fee_admin")
	wantBody(t, app.Get(t, treasurer, path), `data-testid="fees"`, fmt.Sprintf(`/admin/fees/members/%d`, id))
	other, _ := app.ClientWith(t, "person_admin")
	notBody(t, app.Get(t, other, path), `data-testid="fees"`)
}

// A person created as a member without a joining date joins today, and
// the creation's history names the date once.
func TestMemberCreatedJoinsTodayOnce(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("joins")
	resp := post(t, app, c, "/admin/persons/new", url.Values{"name": {"Jo " + tag}, "email": {tag + "@example.org"},
		"language": {"de"}, "membership_status": {"confirmed"}})
	wantStatus(t, resp, http.StatusSeeOther)
	id := scalar[int64](t, app, `SELECT id FROM persons WHERE email = $1`, tag+"@example.org")
	today := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date)::text`)
	if got := scalar[string](t, app, `SELECT coalesce(joining_date::text, '') FROM persons WHERE id = $1`, id); got != today {
		t.Errorf("joining date %q, want %s", got, today)
	}
	if n := auditEntries(t, app, "persons", strconv.FormatInt(id, 10), "joining_date"); n != 1 {
		t.Errorf("%d joining date entries, want 1", n)
	}
}

var undoVals = regexp.MustCompile(`data-testid="undo-button"[^>]*hx-vals="([^"]*)"`)

// undoForm is what the undo button in resp posts.
func undoForm(t *testing.T, resp apptest.Response) url.Values {
	t.Helper()
	m := undoVals.FindStringSubmatch(resp.Body)
	if m == nil {
		t.Fatalf("%s: no undo button", resp.Request.URL.Path)
	}
	var vals map[string]string
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &vals); err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for k, v := range vals {
		form.Set(k, v)
	}
	return form
}
