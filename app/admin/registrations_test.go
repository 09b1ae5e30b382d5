package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func regRowID(id int64) string { return "registrations-" + strconv.FormatInt(id, 10) }

func status(t *testing.T, app *apptest.App, reg int64) string {
	t.Helper()
	return scalar[string](t, app, `SELECT status FROM registrations WHERE id = $1`, reg)
}

func TestRegistrationsListFilterSearch(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_registration_admin")
	tag := unique("reglist")
	ev1 := newEvent(t, app, "Ev1 "+tag, nil)
	ev2 := newEvent(t, app, "Ev2 "+tag, nil)
	ada := newPerson(t, app, "Ada "+tag, "ada."+tag+"@example.org")
	bob := newPerson(t, app, "Bob "+tag, "bob."+tag+"@example.org")
	r1 := newRegistration(t, app, ev1, ada, "confirmed")
	r2 := newRegistration(t, app, ev1, bob, "waitinglist")
	r3 := newRegistration(t, app, ev2, ada, "pending")

	tests := []struct {
		name, query string
		want        []int64
	}{
		{"search by person, newest first", "q=" + tag, []int64{r3, r2, r1}},
		{"filter by event", fmt.Sprintf("event=%d", ev1), []int64{r2, r1}},
		{"filter by event and status", fmt.Sprintf("event=%d&status=waitinglist", ev1), []int64{r2}},
		{"search by email", "q=ada." + tag, []int64{r3, r1}},
		{"sort by status", "q=" + tag + "&sort=status&dir=asc", []int64{r1, r3, r2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, "/admin/registrations?"+tt.query, htmx...)
			wantStatus(t, resp, http.StatusOK)
			var want []string
			for _, id := range tt.want {
				want = append(want, regRowID(id))
			}
			if got := rowOrder(resp.Body); !slices.Equal(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
		})
	}
}

