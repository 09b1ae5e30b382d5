package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestAuditLogListsAndFiltersChanges(t *testing.T) {
	app := apptest.Start(t)
	editor, who := app.ClientWith(t, "person_admin")
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("audit")
	id := newPerson(t, app, "Audit "+tag, tag+"@example.org")
	sid := strconv.FormatInt(id, 10)
	wantStatus(t, post(t, app, editor, fmt.Sprintf("/admin/persons/%d/fields/name", id), url.Values{"value": {"Audited " + tag}, "version": {"1"}}, htmx...), http.StatusOK)
	wantStatus(t, post(t, app, editor, fmt.Sprintf("/admin/persons/%d/fields/membership_status", id), url.Values{"value": {"pending"}, "version": {"2"}}, htmx...), http.StatusOK)

	t.Run("filtered by row, newest first, with old and new values", func(t *testing.T) {
		resp := app.Get(t, reader, "/admin/audit?table=persons&row="+sid, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if n := len(rowOrder(resp.Body)); n != 2 {
			t.Fatalf("%d entries, want 2", n)
		}
		// The user's name may wrap after its underscores (ui.Breaks).
		wantBody(t, resp, "Audit "+tag, "Audited "+tag, "Antrag offen", strings.ReplaceAll(who.Username, "_", "_<wbr>"), `href="/admin/persons/`+sid+`"`)
		// The row is named, not only numbered: whose row it was.
		wantBody(t, resp, `href="/admin/persons/`+sid+`">Audited `+tag+` (`+sid+`)</a>`)
	})
	t.Run("filtered by user", func(t *testing.T) {
		resp := app.Get(t, reader, "/admin/audit?user="+url.QueryEscape(who.Username), htmx...)
		if n := len(rowOrder(resp.Body)); n != 2 {
			t.Fatalf("%d entries by the editor, want 2", n)
		}
	})
	t.Run("searched", func(t *testing.T) {
		// The person's name as the log shows it finds both of their
		// entries.
		resp := app.Get(t, reader, "/admin/audit?q=Audited+"+tag, htmx...)
		if n := len(rowOrder(resp.Body)); n != 2 {
			t.Fatalf("%d entries found, want 2", n)
		}
		// Every word, in any order, anywhere in the entry: who and what.
		resp = app.Get(t, reader, "/admin/audit?q="+url.QueryEscape(tag+" "+who.Username+" antrag"), htmx...)
		if n := len(rowOrder(resp.Body)); n != 1 {
			t.Fatalf("%d entries found for three words, want 1", n)
		}
		resp = app.Get(t, reader, "/admin/audit?q="+url.QueryEscape("Audited "+tag+" nobody-typed-this"), htmx...)
		if n := len(rowOrder(resp.Body)); n != 0 {
			t.Fatalf("%d entries found with a word no entry has, want 0", n)
		}
	})
	t.Run("the row's detail page shows its history", func(t *testing.T) {
		resp := app.Get(t, editor, "/admin/persons/"+sid)
		wantBody(t, resp, `data-testid="history-entry"`, "Audited "+tag, "Mitgliedschaft")
	})
	t.Run("needs its level", func(t *testing.T) {
		wantStatus(t, app.Get(t, editor, "/admin/audit"), http.StatusForbidden)
	})
}

// The log speaks the interface's language: tables, fields, actors and
// states by their names, long values collapsed.
func TestAuditLogWordsEntriesInGerman(t *testing.T) {
	app := apptest.Start(t)
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("auditwords")
	long := `{"type": "object", "properties": {` + strings.Repeat(`"x": {"type": "string"}, `, 5) + `"y": {"type": "string"}}}`
	exec(t, app, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value) VALUES
		('participant via link', 'registrations', $1, 'status', 'pending', 'confirmed'),
		('command line', 'organiser_mail_drafts', $1, 'sent_at', NULL, '3'),
		('system', 'events', $1, 'registration_schema', NULL, $2),
		('public form', 'persons', $1, '', NULL, 'created by membership application'),
		('import-legacy', 'persons', $1, '', NULL, 'x'),
		('setup', 'users', $1, '', NULL, 'y')`, tag, long)

	resp := app.Get(t, reader, "/admin/audit?row="+tag, htmx...)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "das Antragsformular", "Import aus der alten Datenbank", "Ersteinrichtung")
	notBody(t, resp, ">public form<", ">import-legacy<", ">setup<")
	wantBody(t, resp, "die Person selbst über ihren Link", "Kommandozeile", "Mails an Teilnehmende", "Gesendet",
		">unbestätigt<", ">bestätigt<", `data-testid="long-value"`)
	notBody(t, resp, "participant via link", "organiser_mail_drafts", "sent_at", ">pending<", "command line")
}

// What the code logs in words of its own (an English phrase, a time in
// UTC) the log shows in the reader's language and in local time, and its
// table filter offers every table the log has entries of.
func TestAuditLogWordsTheCodesOwnValues(t *testing.T) {
	app := apptest.Start(t)
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("auditvalues")
	exec(t, app, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value) VALUES
		('system', 'registrations', $1, 'checked_in_at', NULL, '2026-12-06T21:21:35Z'),
		('system', 'persons', $1, '', NULL, 'created by event registration'),
		('system', 'organiser_mail_drafts', $1, 'sent_at', NULL, '4 recipients, event 3'),
		('system', 'sepa_mandates', $1, '', NULL, 'mandate given'),
		('system', 'registrations', $1, 'offer', NULL, 'until 2026-12-08T11:00:00Z')`, tag)
	for _, tt := range []struct {
		lang      string
		want, not []string
	}{
		{"de", []string{"Eingelassen", "06.12.2026 22:21:35", "durch Anmeldung zu einer Veranstaltung angelegt", "an 4 Personen, Veranstaltung 3",
			"SEPA-Mandate", "Mandat erteilt", "bis 08.12.2026 12:00:00"},
			[]string{"checked_in_at", "T21:21:35Z", "created by", "recipients", "sepa_mandates", "mandate given", "until"}},
		{"en", []string{"Checked in", "6 Dec 2026 22:21:35", "created by registering for an event", "to 4 people, event 3",
			"SEPA mandates", "mandate given", "until 8 Dec 2026 12:00:00"},
			[]string{"checked_in_at", "T21:21:35Z", "recipients", "sepa_mandates"}},
	} {
		resp := app.Get(t, reader, "/admin/audit?row="+tag, "Accept-Language", tt.lang)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, tt.want...)
		_, rows, _ := strings.Cut(resp.Body, "<tbody")
		for _, s := range tt.not {
			if strings.Contains(rows, s) {
				t.Errorf("%s: the entries show %q", tt.lang, s)
			}
		}
		for _, table := range []string{"sepa_mandates", "organiser_mail_drafts", "persons"} {
			if !strings.Contains(resp.Body, `<option value="`+table+`"`) {
				t.Errorf("%s: the table filter does not offer %s", tt.lang, table)
			}
		}
	}
}

