package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func eventRowID(id int64) string { return "events-" + strconv.FormatInt(id, 10) }

// eventForm is a complete, valid event form.
func eventForm(name string, version int) url.Values {
	v := url.Values{
		"name": {name}, "shortlink": {""}, "max_participants": {"20"}, "registration_open": {"true"},
		"starts_at": {"2031-06-01T18:00"}, "ends_at": {"2031-06-01T23:00"}, "opens_at": {"2031-01-01T00:00"},
		"closes_at": {"2031-05-30T12:00"}, "editing_closes_at": {"2031-05-31T12:00"}, "formality": {"sie"},
		"notify_email": {"orga@example.org"}, "allowed_addresses": {`@verein-b\.example$`},
		"allowed_addresses_message_de": {"Nur Vereinsadressen."}, "allowed_addresses_message_en": {"Club addresses only."},
		"description": {"<p>Feier mit $E=mc^2$</p><script>alert(1)</script>"}, "footer": {"<small>Fuß</small>"},
		"registration_schema": {`{"type": "object", "properties": {"shirt": {"type": "string", "enum": ["S", "M"], "label": "T-Shirt"}}}`},
	}
	if version > 0 {
		v.Set("version", strconv.Itoa(version))
	}
	return v
}

func TestEventsListSortFilterSearch(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("evlist")
	a := newEvent(t, app, "Alpha "+tag, nil)
	b := newEvent(t, app, "Beta "+tag, intp(10))
	z := newEvent(t, app, "Zeta "+tag, nil)
	exec(t, app, `UPDATE events SET registration_open = false, shortlink = $2, starts_at = now() - interval '1 year' WHERE id = $1`, z, "zeta-"+tag)
	exec(t, app, `UPDATE events SET starts_at = now() + interval '1 month' WHERE id IN ($1, $2)`, a, b)
	p := newPerson(t, app, "Counted", unique("counted")+"@example.org")
	newRegistration(t, app, b, p, "confirmed")

	tests := []struct {
		name, query string
		want        []int64
	}{
		{"search by name, newest first", "q=" + tag, []int64{z, b, a}},
		{"sort by name", "q=" + tag + "&sort=name&dir=asc", []int64{a, b, z}},
		{"sort by name descending", "q=" + tag + "&sort=name&dir=desc", []int64{z, b, a}},
		{"filter open", "q=" + tag + "&open=open&sort=name&dir=asc", []int64{a, b}},
		{"filter closed", "q=" + tag + "&open=closed", []int64{z}},
		{"filter past", "q=" + tag + "&when=past", []int64{z}},
		{"filter upcoming", "q=" + tag + "&when=upcoming&sort=name&dir=asc", []int64{a, b}},
		{"search by shortlink", "q=zeta-" + tag, []int64{z}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, "/admin/events?"+tt.query, htmx...)
			wantStatus(t, resp, http.StatusOK)
			var want []string
			for _, id := range tt.want {
				want = append(want, eventRowID(id))
			}
			if got := rowOrder(resp.Body); !slices.Equal(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
		})
	}
	t.Run("counts of confirmed registrations link to them", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/events?q=Beta+"+tag, htmx...)
		wantBody(t, resp, fmt.Sprintf(`href="/admin/registrations?event=%d&amp;status=confirmed">1</a>`, b))
	})
}

