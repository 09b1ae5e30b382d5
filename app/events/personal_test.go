package events_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestEditAnswersAfterConfirming(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "graduation-ceremony.json"})
	email := unique("edit") + "@example.org"
	c := app.Client()
	answers := url.Values{"course": {"Physik"}, "degree": {"Master"}, "chair": {"E5"}, "guests": {"3"}, "title": {"$x$"}, "valid_exam_date": {"on"}}
	registerVia(t, app, c, ev.regPath(), "Editor", email, answers)
	link := lastLink(t, app, email)
	if page := app.Get(t, c, link); strings.Contains(page.Body, `data-testid="answers-form"`) {
		t.Error("a pending registration shows the answers form before confirming")
	}
	post(t, app, c, link, "action", "confirm")
	page := app.Get(t, c, link)
	mustContain(t, page.Body, `data-status="confirmed"`, `data-testid="answers-form"`, `data-testid="toast"`)
	if tag := tagNamed(page.Body, "guests"); !strings.Contains(tag, `value="3"`) {
		t.Errorf("stored answer not shown: %s", tag)
	}
	if page.Header.Get("Cache-Control") != "no-store" {
		t.Error("the personal page may be cached")
	}

	save := url.Values{"action": {"save"}}
	for k, v := range answers {
		save[k] = v
	}
	save.Set("guests", "9")
	bad := app.PostForm(t, c, link, save, "HX-Request", "true")
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(strings.TrimSpace(bad.Body), `<form id="answers-form"`) {
		t.Fatalf("invalid save = %d:\n%.200s", bad.StatusCode, bad.Body)
	}
	mustContain(t, bad.Body, `data-testid="error-guests"`)
	// The whole page after a refused save (no htmx, and this page sends
	// no Referer): its language switch returns to the page itself.
	whole := app.PostForm(t, c, link, save)
	mustContain(t, whole.Body, `name="return" value="`+link+`"`)
	if tag := tagNamed(bad.Body, "guests"); !strings.Contains(tag, `value="9"`) {
		t.Errorf("typed value lost: %s", tag)
	}
	// An answer to a question the form no longer asks survives the save;
	// the page shows it, and a choice no longer offered, apart.
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations r SET data = data || '{"frueher": "Alt", "course": "Astronomie"}'
		FROM persons p WHERE p.id = r.person_id AND p.email = $1`, email); err != nil {
		t.Fatal(err)
	}
	if page := app.Get(t, c, link); !strings.Contains(page.Body, ">Studiengang<") || !strings.Contains(page.Body, ">Astronomie<") {
		t.Error("the page does not show the stored choice the form no longer offers")
	}
	save.Set("guests", "5")
	good := app.PostForm(t, c, link, save, "HX-Request", "true")
	if good.StatusCode != http.StatusOK || !strings.Contains(good.Header.Get("HX-Trigger"), "Gespeichert") {
		t.Fatalf("save = %d, HX-Trigger %q", good.StatusCode, good.Header.Get("HX-Trigger"))
	}
	var data []byte
	_ = app.Pool.QueryRow(t.Context(), `SELECT r.data FROM registrations r JOIN persons p ON p.id = r.person_id WHERE p.email = $1`, email).Scan(&data)
	var stored map[string]any
	_ = json.Unmarshal(data, &stored)
	if stored["guests"] != float64(5) {
		t.Errorf("stored guests = %#v, want the number 5", stored["guests"])
	}
	if stored["frueher"] != "Alt" {
		t.Errorf("the save erased the answer to a former question: %s", data)
	}
	// The person sees it, apart from the form's questions.
	if page := app.Get(t, c, link); !strings.Contains(page.Body, `data-testid="former-answers"`) || !strings.Contains(page.Body, ">Alt<") {
		t.Error("the page does not show the answer to a question the form no longer asks")
	}
	var audits int
	_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE actor = 'participant via link' AND field = 'data'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d audit entries for the change, want 1", audits)
	}
	// Without htmx the save redirects back with a flash.
	if resp := app.PostForm(t, c, link, save); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("plain save = %d, want 303", resp.StatusCode)
	}
}

func TestEditingClosed(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: "summer-academy.json", editingClosed: true})
	id, link := addRegistration(t, app, ev.id, "Late Editor", unique("late")+"@example.org", "confirmed", time.Hour)
	c := app.Client()
	page := app.Get(t, c, link)
	mustContain(t, page.Body, `data-testid="editing-closed"`)
	if strings.Contains(page.Body, `data-testid="save"`) {
		t.Error("a save button after editing closed")
	}
	if tag := tagNamed(page.Body, "phone"); !strings.Contains(tag, "disabled") {
		t.Errorf("field not read-only: %s", tag)
	}
	resp := post(t, app, c, link, "action", "save", "phone", "0123")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("save after editing closed = %d, want 303 back with a message", resp.StatusCode)
	}
	var data string
	_ = app.Pool.QueryRow(t.Context(), `SELECT data::text FROM registrations WHERE id = $1`, id).Scan(&data)
	if data != "{}" {
		t.Errorf("answers changed to %s", data)
	}
	// Cancelling still works.
	post(t, app, c, link, "action", "cancel")
	if s := statusOf(t, app, id); s != "canceled" {
		t.Errorf("status %s, want canceled", s)
	}
}

func TestRegisterAgainAfterCancelling(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	addRegistration(t, app, ev.id, "Holder", unique("h")+"@example.org", "confirmed", time.Hour)
	id, link := addRegistration(t, app, ev.id, "Returner", unique("ret")+"@example.org", "canceled", 0)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE events SET starts_at = now() + interval '30 days' WHERE id = $1`, ev.id); err != nil {
		t.Fatal(err)
	}
	c := app.Client()
	// Someone who cancelled is offered no calendar entry; one waiting for
	// a place gets a tentative one.
	cancelled := app.Get(t, c, link).Body
	mustContain(t, cancelled, `data-testid="confirm"`)
	if strings.Contains(cancelled, `data-testid="calendar-link"`) {
		t.Error("a cancelled registration's page offers a calendar entry")
	}
	post(t, app, c, link, "action", "confirm")
	mustContain(t, app.Get(t, c, link).Body, `data-testid="calendar-link"`, "In den Kalender (dein Platz ist noch nicht sicher)")
	if s := statusOf(t, app, id); s != "waitinglist" {
		t.Errorf("registering again on a full event: %s, want waitinglist", s)
	}
	mustContain(t, app.Get(t, c, link).Body, "Warteliste", `<span data-testid="position">· Platz 1</span>`)
}