// A person's relation, type and language are logged as their keys; the
// log and the person's history show their names.
func TestAuditLogNamesKeysOfPersons(t *testing.T) {
	app := apptest.Start(t)
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("auditkeys")
	rel := scalar[int64](t, app, `INSERT INTO tu_status (name, name_en, position) VALUES ($1, $2, 1002) RETURNING id`,
		"Gasthörerin "+tag, "Guest student "+tag)
	exec(t, app, `INSERT INTO membership_types (key, name_de, name_en) VALUES ($1, $2, $3)`, tag, "Ehrenmitglied "+tag, "Honorary "+tag)
	exec(t, app, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value) VALUES
		('vorstand', 'persons', $1, 'tu_status', NULL, $2::bigint::text),
		('vorstand', 'persons', $1, 'membership_type', NULL, $1),
		('vorstand', 'persons', $1, 'language', 'de', 'en')`, tag, rel)
	for lang, want := range map[string][]string{
		"de": {"Gasthörerin " + tag, "Ehrenmitglied " + tag, "Deutsch", "Englisch"},
		"en": {"Guest student " + tag, "Honorary " + tag, "German", "English"},
	} {
		resp := app.Get(t, reader, "/admin/audit?row="+tag, "Accept-Language", lang)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, want...)
		_, rows, _ := strings.Cut(resp.Body, "<tbody")
		if strings.Contains(rows, ">"+strconv.FormatInt(rel, 10)+"<") || strings.Contains(rows, ">en<") {
			t.Errorf("%s: the entries show a key", lang)
		}
	}
}

// Saving an event's form records the fields that changed, not a schema
// or a text the browser sent back in other white space.
func TestEventFormLogsOnlyChangedFields(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("auditonly")
	ev := newEvent(t, app, "Nur offen "+tag, intp(10))
	exec(t, app, `UPDATE events SET description = $2, registration_schema = $3 WHERE id = $1`, ev,
		"<p>Erste Zeile</p>\n<p>Zweite</p>", `{"type":"object","properties":{"shirt":{"type":"string","label":"T-Shirt"}}}`)
	resp := app.Get(t, c, fmt.Sprintf("/admin/events/%d", ev))
	wantStatus(t, resp, http.StatusOK)

	form := url.Values{"name": {"Nur offen " + tag}, "shortlink": {""}, "max_participants": {"10"}, "formality": {"du"},
		"starts_at": {""}, "ends_at": {""}, "opens_at": {""}, "closes_at": {""}, "editing_closes_at": {""}, "notify_email": {""},
		"description": {"<p>Erste Zeile</p>\r\n<p>Zweite</p>"}, "footer": {""},
		"registration_schema": {"{\r\n    \"type\": \"object\",\r\n    \"properties\": {\r\n        \"shirt\": {\r\n            \"type\": \"string\",\r\n            \"label\": \"T-Shirt\"\r\n        }\r\n    }\r\n}"},
		"version":             {"1"}}
	// registration_open is not sent: unticked.
	resp = post(t, app, c, fmt.Sprintf("/admin/events/%d", ev), form)
	wantStatus(t, resp, http.StatusSeeOther)
	if got := scalar[string](t, app, `SELECT registration_open::text FROM events WHERE id = $1`, ev); got != "false" {
		t.Fatalf("registration_open = %s", got)
	}
	rows := scalar[string](t, app, `SELECT string_agg(field, ',' ORDER BY field) FROM audit_log WHERE table_name = 'events' AND row_id = $1`,
		strconv.FormatInt(ev, 10))
	if rows != "registration_open" {
		t.Errorf("logged fields %q, want only registration_open", rows)
	}
}

// The search finds entries by the words the log shows for stored codes
// (fields, tables, states), in the reader's language, besides the codes.
func TestAuditSearchFindsTheWordsShown(t *testing.T) {
	app := apptest.Start(t)
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("auditsearch")
	rel := scalar[int64](t, app, `INSERT INTO tu_status (name, name_en, position) VALUES ($1, $2, 1003) RETURNING id`,
		"Gasthörende "+tag, "Guest auditor "+tag)
	exec(t, app, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value) VALUES
		('system', 'registrations', $1, 'checked_in_at', NULL, '2026-12-06T21:21:35Z'),
		('participant via link', 'registrations', $1, 'status', 'pending', 'waitinglist'),
		('vorstand', 'persons', $1, '', NULL, 'Sommerfest'),
		('vorstand', 'persons', $1, 'language', 'de', 'en'),
		('vorstand', 'persons', $1, 'tu_status', NULL, $2::bigint::text),
		('vorstand', 'events', $1, 'max_participants', NULL, $2::bigint::text),
		('vorstand', 'events', $1, 'name', NULL, 'Sommerfest')`, tag, rel)
	for _, tt := range []struct {
		lang, q string
		want    int
	}{
		{"de", "angelegt", 1},
		{"de", "Englisch", 1},
		// Words only where they are shown: a relation's name not for the
		// same number in another field, "Deutsch" not for a field some
		// other table calls "Bezeichnung (Deutsch)".
		{"de", "Deutsch", 1},
		{"en", "Guest auditor", 1},
		{"de", "Gasthörende", 1},
		{"de", "Eingelassen", 1},
		{"de", "warteliste", 1},
		{"de", "Anmeldungen", 2},
		{"de", "Personen", 3},
		{"de", "Veranstaltungen", 2},
		{"de", "Person selbst", 1},
		{"de", "waitinglist", 1},
		{"en", "checked in", 1},
		{"en", "waiting list", 1},
		{"de", "Warteliste Eingelassen", 0},
	} {
		resp := app.Get(t, reader, "/admin/audit?row="+tag+"&q="+url.QueryEscape(tt.q), "Accept-Language", tt.lang)
		wantStatus(t, resp, http.StatusOK)
		if got := strings.Count(resp.Body, `data-testid="row"`); got != tt.want {
			t.Errorf("%s %q found %d entries, want %d", tt.lang, tt.q, got, tt.want)
		}
	}
}

// The log names rows and writes days as the reader does; its search
// finds them so too.
func TestAuditSearchFindsRowNamesAndDays(t *testing.T) {
	app := apptest.Start(t)
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("auditnames")
	person := newPerson(t, app, "Zacharias Q"+tag, "zq."+tag+"@example.org")
	exec(t, app, `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value, at) VALUES
		('vorstand', 'persons', $1, 'joining_date', NULL, '2026-03-15', '2026-12-01 10:00+01'),
		('vorstand', 'persons', $1, 'language', 'de', 'en', '2026-11-20 10:00+01')`, strconv.FormatInt(person, 10))
	for _, tt := range []struct {
		q    string
		want int
	}{
		{"zacharias q" + tag, 2},
		{"15.03.2026", 1},
		{"20.11.2026 zacharias", 1},
		{"1.12.2026", 1},
		{"16.03.2026", 0},
	} {
		resp := app.Get(t, reader, "/admin/audit?table=persons&q="+url.QueryEscape(tt.q))
		wantStatus(t, resp, http.StatusOK)
		if got := strings.Count(resp.Body, `data-testid="row"`); got != tt.want {
			t.Errorf("%q found %d entries, want %d", tt.q, got, tt.want)
		}
	}
}