func TestEventInlineEdit(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("evinline")
	id := newEvent(t, app, "Inline "+tag, intp(5))
	other := newEvent(t, app, "Other "+tag, nil)
	exec(t, app, `UPDATE events SET shortlink = $2 WHERE id = $1`, other, "taken-"+tag)
	base := fmt.Sprintf("/admin/events/%d", id)

	tests := []struct {
		name, field, value string
		version, status    int
		body               []string
		column, stored     string
	}{
		{"name", "name", "Renamed " + tag, 1, 200, []string{"Renamed " + tag}, "name", "Renamed " + tag},
		{"empty name refused", "name", "", 2, 422, []string{"Bitte ausfüllen."}, "name", "Renamed " + tag},
		{"registration closed by unticking", "registration_open", "", 2, 200, []string{`data-testid="toggle-registration_open"`}, "registration_open::text", "false"},
		{"registration opened by ticking", "registration_open", "true", 3, 200, []string{"checked"}, "registration_open::text", "true"},
		{"shortlink", "shortlink", "fest-" + tag, 4, 200, []string{"fest-" + tag}, "coalesce(shortlink, '')", "fest-" + tag},
		{"digits-only shortlink refused", "shortlink", "2024", 5, 422, []string{"keine Ziffer"}, "coalesce(shortlink, '')", "fest-" + tag},
		{"shortlink of another event refused", "shortlink", "taken-" + tag, 5, 422, []string{"schon vergeben"}, "coalesce(shortlink, '')", "fest-" + tag},
		{"max participants", "max_participants", "7", 5, 200, []string{">7<"}, "coalesce(max_participants::text, '')", "7"},
		{"negative max participants refused", "max_participants", "-1", 6, 422, []string{"Mindestens 0"}, "coalesce(max_participants::text, '')", "7"},
		// A whole number, only too large: the message says the limit.
		{"huge max participants refused", "max_participants", "99999999999", 6, 422, []string{"bis 1000000"}, "coalesce(max_participants::text, '')", "7"},
		{"too large max participants refused", "max_participants", "1000001", 6, 422, []string{"bis 1000000"}, "coalesce(max_participants::text, '')", "7"},
		{"hugely negative max participants refused", "max_participants", "-99999999999", 6, 422, []string{"Mindestens 0"}, "coalesce(max_participants::text, '')", "7"},
		{"fraction refused", "max_participants", "2.5", 6, 422, []string{"ganze Zahl"}, "coalesce(max_participants::text, '')", "7"},
		{"stale version refused", "max_participants", "9", 1, 409, []string{"Aktueller Wert hier: 7"}, "coalesce(max_participants::text, '')", "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"version": {strconv.Itoa(tt.version)}}
			if tt.value != "" {
				form.Set("value", tt.value)
			}
			resp := post(t, app, c, base+"/fields/"+tt.field, form, htmx...)
			wantStatus(t, resp, tt.status)
			wantBody(t, resp, tt.body...)
			if got := scalar[string](t, app, `SELECT `+tt.column+` FROM events WHERE id = $1`, id); got != tt.stored {
				t.Errorf("stored %s = %q, want %q", tt.field, got, tt.stored)
			}
		})
	}
	t.Run("a saved value offers its undo", func(t *testing.T) {
		resp := post(t, app, c, base+"/fields/max_participants", url.Values{"value": {"8"}, "version": {"6"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="undo"`, `&#34;value&#34;:&#34;7&#34;`, `&#34;version&#34;:&#34;7&#34;`)
		resp = post(t, app, c, base+"/fields/max_participants", url.Values{"value": {"7"}, "version": {"7"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if got := scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, id); got != "7" {
			t.Fatalf("undo stored %q", got)
		}
	})
	t.Run("each saved change is audited", func(t *testing.T) {
		for field, want := range map[string]int{"name": 1, "registration_open": 2, "shortlink": 1, "max_participants": 3} {
			if n := auditEntries(t, app, "events", strconv.FormatInt(id, 10), field); n != want {
				t.Errorf("%s: %d entries, want %d", field, n, want)
			}
		}
	})
}

func TestRaisingMaxParticipantsMovesTheWaitingListUp(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("raise")
	ev := newEvent(t, app, "Raise "+tag, intp(1))
	newRegistration(t, app, ev, newPerson(t, app, "First", "first."+tag+"@example.org"), "confirmed")
	second := newRegistration(t, app, ev, newPerson(t, app, "Second", "second."+tag+"@example.org"), "waitinglist")
	third := newRegistration(t, app, ev, newPerson(t, app, "Third", "third."+tag+"@example.org"), "waitinglist")

	cell := fmt.Sprintf("/admin/events/%d/fields/max_participants", ev)
	mails := func() int {
		return scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE registration_id IN (
			SELECT id FROM registrations WHERE event_id = $1)`, ev)
	}

	// Without the confirmation the change only says what it would do.
	resp := post(t, app, c, cell, url.Values{"value": {"2"}, "version": {"1"}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "1 Person von der Warteliste wird bestätigt und per Mail benachrichtigt.", `data-testid="confirm-save"`)
	notBody(t, resp, `data-testid="undo"`)
	if got := scalar[string](t, app, `SELECT coalesce(max_participants::text, '') FROM events WHERE id = $1`, ev); got != "1" {
		t.Fatalf("unconfirmed change stored %q places", got)
	}
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, second); s != "waitinglist" {
		t.Fatalf("unconfirmed change moved the first on the waiting list up: %s", s)
	}
	if n := mails(); n != 0 {
		t.Fatalf("unconfirmed change queued %d mails", n)
	}

	resp = post(t, app, c, cell, url.Values{"value": {"2"}, "version": {"1"}, "confirm_capacity": {"true"}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	notBody(t, resp, `data-testid="undo"`) // the mail is out: no undo
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, second); s != "confirmed" {
		t.Fatalf("first on the waiting list is %s, want confirmed", s)
	}
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, third); s != "waitinglist" {
		t.Fatalf("second on the waiting list is %s, want still waiting", s)
	}
	app.SMTP.WaitTo(t, "second."+tag+"@example.org", 1, 10*time.Second)
	if n := auditEntries(t, app, "registrations", strconv.FormatInt(second, 10), "status"); n != 1 {
		t.Errorf("moving up recorded %d status entries, want 1", n)
	}

	t.Run("lowering below the confirmed asks, then moves nobody", func(t *testing.T) {
		resp := post(t, app, c, cell, url.Values{"value": {"1"}, "version": {"2"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "2 Personen sind bestätigt – mehr, als es dann Plätze gibt (1). Niemand wird abgemeldet.")
		if got := scalar[string](t, app, `SELECT max_participants::text FROM events WHERE id = $1`, ev); got != "2" {
			t.Fatalf("unconfirmed lowering stored %q places", got)
		}
		resp = post(t, app, c, cell, url.Values{"value": {"1"}, "version": {"2"}, "confirm_capacity": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, ev); n != 2 {
			t.Fatalf("%d confirmed, want the 2 already confirmed", n)
		}
	})
	t.Run("removing the limit confirms everyone waiting", func(t *testing.T) {
		resp := post(t, app, c, cell, url.Values{"value": {""}, "version": {"3"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "1 Person von der Warteliste wird bestätigt")
		resp = post(t, app, c, cell, url.Values{"value": {""}, "version": {"3"}, "confirm_capacity": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, third); s != "confirmed" {
			t.Fatalf("third is %s, want confirmed", s)
		}
	})
}

func TestEventFormAndSchemaEditor(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("evform")

	var id int64
	t.Run("create with every field", func(t *testing.T) {
		resp := post(t, app, c, "/admin/events/new", eventForm("Form "+tag, 0))
		wantStatus(t, resp, http.StatusSeeOther)
		id = scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, "Form "+tag)
		got := scalar[string](t, app, `SELECT concat_ws('|', max_participants, registration_open::text, formality, notify_email, allowed_addresses, allowed_addresses_message_en,
			to_char(starts_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI'), to_char(editing_closes_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI'),
			registration_schema->'properties'->'shirt'->>'label') FROM events WHERE id = $1`, id)
		if got != "20|true|sie|orga@example.org|@verein-b\\.example$|Club addresses only.|2031-06-01 18:00|2031-05-31 12:00|T-Shirt" {
			t.Fatalf("stored %q", got)
		}
		// The history lists what was filled in, not every field left empty.
		if n := scalar[int](t, app, `SELECT count(*) FROM audit_log WHERE table_name = 'events' AND row_id = $1
			AND field <> '' AND coalesce(new_value, '') = ''`, fmt.Sprint(id)); n != 0 {
			t.Errorf("%d history rows for fields left empty", n)
		}
	})
	t.Run("detail shows the form with previews of the stored texts", func(t *testing.T) {
		resp := app.Get(t, c, fmt.Sprintf("/admin/events/%d", id))
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="preview-description"`, "Feier mit $E=mc^2$", `data-testid="schema-form"`, "T-Shirt",
			`value="2031-06-01T18:00"`, `hx-post="/admin/events/builder"`, `data-testid="duplicate"`)
		// The registration counts are labels, capitalised like the others
		// (they once read "bestätigt", "abgesagt").
		wantBody(t, resp, ">Bestätigt<", ">Unbestätigt<", ">Storniert<")
		if strings.Contains(resp.Body, "<script>alert(1)</script>") {
			t.Fatal("the description preview is not sanitised")
		}
	})

	schemaTests := []struct {
		name, schema string
		want         []string
	}{
		{"not JSON", `{"type": "object", "properties": {`, []string{"Kein gültiges JSON"}},
		{"not a draft 7 schema", `{"type": "object", "properties": {"age": {"type": "integer", "minimum": "ten"}}}`, []string{"properties.age"}},
		{"a construct the form cannot show", `{"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}`,
			[]string{"properties.tags", "array"}},
		{"oneOf is not supported", `{"type": "object", "oneOf": [], "properties": {}}`, []string{"oneOf"}},
	}
	for _, tt := range schemaTests {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			before := scalar[string](t, app, `SELECT registration_schema::text || version FROM events WHERE id = $1`, id)
			form := eventForm("Changed "+tag, 1)
			form.Set("registration_schema", tt.schema)
			resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			wantBody(t, resp, append([]string{`data-testid="error-registration_schema"`}, tt.want...)...)
			if after := scalar[string](t, app, `SELECT registration_schema::text || version FROM events WHERE id = $1`, id); after != before {
				t.Fatal("a refused schema changed the event")
			}
			if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name = $1`, "Changed "+tag); n != 0 {
				t.Fatal("a refused form saved other fields")
			}

			preview := post(t, app, c, "/admin/events/preview/registration_schema", url.Values{"registration_schema": {tt.schema}}, htmx...)
			wantStatus(t, preview, http.StatusOK)
			wantBody(t, preview, append([]string{`data-testid="schema-problems"`}, tt.want...)...)
		})
	}
	t.Run("refused: an allowed-addresses pattern that is no regular expression", func(t *testing.T) {
		before := scalar[string](t, app, `SELECT allowed_addresses || version FROM events WHERE id = $1`, id)
		for lang, want := range map[string]string{"de": "kein gültiger regulärer Ausdruck", "en": "not a valid regular expression"} {
			form := eventForm("Changed "+tag, 1)
			form.Set("allowed_addresses", `^[a-z+@tu-dortmund\.de$`)
			resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form, "Accept-Language", lang)
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			wantBody(t, resp, `data-testid="error-allowed_addresses"`, want)
		}
		form := eventForm("Changed "+tag, 1)
		form.Set("allowed_addresses", strings.Repeat("a", 501))
		wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form), http.StatusUnprocessableEntity)
		if after := scalar[string](t, app, `SELECT allowed_addresses || version FROM events WHERE id = $1`, id); after != before {
			t.Fatal("a refused pattern changed the event")
		}
	})
	t.Run("the preview renders the form a valid schema makes", func(t *testing.T) {
		schema := `{"type": "object", "required": ["level"], "properties": {
			"level": {"type": "string", "enum": ["Bachelor", "Master"], "format": "radio", "label": "Abschluss $\\alpha$"},
			"veggie": {"type": "boolean", "label": "Vegetarisch"}}}`
		resp := post(t, app, c, "/admin/events/preview/registration_schema", url.Values{"registration_schema": {schema}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `data-testid="schema-form"`, "Abschluss $\\alpha$", `type="radio"`, "Master", "Vegetarisch", `name="preview.veggie"`)
		notBody(t, resp, "<html")
	})
	t.Run("the description preview is sanitised HTML", func(t *testing.T) {
		resp := post(t, app, c, "/admin/events/preview/description", url.Values{"description": {`<b>Fett</b> $x$ <img src=x onerror=alert(1)>`}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "<b>Fett</b> $x$")
		notBody(t, resp, "onerror")
	})
	t.Run("a valid schema is saved", func(t *testing.T) {
		form := eventForm("Form "+tag, 1)
		form.Set("registration_schema", `{"type": "object", "properties": {"diet": {"type": "string", "format": "multiline", "label": "Ernährung"}}}`)
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
		wantStatus(t, resp, http.StatusSeeOther)
		if got := scalar[string](t, app, `SELECT registration_schema->'properties'->'diet'->>'format' FROM events WHERE id = $1`, id); got != "multiline" {
			t.Fatalf("stored format %q", got)
		}
		if n := auditEntries(t, app, "events", strconv.FormatInt(id, 10), "registration_schema"); n != 2 {
			t.Errorf("%d schema entries, want 2 (created, changed)", n)
		}
	})
	t.Run("registration closing before it opens is refused", func(t *testing.T) {
		form := eventForm("Form "+tag, 2)
		form.Set("closes_at", "2030-01-01T00:00")
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-closes_at"`)
	})
}

func TestDuplicateEvent(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("dup")
	src := newEvent(t, app, "Sommerfest "+tag, intp(30))
	exec(t, app, `UPDATE events SET shortlink = $2, description = 'Beschreibung', registration_schema = '{"type": "object", "properties": {"x": {"type": "string"}}}',
		allowed_addresses = '@b\.example$', allowed_addresses_message_de = 'Nur B.', allowed_addresses_message_en = 'B only.'
		WHERE id = $1`, src, "sf-"+tag)
	newRegistration(t, app, src, newPerson(t, app, "Reg", unique("dupreg")+"@example.org"), "confirmed")

	// A double click, or the same form sent twenty times at once, makes
	// one copy, and each lands on it.
	var wg sync.WaitGroup
	locations := make([]string, 20)
	for i := range locations {
		wg.Go(func() {
			locations[i] = post(t, app, c, fmt.Sprintf("/admin/events/%d/duplicate", src), nil).Header.Get("Location")
		})
	}
	wg.Wait()
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name LIKE $1`, "Sommerfest "+tag+" (Kopie)%"); n != 1 {
		t.Errorf("%d copies after twenty clicks at once, want one", n)
	}
	for _, loc := range locations[1:] {
		if loc != locations[0] {
			t.Errorf("clicks went to %q and %q", locations[0], loc)
		}
	}
	resp := post(t, app, c, fmt.Sprintf("/admin/events/%d/duplicate", src), nil)
	wantStatus(t, resp, http.StatusSeeOther)
	copyID := scalar[int64](t, app, `SELECT max(id) FROM events WHERE name LIKE $1`, "Sommerfest "+tag+"%")
	if copyID == src {
		t.Fatal("no copy")
	}
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/admin/events/%d", copyID) {
		t.Errorf("redirect to %q", loc)
	}
	got := scalar[string](t, app, `SELECT concat_ws('|', name, registration_open::text, coalesce(shortlink, 'none'), max_participants, description,
		registration_schema->'properties'->'x'->>'type', (SELECT count(*) FROM registrations WHERE event_id = e.id),
		allowed_addresses, allowed_addresses_message_de, allowed_addresses_message_en) FROM events e WHERE id = $1`, copyID)
	if want := "Sommerfest " + tag + " (Kopie)|false|none|30|Beschreibung|string|0|@b\\.example$|Nur B.|B only."; got != want {
		t.Fatalf("copy is %q, want %q", got, want)
	}
	if auditEntries(t, app, "events", strconv.FormatInt(copyID, 10), "") != 1 {
		t.Error("the copy is not audited")
	}

	// Another admin's copy, and a copy of another event of the same
	// name, are theirs: this admin gets a copy of their own.
	other, _ := app.ClientWith(t, "event_admin")
	wantStatus(t, post(t, app, other, fmt.Sprintf("/admin/events/%d/duplicate", src), nil), http.StatusSeeOther)
	twin := newEvent(t, app, "Sommerfest "+tag, nil)
	twinCopy := post(t, app, c, fmt.Sprintf("/admin/events/%d/duplicate", twin), nil).Header.Get("Location")
	if n := scalar[int](t, app, `SELECT count(*) FROM events WHERE name LIKE $1`, "Sommerfest "+tag+" (Kopie)%"); n != 3 {
		t.Errorf("%d copies, want one each for two admins and one of the other event", n)
	}
	if twinCopy == fmt.Sprintf("/admin/events/%d", copyID) {
		t.Error("the copy of the other event of the same name led to this one's")
	}
}

func TestEventDeleteTakesItsRegistrations(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("evdel")
	ev := newEvent(t, app, "Gone "+tag, nil)
	for i := 0; i < 3; i++ {
		newRegistration(t, app, ev, newPerson(t, app, "P", fmt.Sprintf("p%d.%s@example.org", i, tag)), "confirmed")
	}
	confirm := app.Get(t, c, fmt.Sprintf("/admin/events/%d/delete", ev))
	wantStatus(t, confirm, http.StatusOK)
	wantBody(t, confirm, "Alle 3 Anmeldungen werden mitgelöscht")
	resp := post(t, app, c, fmt.Sprintf("/admin/events/%d/delete", ev), nil)
	wantStatus(t, resp, http.StatusSeeOther)
	if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE event_id = $1`, ev); n != 0 {
		t.Fatalf("%d registrations left", n)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE email LIKE $1`, "%."+tag+"@example.org"); n != 3 {
		t.Fatalf("the persons must stay, %d left", n)
	}
}

// The detail form asks the same confirmation as the inline editor before
// a change of places moves people up and mails them.
func TestEventFormAsksBeforeMovingTheWaitingListUp(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("formraise")
	ev := newEvent(t, app, "Form Raise "+tag, intp(1))
	newRegistration(t, app, ev, newPerson(t, app, "First", "first."+tag+"@example.org"), "confirmed")
	waiting := newRegistration(t, app, ev, newPerson(t, app, "Second", "second."+tag+"@example.org"), "waitinglist")
	form := eventForm("Form Raise "+tag, 1)
	form.Set("max_participants", "3")

	resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", ev), form)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "1 Person von der Warteliste wird bestätigt und per Mail benachrichtigt.", `name="confirm_capacity"`)
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, waiting); s != "waitinglist" {
		t.Fatalf("unconfirmed form moved the waiting list up: %s", s)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE registration_id = $1`, waiting); n != 0 {
		t.Fatalf("unconfirmed form queued %d mails", n)
	}
	form.Set("confirm_capacity", "true")
	resp = post(t, app, c, fmt.Sprintf("/admin/events/%d", ev), form)
	wantStatus(t, resp, http.StatusSeeOther)
	if s := scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, waiting); s != "confirmed" {
		t.Fatalf("confirmed form left the first waiting %s", s)
	}
}

