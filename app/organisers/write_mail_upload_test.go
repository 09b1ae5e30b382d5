package organisers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A right-to-left override would show "rechnung\u202efdp.exe" as
// "rechnungexe.pdf": the name is kept and mailed without it.
func TestWriteMailAttachmentNamesLoseBidiControls(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Abrechnung", testSchema)
	anna := register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	c, _ := app.ClientWith(t, "write_email")

	exe := []byte("MZ\x90\x00")
	fields := mailFields()
	fields.Del("copy_to_sender")
	preview := writeDraft(t, app, c, ev, fields,
		upload{Name: "rechnung\u202efdp.exe", ContentType: "application/octet-stream", Content: exe},
		upload{Name: "\u2067bericht\u2069\u200f.pdf", ContentType: "application/pdf", Content: []byte("%PDF")},
		upload{Name: "\u202a\u202b\u202c\u202d\u2066\u2068\u200e\u061c", ContentType: "text/plain", Content: []byte("x")},
		upload{Name: "Zeitplan für März (نسخة).txt", ContentType: "text/plain", Content: []byte("y")},
	)
	wantNames := []string{"rechnungfdp.exe", "bericht.pdf", "attachment", "Zeitplan für März (نسخة).txt"}

	p := parsePage(t, app.Get(t, c, preview).Body)
	got := p.texts("attachment")
	if len(got) != len(wantNames) {
		t.Fatalf("preview lists attachments %q", got)
	}
	for i, want := range wantNames {
		if !strings.HasPrefix(got[i], want+" (") {
			t.Errorf("preview lists attachment %q, want %q", got[i], want)
		}
	}
	wantStatus(t, send(t, app, c, preview), http.StatusSeeOther)

	m := app.SMTP.WaitTo(t, anna.Email, 1, mailWait)[0]
	if len(m.Attachments) != len(wantNames) {
		t.Fatalf("mail has %d attachments, want %d", len(m.Attachments), len(wantNames))
	}
	for i, want := range wantNames {
		if a := m.Attachments[i]; a.Filename != want {
			t.Errorf("attachment %d mailed as %q, want %q", i, a.Filename, want)
		}
	}
	wantAttachment(t, m.Attachments[0], "rechnungfdp.exe", "application/octet-stream", exe)
	if n := count(t, app, `
		SELECT count(*) FROM mail_attachments a JOIN mail_outbox o ON o.id = a.mail_id
		WHERE o.event_id = $1 AND a.filename = ANY($2)`, ev.ID, wantNames); n != len(wantNames) {
		t.Errorf("%d of the outbox's attachments are stored under the cleaned names, want %d", n, len(wantNames))
	}
}

// An attacker's pass stored five drafts of 9 MB each, one of them with
// two hundred files, kept for a week: a mail takes at most twenty files,
// and a user keeps their last few unsent drafts.
func TestWriteMailCapsFilesAndDrafts(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Vorrat", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	c, u := app.ClientWith(t, "write_email")

	var many []upload
	for i := range 21 {
		many = append(many, upload{Name: fmt.Sprintf("f%d.txt", i), ContentType: "text/plain", Content: []byte("x")})
	}
	resp := postMultipart(t, app, c, fmt.Sprintf("/events/%d/write_mail/", ev.ID), mailFields(), many)
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantContains(t, resp.Body, "Höchstens 20 Anhänge pro Mail. Es wurde nichts verschickt.", "Höchstens 20 Dateien, zusammen höchstens 10 MB.")
	if n := draftCount(t, app, ev); n != 0 {
		t.Fatalf("%d drafts stored for a refused mail", n)
	}
	writeDraft(t, app, c, ev, mailFields(), many[:20]...)

	var last string
	for range 7 {
		last = writeDraft(t, app, c, ev, mailFields(), upload{Name: "a.pdf", ContentType: "application/pdf", Content: []byte("%PDF")})
	}
	if n := count(t, app, `SELECT count(*) FROM organiser_mail_drafts WHERE user_id = $1 AND sent_at IS NULL`, u.ID); n != 5 {
		t.Errorf("%d unsent drafts kept, want 5", n)
	}
	// The newest still sends.
	wantStatus(t, send(t, app, c, last), http.StatusSeeOther)
}
