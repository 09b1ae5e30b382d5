package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A leaving day before the joining day, and a joining or leaving day no
// one could have, are refused with a message in the editor's language,
// on the person's form, on a new person and through the rules of the
// inline status editor; nothing is stored then.
func TestPersonDaysAreRefusedOutOfOrderOrImplausible(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	today := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date)::text`)
	inTwoYears := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date + interval '2 years')::date::text`)
	inAMonth := scalar[string](t, app, `SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date + 30)::text`)
	days := func(id int64) string {
		return scalar[string](t, app, `SELECT coalesce(membership_status, '') || '|' || coalesce(joining_date::text, '') || '|' ||
			coalesce(leaving_date::text, '') || '|' || version FROM persons WHERE id = $1`, id)
	}

	tests := []struct {
		name            string
		joined, left    string
		lang            string
		wantStatus      int
		wantText        string
		wantField       string
		wantJoin, wantL string
	}{
		{name: "leaving before joining", joined: "2023-06-30", left: "2020-01-01", wantStatus: http.StatusUnprocessableEntity,
			wantText: "Der Austritt (01.01.2020) kann nicht vor dem Eintritt (30.06.2023) liegen", wantField: "leaving_date"},
		{name: "leaving before joining, in English", joined: "2023-06-30", left: "2020-01-01", lang: "en",
			wantStatus: http.StatusUnprocessableEntity, wantText: "The leaving date (1 Jan 2020) cannot be before the joining date (30 Jun 2023)",
			wantField: "leaving_date"},
		{name: "joining in 1900", joined: "1900-01-01", wantStatus: http.StatusUnprocessableEntity,
			wantText: "vor dem 01.01.1950 ist wohl ein Tippfehler", wantField: "joining_date"},
		{name: "joining two years ahead", joined: inTwoYears, wantStatus: http.StatusUnprocessableEntity,
			wantText: "höchstens ein Jahr im Voraus", wantField: "joining_date"},
		{name: "leaving in 1949", joined: "2023-06-30", left: "1949-12-31", wantStatus: http.StatusUnprocessableEntity,
			wantText: "vor dem 01.01.1950", wantField: "leaving_date"},
		{name: "leaving on the day of joining", joined: "2023-06-30", left: "2023-06-30", wantStatus: http.StatusSeeOther,
			wantJoin: "2023-06-30", wantL: "2023-06-30"},
		{name: "leaving after joining", joined: "1950-01-01", left: "2020-01-01", wantStatus: http.StatusSeeOther,
			wantJoin: "1950-01-01", wantL: "2020-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag := unique("days")
			form := url.Values{"name": {"Dana Datum"}, "email": {tag + "@example.org"}, "language": {"de"},
				"membership_status": {"canceled"}, "joining_date": {tt.joined}, "leaving_date": {tt.left}}
			var headers []string
			if tt.lang != "" {
				headers = []string{"Accept-Language", tt.lang}
			}
			check := func(resp apptest.Response) {
				t.Helper()
				wantStatus(t, resp, tt.wantStatus)
				if tt.wantText != "" {
					wantBody(t, resp, tt.wantText, `data-testid="error-`+tt.wantField+`"`)
				}
			}

			t.Run("on the person's form", func(t *testing.T) {
				id := newPerson(t, app, "Dana Datum", tag+"@example.org")
				exec(t, app, `UPDATE persons SET membership_status = 'canceled', joining_date = '2010-10-10', leaving_date = '2012-12-12'
					WHERE id = $1`, id)
				before := days(id)
				f := url.Values{"version": {"1"}}
				for k, v := range form {
					f[k] = v
				}
				check(post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), f, headers...))
				if tt.wantJoin == "" {
					if got := days(id); got != before {
						t.Errorf("after a refused save the person holds %s, want %s", got, before)
					}
					if n := auditEntries(t, app, "persons", strconv.FormatInt(id, 10), ""); n != 0 {
						t.Errorf("%d audit entries for a refused save", n)
					}
				} else if got := days(id); got != "canceled|"+tt.wantJoin+"|"+tt.wantL+"|2" {
					t.Errorf("stored %s", got)
				}
			})
			t.Run("on a new person", func(t *testing.T) {
				f := url.Values{}
				for k, v := range form {
					f[k] = v
				}
				f.Set("email", "new."+tag+"@example.org")
				check(post(t, app, c, "/admin/persons/new", f, headers...))
				n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE email = $1`, "new."+tag+"@example.org")
				if want := map[bool]int{true: 0, false: 1}[tt.wantJoin == ""]; n != want {
					t.Errorf("%d persons created, want %d", n, want)
				}
			})
		})
	}

	// A member who joins in a month, set to have left, would leave today,
	// before joining: refused in the table's editor, the status stays.
	t.Run("the inline status editor", func(t *testing.T) {
		id := newPerson(t, app, "Fritz Früh", unique("early")+"@example.org")
		exec(t, app, `UPDATE persons SET membership_status = 'confirmed', joining_date = $2 WHERE id = $1`, id, inAMonth)
		before := days(id)
		v := strconv.Itoa(scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, id))
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/membership_status", id),
			url.Values{"value": {"canceled"}, "version": {v}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, fmt.Sprintf("Der Austritt (%s) kann nicht vor dem Eintritt", germanDay(today)))
		if got := days(id); got != before {
			t.Errorf("after a refused change the person holds %s, want %s", got, before)
		}
	})

	// Days stored out of order before (imported) do not block other
	// changes; changing one of them to a day still out of order does.
	t.Run("a row stored out of order", func(t *testing.T) {
		id := newPerson(t, app, "Olga Alt", unique("old")+"@example.org")
		exec(t, app, `UPDATE persons SET membership_status = 'canceled', joining_date = '2023-06-30', leaving_date = '2020-01-01' WHERE id = $1`, id)
		wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/name", id), url.Values{"value": {"Olga Neu"}, "version": {"1"}}, htmx...),
			http.StatusOK)
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), url.Values{"version": {"2"}, "name": {"Olga Neu"},
			"email": {scalar[string](t, app, `SELECT email FROM persons WHERE id = $1`, id)}, "language": {"de"},
			"membership_status": {"canceled"}, "joining_date": {"2022-01-01"}, "leaving_date": {"2020-01-01"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-joining_date"`, "Der Austritt (01.01.2020) kann nicht vor dem Eintritt (01.01.2022) liegen")
	})

	// The old system's placeholder day stays until someone changes it:
	// the person's other fields can still be saved on their form.
	t.Run("an imported 1900 joining day", func(t *testing.T) {
		id := newPerson(t, app, "Paul Alt", unique("paul")+"@example.org")
		exec(t, app, `UPDATE persons SET membership_status = 'confirmed', joining_date = '1900-01-01' WHERE id = $1`, id)
		email := scalar[string](t, app, `SELECT email FROM persons WHERE id = $1`, id)
		resp := post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), url.Values{"version": {"1"}, "name": {"Paul Neu"},
			"email": {email}, "language": {"de"}, "membership_status": {"confirmed"}, "joining_date": {"1900-01-01"}})
		wantStatus(t, resp, http.StatusSeeOther)
		if got := scalar[string](t, app, `SELECT name || '|' || joining_date::text FROM persons WHERE id = $1`, id); got != "Paul Neu|1900-01-01" {
			t.Errorf("stored %q", got)
		}
		resp = post(t, app, c, fmt.Sprintf("/admin/persons/%d", id), url.Values{"version": {"2"}, "name": {"Paul Neu"},
			"email": {email}, "language": {"de"}, "membership_status": {"confirmed"}, "joining_date": {"1901-01-01"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-joining_date"`)
	})
}

// germanDay writes an ISO day as German readers do.
func germanDay(iso string) string {
	return iso[8:10] + "." + iso[5:7] + "." + iso[:4]
}
