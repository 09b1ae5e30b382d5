package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// An organiser could cancel someone the door had let in without a word
// about it, and the registration's page did not say they were there.
func TestCheckedInPersonIsShownAndCancellingThemAsks(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_registration_admin")
	tag := unique("door")
	ev := newEvent(t, app, "Door "+tag, nil)
	reg := newRegistration(t, app, ev, newPerson(t, app, "Anna Da", "anna."+tag+"@example.org"), "confirmed")
	door := newPerson(t, app, "Doris Tür", "doris."+tag+"@example.org")
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO users (username, person_id, password_hash) VALUES ($1, $2, '')`, "doris"+tag, door); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = now(),
		checked_in_by = (SELECT id FROM users WHERE username = $2) WHERE id = $1`, reg, "doris"+tag); err != nil {
		t.Fatal(err)
	}
	page := app.Get(t, c, fmt.Sprintf("/admin/registrations/%d", reg))
	wantStatus(t, page, http.StatusOK)
	wantBody(t, page, "Eingelassen", "von Doris Tür")

	del := app.Get(t, c, fmt.Sprintf("/admin/registrations/%d/delete", reg))
	wantBody(t, del, "Die Person wurde am Einlass schon eingelassen")

	field := fmt.Sprintf("/admin/registrations/%d/fields/status", reg)
	v := scalar[int](t, app, `SELECT version FROM registrations WHERE id = $1`, reg)
	resp := post(t, app, c, field, url.Values{"value": {"canceled"}, "version": {strconv.Itoa(v)}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "Die Person wurde am Einlass schon eingelassen", `name="confirm_status"`)
	if s := status(t, app, reg); s != "confirmed" {
		t.Fatalf("status %s before the question was answered", s)
	}
	resp = post(t, app, c, field, url.Values{"value": {"canceled"}, "version": {strconv.Itoa(v)}, "confirm_status": {"true"}}, htmx...)
	wantStatus(t, resp, http.StatusOK)
	if s := status(t, app, reg); s != "canceled" {
		t.Fatalf("status %s after confirming, want canceled", s)
	}
}