// The event form sets the location, the answers shown at check-in (fields
// of the form only) and how freed places are filled.
func TestEventFormEventDaySettings(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	name := "Tag " + unique("evday")
	form := eventForm(name, 0)
	form.Set("location", "Audimax")
	form.Set("checkin_answers", "shirt, guests")
	form.Set("freed_places", "offer")
	form.Set("offer_hours", "24")
	resp := post(t, app, c, "/admin/events/new", form)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "guests")
	if n := scalar[int64](t, app, `SELECT count(*) FROM events WHERE name = $1`, name); n != 0 {
		t.Fatal("a refused form stored the event")
	}
	for _, bad := range []string{"0", "721", "x"} {
		form.Set("checkin_answers", "shirt")
		form.Set("offer_hours", bad)
		wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusUnprocessableEntity)
	}
	form.Set("offer_hours", "24")
	wantStatus(t, post(t, app, c, "/admin/events/new", form), http.StatusSeeOther)
	got := scalar[string](t, app, `SELECT concat_ws('|', location, checkin_answers, freed_places, offer_hours) FROM events WHERE name = $1`, name)
	if got != "Audimax|shirt|offer|24" {
		t.Errorf("stored %q", got)
	}
}

// An event moved to new dates takes its mailed links along: a link that
// ran out by the old end works again until the new end's grace.
func TestMovedEventsLinksFollowItsDates(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("moved")
	ev := newEvent(t, app, "Verschoben "+tag, intp(10))
	exec(t, app, `UPDATE events SET starts_at = now() - interval '200 days', ends_at = now() - interval '199 days' WHERE id = $1`, ev)
	person := newPerson(t, app, "Mo Ved", tag+"@example.org")
	reg := newRegistration(t, app, ev, person, "pending")
	other := newRegistration(t, app, newEvent(t, app, "Anderes "+tag, nil), person, "pending")
	for _, r := range []int64{reg, other} {
		exec(t, app, `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
			VALUES (sha256(convert_to($1, 'UTF8')), 'registration_manage', $2, now() - interval '1 day', false)`, tag+strconv.FormatInt(r, 10), r)
	}
	form := eventForm("Verschoben "+tag, scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, ev))
	form.Set("allowed_addresses", "")
	wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d", ev), form), http.StatusSeeOther)
	// The form's end is 2031-06-01 23:00 Berlin; links last 30 days more.
	if got := scalar[string](t, app, `SELECT (expires_at AT TIME ZONE 'Europe/Berlin')::text FROM tokens WHERE subject_id = $1 AND purpose = 'registration_manage'`, reg); got != "2031-07-01 23:00:00" {
		t.Errorf("the moved event's link runs until %s, want 2031-07-01 23:00:00", got)
	}
	if scalar[bool](t, app, `SELECT expires_at > now() FROM tokens WHERE subject_id = $1 AND purpose = 'registration_manage'`, other) {
		t.Error("another event's link was extended")
	}
}