func TestEnglishMailsForEnglishSpeakers(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{formality: "sie"})
	email := unique("en") + "@example.org"
	resp := registerVia(t, app, app.Client(), ev.regPath(), "Jane Doe", email, nil, "Accept-Language", "en-GB,en;q=0.9")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "check your inbox") {
		t.Fatalf("register = %d", resp.StatusCode)
	}
	msgs := app.SMTP.WaitTo(t, email, 1, 10*time.Second)
	if !strings.HasPrefix(msgs[0].Subject, "Please confirm your registration") || !strings.Contains(msgs[0].Text, "Hello Jane Doe") {
		t.Errorf("mail %q:\n%s", msgs[0].Subject, msgs[0].Text)
	}
}

// A personal link whose last slash a mail client cut, and a form's path
// typed without it, still arrive; so does an edit link with one too many.
func TestLinksWithoutTheirSlashArrive(t *testing.T) {
	app := apptest.Start(t)
	for path, want := range map[string]string{
		"/events/registration/QUJD-ZGVm_Z2hp": "/events/registration/QUJD-ZGVm_Z2hp/",
		"/events/7/registration":              "/events/7/registration/",
		"/edit/QUJD-ZGVm_Z2hp/":               "/edit/QUJD-ZGVm_Z2hp",
	} {
		resp := app.Get(t, app.Client(), path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("GET %s = %d to %q, want 301 to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// Whoever was let in at the door cannot cancel from their phone: their
// place went to the waiting list while they stood in the room, and the
// list showed them cancelled with a check-in time.
func TestCheckedInCannotCancel(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{max: places(1)})
	id, link := addRegistration(t, app, ev.id, "Drinnen", unique("in")+"@example.org", "confirmed", time.Hour)
	waiting, _ := addRegistration(t, app, ev.id, "Draußen", unique("out")+"@example.org", "waitinglist", 0)
	if _, err := app.Pool.Exec(t.Context(), `UPDATE registrations SET checked_in_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	c := app.Client()
	page := app.Get(t, c, link)
	if strings.Contains(page.Body, `data-testid="cancel-section"`) {
		t.Error("the page of someone let in offers to cancel")
	}
	post(t, app, c, link, "action", "cancel")
	if s := statusOf(t, app, id); s != "confirmed" {
		t.Errorf("a cancel after check-in left %s", s)
	}
	if s := statusOf(t, app, waiting); s != "waitinglist" {
		t.Errorf("the waiting list moved up: %s", s)
	}
	mustContain(t, app.Get(t, c, link).Body, "schon eingelassen")
}