func TestAdminStatusChangeFollowsTheCapacityRules(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_registration_admin")
	tag := unique("cap")
	ev := newEvent(t, app, "Cap "+tag, intp(1))
	confirmed := newRegistration(t, app, ev, newPerson(t, app, "Conf", "conf."+tag+"@example.org"), "confirmed")
	waiting := newRegistration(t, app, ev, newPerson(t, app, "Wait", "wait."+tag+"@example.org"), "waitinglist")
	pending := newRegistration(t, app, ev, newPerson(t, app, "Pend", "pend."+tag+"@example.org"), "pending")
	field := func(reg int64) string { return fmt.Sprintf("/admin/registrations/%d/fields/status", reg) }

	t.Run("the editor offers the explicit over-capacity choice", func(t *testing.T) {
		resp := app.Get(t, c, field(pending), htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `name="over_capacity"`, `<option value="confirmed"`)
	})
	t.Run("confirming beyond the places is refused", func(t *testing.T) {
		resp := post(t, app, c, field(pending), url.Values{"value": {"confirmed"}, "version": {"1"}}, htmx...)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "Die Veranstaltung ist voll", `data-testid="cell-error"`)
		if s := status(t, app, pending); s != "pending" {
			t.Fatalf("status %s, want still pending", s)
		}
	})
	// The question before the mail keeps the box ticked: confirming it
	// without ticking again once answered "the event is full".
	t.Run("the question keeps the over-capacity choice", func(t *testing.T) {
		resp := post(t, app, c, field(pending), url.Values{"value": {"confirmed"}, "version": {"1"}, "over_capacity": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `name="confirm_status"`, `data-testid="over-capacity" checked`)
		detail := post(t, app, c, fmt.Sprintf("/admin/registrations/%d", pending), url.Values{"version": {"1"}, "status": {"confirmed"},
			"data": {"{}"}, "over_capacity": {"true"}})
		wantStatus(t, detail, http.StatusUnprocessableEntity)
		wantBody(t, detail, `name="confirm_status"`, `name="over_capacity" value="true" checked`)
		if s := status(t, app, pending); s != "pending" {
			t.Fatalf("status %s before the question was answered", s)
		}
	})
	t.Run("confirming over capacity when chosen explicitly", func(t *testing.T) {
		resp := post(t, app, c, field(pending), url.Values{"value": {"confirmed"}, "version": {"1"}, "over_capacity": {"true"}, "confirm_status": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if s := status(t, app, pending); s != "confirmed" {
			t.Fatalf("status %s, want confirmed", s)
		}
		app.SMTP.WaitTo(t, "pend."+tag+"@example.org", 1, 10*time.Second)
		actor := scalar[string](t, app, `SELECT actor FROM audit_log WHERE table_name = 'registrations' AND row_id = $1 AND field = 'status'`,
			strconv.FormatInt(pending, 10))
		if actor == "" || actor == "participant via link" {
			t.Errorf("status change recorded for %q, want the admin", actor)
		}
	})
	t.Run("a stale version is refused", func(t *testing.T) {
		resp := post(t, app, c, field(pending), url.Values{"value": {"canceled"}, "version": {"1"}}, htmx...)
		wantStatus(t, resp, http.StatusConflict)
		wantBody(t, resp, "Aktueller Wert hier: bestätigt")
		if s := status(t, app, pending); s != "confirmed" {
			t.Fatalf("status %s, want still confirmed", s)
		}
	})
	t.Run("cancelling frees no place while still over capacity", func(t *testing.T) {
		v := scalar[int](t, app, `SELECT version FROM registrations WHERE id = $1`, pending)
		resp := post(t, app, c, field(pending), url.Values{"value": {"canceled"}, "version": {strconv.Itoa(v)}, "confirm_status": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if s := status(t, app, waiting); s != "waitinglist" {
			t.Fatalf("waiting registration is %s; the event was still full", s)
		}
	})
	t.Run("cancelling a confirmed place asks first, naming whom it mails", func(t *testing.T) {
		v := scalar[int](t, app, `SELECT version FROM registrations WHERE id = $1`, confirmed)
		mails := scalar[int](t, app, `SELECT count(*) FROM mail_outbox`)
		resp := post(t, app, c, field(confirmed), url.Values{"value": {"canceled"}, "version": {strconv.Itoa(v)}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "Beim Speichern gehen 2 Mails raus, an: Conf, Wait.", `name="confirm_status"`)
		if s := status(t, app, confirmed); s != "confirmed" {
			t.Fatalf("status %s before the question was answered", s)
		}
		if s := status(t, app, waiting); s != "waitinglist" {
			t.Fatalf("the waiting list moved (%s) before the question was answered", s)
		}
		if n := scalar[int](t, app, `SELECT count(*) FROM mail_outbox`); n != mails {
			t.Fatalf("%d mails queued before the question was answered", n-mails)
		}
		if n := auditEntries(t, app, "registrations", strconv.FormatInt(confirmed, 10), "status"); n != 0 {
			t.Fatalf("%d status changes audited before the question was answered", n)
		}
	})
	t.Run("cancelling a confirmed place moves the waiting list up", func(t *testing.T) {
		v := scalar[int](t, app, `SELECT version FROM registrations WHERE id = $1`, confirmed)
		resp := post(t, app, c, field(confirmed), url.Values{"value": {"canceled"}, "version": {strconv.Itoa(v)}, "confirm_status": {"true"}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if s := status(t, app, confirmed); s != "canceled" {
			t.Fatalf("status %s, want canceled", s)
		}
		if s := status(t, app, waiting); s != "confirmed" {
			t.Fatalf("first on the waiting list is %s, want confirmed", s)
		}
		app.SMTP.WaitTo(t, "wait."+tag+"@example.org", 1, 10*time.Second)
		app.SMTP.WaitTo(t, "conf."+tag+"@example.org", 1, 10*time.Second)
	})
}

func TestRegistrationCreateEditDelete(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_registration_admin")
	tag := unique("regcrud")
	ev := newEvent(t, app, "Crud "+tag, intp(1))
	exec(t, app, `UPDATE events SET registration_schema = '{"type": "object", "required": ["size"], "properties": {"size": {"type": "string", "enum": ["S", "M"]}, "age": {"type": "integer", "minimum": 18}}}' WHERE id = $1`, ev)
	newRegistration(t, app, ev, newPerson(t, app, "Taken", "taken."+tag+"@example.org"), "confirmed")
	newPerson(t, app, "Newbie", "newbie."+tag+"@example.org")
	evID := strconv.FormatInt(ev, 10)

	t.Run("an unknown person is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/registrations/new", url.Values{"event": {evID}, "person": {"nobody." + tag + "@example.org"}, "status": {"pending"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "keine Person mit dieser Adresse")
	})
	t.Run("a confirmed registration beyond the places is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/registrations/new", url.Values{"event": {evID}, "person": {"newbie." + tag + "@example.org"}, "status": {"confirmed"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "Die Veranstaltung ist voll")
		if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE event_id = $1`, ev); n != 1 {
			t.Fatalf("%d registrations, want the refused one not created", n)
		}
	})
	var reg int64
	t.Run("on the waiting list it is created", func(t *testing.T) {
		form := url.Values{"event": {evID}, "person": {"NEWBIE." + tag + "@example.org"}, "status": {"waitinglist"}}
		resp := post(t, app, c, "/admin/registrations/new", form)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "Beim Speichern geht eine Mail an Newbie.", `name="confirm_status"`)
		if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE event_id = $1`, ev); n != 1 {
			t.Fatalf("%d registrations before the question was answered", n)
		}
		form.Set("confirm_status", "true")
		resp = post(t, app, c, "/admin/registrations/new", form)
		wantStatus(t, resp, http.StatusSeeOther)
		reg = scalar[int64](t, app, `SELECT r.id FROM registrations r JOIN persons p ON p.id = r.person_id WHERE p.email = $1`, "newbie."+tag+"@example.org")
		if s := status(t, app, reg); s != "waitinglist" {
			t.Fatalf("status %s", s)
		}
	})
	t.Run("registering the same person twice is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/registrations/new", url.Values{"event": {evID}, "person": {"newbie." + tag + "@example.org"}, "status": {"pending"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "schon vergeben")
	})
	answers := func(data string) apptest.Response {
		v := scalar[int](t, app, `SELECT version FROM registrations WHERE id = $1`, reg)
		return post(t, app, c, fmt.Sprintf("/admin/registrations/%d", reg), url.Values{"version": {strconv.Itoa(v)}, "status": {"waitinglist"}, "data": {data}})
	}
	t.Run("answers that are not JSON are refused", func(t *testing.T) {
		resp := answers(`{"size": `)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-data"`)
	})
	t.Run("answers the form would not accept are refused", func(t *testing.T) {
		resp := answers(`{"size": "XL", "age": 12}`)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "size:", "age:")
		if d := scalar[string](t, app, `SELECT data::text FROM registrations WHERE id = $1`, reg); d != "{}" {
			t.Fatalf("data %s changed", d)
		}
	})
	t.Run("valid answers are saved", func(t *testing.T) {
		resp := answers(`{"size": "M", "age": 30}`)
		wantStatus(t, resp, http.StatusSeeOther)
		if d := scalar[string](t, app, `SELECT data->>'size' FROM registrations WHERE id = $1`, reg); d != "M" {
			t.Fatalf("size %q", d)
		}
	})
	// Answers of an anonymised person cannot be typed back in.
	t.Run("answers of an anonymised person are refused", func(t *testing.T) {
		person := scalar[int64](t, app, `SELECT person_id FROM registrations WHERE id = $1`, reg)
		exec(t, app, `UPDATE persons SET anonymised_at = now() WHERE id = $1`, person)
		defer exec(t, app, `UPDATE persons SET anonymised_at = NULL WHERE id = $1`, person)
		resp := answers(`{"size": "S", "age": 31}`)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "lassen sich nicht wieder eintragen")
		if d := scalar[string](t, app, `SELECT data->>'size' FROM registrations WHERE id = $1`, reg); d != "M" {
			t.Fatalf("size %q stored for an anonymised person", d)
		}
	})
	t.Run("delete asks first and then deletes", func(t *testing.T) {
		confirm := app.Get(t, c, fmt.Sprintf("/admin/registrations/%d/delete", reg))
		wantStatus(t, confirm, http.StatusOK)
		wantBody(t, confirm, `data-testid="consequences"`)
		resp := post(t, app, c, fmt.Sprintf("/admin/registrations/%d/delete", reg), nil)
		wantStatus(t, resp, http.StatusSeeOther)
		if n := scalar[int](t, app, `SELECT count(*) FROM registrations WHERE id = $1`, reg); n != 0 {
			t.Fatal("still there")
		}
		if auditEntries(t, app, "registrations", strconv.FormatInt(reg, 10), "") != 2 {
			t.Error("creation and deletion are not both audited")
		}
	})
}