// Fewer places than confirmed and offered take back the offers beyond
// them, after the admin confirms: the last on the waiting list lose
// theirs first, stay on the waiting list and are mailed. Before, the
// offers stood, their takers were told the place was gone, and when
// they lapsed the registrations were cancelled.
func TestFewerPlacesWithdrawOffers(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("withdraw")
	ev := newEvent(t, app, "Withdraw "+tag, intp(3))
	exec(t, app, `UPDATE events SET freed_places = 'offer' WHERE id = $1`, ev)
	newRegistration(t, app, ev, newPerson(t, app, "Fix", "fix."+tag+"@example.org"), "confirmed")
	gina := newRegistration(t, app, ev, newPerson(t, app, "Gina", "gina."+tag+"@example.org"), "waitinglist")
	ben := newRegistration(t, app, ev, newPerson(t, app, "Ben", "ben."+tag+"@example.org"), "waitinglist")
	exec(t, app, `UPDATE registrations SET confirmed_at = now() - interval '2 hours' WHERE id = $1`, gina)
	exec(t, app, `UPDATE registrations SET confirmed_at = now() - interval '1 hour' WHERE id = $1`, ben)
	exec(t, app, `INSERT INTO waitinglist_offers (event_id, registration_id, offered_at, expires_at)
		SELECT $1, unnest($2::bigint[]), now(), now() + interval '1 day'`, ev, []int64{gina, ben})
	cell := fmt.Sprintf("/admin/events/%d/fields/max_participants", ev)
	version := func() string {
		return strconv.Itoa(scalar[int](t, app, `SELECT version FROM events WHERE id = $1`, ev))
	}
	offers := func() string {
		return scalar[string](t, app, `SELECT string_agg(state, ',' ORDER BY registration_id) FROM waitinglist_offers WHERE event_id = $1`, ev)
	}

	// The editor asks first, as for more places.
	resp := post(t, app, c, cell, url.Values{"value": {"2"}, "version": {version()}}, htmx...)
	wantBody(t, resp, `data-testid="confirm"`, "1 offenes Platzangebot wird zurückgezogen", `name="confirm_capacity"`)
	if got := offers(); got != "open,open" {
		t.Fatalf("offers %s before the confirmation, want both open", got)
	}
	wantStatus(t, post(t, app, c, cell, url.Values{"value": {"2"}, "version": {version()}, "confirm_capacity": {"true"}}, htmx...), http.StatusOK)
	if got := offers(); got != "open,withdrawn" {
		t.Fatalf("offers %s, want Gina's open and Ben's (the later) withdrawn", got)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE id IN ($1, $2) AND status = 'waitinglist'`, gina, ben); n != 2 {
		t.Errorf("%d of the two stay on the waiting list", n)
	}
	body := scalar[string](t, app, `SELECT body_text FROM mail_outbox WHERE registration_id = $1 AND kind = 'event_registration_offer_withdrawn'`, ben)
	if !strings.Contains(body, "Platz 2 der Warteliste") {
		t.Errorf("Ben's mail:\n%s", body)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM mail_outbox WHERE registration_id = $1`, gina); n != 0 {
		t.Errorf("Gina, whose offer stands, got %d mails", n)
	}
	// No limit at all confirms everyone waiting, Gina's offer too, and
	// says so first.
	resp = post(t, app, c, cell, url.Values{"value": {""}, "version": {version()}}, htmx...)
	wantBody(t, resp, "2 Personen von der Warteliste werden bestätigt")
	resp = post(t, app, c, cell, url.Values{"value": {""}, "version": {version()}, "confirm_capacity": {"true"}}, htmx...)
	// No limit is said, not left to a dash.
	wantBody(t, resp, ">unbegrenzt<")
	if toast := resp.Header.Get("HX-Trigger"); !strings.Contains(toast, "unbegrenzt") {
		t.Errorf("the toast says %s", toast)
	}
	if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE id IN ($1, $2) AND status = 'confirmed'`, gina, ben); n != 2 {
		t.Errorf("%d of the two confirmed without a limit", n)
	}
	if got := offers(); got != "taken,withdrawn" {
		t.Errorf("offers %s, want Gina's taken", got)
	}
}
