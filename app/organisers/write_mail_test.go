package organisers_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/http"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
)

const mailWait = 10 * time.Second

func TestWriteMailAccess(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerakademie", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	writer, u := app.ClientWith(t, "write_email")
	reader, _ := app.ClientWith(t, "get_participants")
	form := fmt.Sprintf("/events/%d/write_mail/", ev.ID)

	t.Run("GET", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			client *http.Client
			path   string
			want   int
		}{
			{"anonymous is sent to log in", anonymous(app), form, http.StatusSeeOther},
			{"without write_email", reader, form, http.StatusForbidden},
			{"with write_email", writer, form, http.StatusOK},
			{"by shortlink", writer, "/events/" + ev.Shortlink + "/write_mail/", http.StatusOK},
			{"unknown event", writer, "/events/424242/write_mail/", http.StatusNotFound},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantStatus(t, app.Get(t, tt.client, tt.path), tt.want)
			})
		}
	})

	// The hint that replies go to the sender's address once sat under the
	// name field beside it.
	t.Run("the reply hint describes the address field", func(t *testing.T) {
		p := parsePage(t, app.Get(t, writer, form).Body)
		hint := p.all("reply-to-hint")
		if len(hint) != 1 {
			t.Fatalf("%d reply hints", len(hint))
		}
		var field *html.Node
		for _, in := range elements(hint[0].Parent, "input") {
			if attr(in, "name") == "sender_email" {
				field = in
			}
		}
		if field == nil {
			t.Fatal("the reply hint is not beside the sender's address field")
		}
		if len(elements(hint[0].Parent, "input")) != 1 {
			t.Error("the reply hint shares its place with other fields")
		}
		if got := attr(field, "aria-describedby"); got != attr(hint[0], "id") || got == "" {
			t.Errorf("address field described by %q, hint id %q", got, attr(hint[0], "id"))
		}
	})

	t.Run("form is prefilled from the logged-in user", func(t *testing.T) {
		body := app.Get(t, writer, form).Body
		wantContains(t, body, `value="Test `+u.Username+`"`, `value="`+u.Email+`"`, `enctype="multipart/form-data"`)
		p := parsePage(t, body)
		for st, checked := range map[string]bool{"confirmed": true, "waitinglist": false, "pending": false, "canceled": false} {
			box := p.all("status-" + st)
			if len(box) != 1 {
				t.Fatalf("no checkbox for %s", st)
			}
			if got := hasAttr(box[0], "checked"); got != checked {
				t.Errorf("%s checked=%v, want %v", st, got, checked)
			}
		}
	})

	t.Run("POST needs the level and sends nothing", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			client *http.Client
			want   int
		}{
			{"anonymous", anonymous(app), http.StatusUnauthorized},
			{"without write_email", reader, http.StatusForbidden},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantStatus(t, postMultipart(t, app, tt.client, form, mailFields(), nil), tt.want)
				if n := draftCount(t, app, ev); n != 0 {
					t.Errorf("%d drafts stored", n)
				}
			})
		}
		preview := writeDraft(t, app, writer, ev, mailFields())
		for _, c := range []*http.Client{anonymous(app), reader} {
			resp := send(t, app, c, preview)
			if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
				t.Errorf("send answered %d", resp.StatusCode)
			}
		}
		if n := outboxCount(t, app, ev); n != 0 {
			t.Errorf("%d mails queued", n)
		}
	})

	t.Run("someone else's draft is not found", func(t *testing.T) {
		preview := writeDraft(t, app, writer, ev, mailFields())
		colleague, _ := app.ClientWith(t, "write_email")
		wantStatus(t, app.Get(t, colleague, preview), http.StatusNotFound)
		wantStatus(t, send(t, app, colleague, preview), http.StatusNotFound)
		wantStatus(t, app.Get(t, writer, fmt.Sprintf("/events/%d/write_mail/not-a-draft/", ev.ID)), http.StatusNotFound)
		if n := outboxCount(t, app, ev); n != 0 {
			t.Errorf("%d mails queued", n)
		}
	})
}

func TestWriteMailCrossOrigin(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Stammtisch", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	c, _ := app.ClientWith(t, "write_email")

	resp := postMultipart(t, app, c, fmt.Sprintf("/events/%d/write_mail/", ev.ID), mailFields(), nil, "Sec-Fetch-Site", "cross-site")
	wantStatus(t, resp, http.StatusForbidden)
	if n := draftCount(t, app, ev); n != 0 {
		t.Errorf("cross-site POST stored %d drafts", n)
	}

	preview := writeDraft(t, app, c, ev, mailFields())
	wantStatus(t, send(t, app, c, preview, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
	if n := outboxCount(t, app, ev); n != 0 {
		t.Errorf("cross-site send queued %d mails", n)
	}
	if n := count(t, app, `SELECT count(*) FROM organiser_mail_drafts WHERE event_id = $1 AND sent_at IS NOT NULL`, ev.ID); n != 0 {
		t.Errorf("cross-site send marked the draft sent")
	}
}

func TestWriteMailRecipientsByStatus(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Absolventenfeier", testSchema)
	other := newEvent(t, app, "Andere", testSchema)
	register(t, app, other, testRegistration{Name: "Fremd", Status: "confirmed", Confirmed: at(0)})
	regs := map[string]createdRegistration{}
	for _, r := range []testRegistration{
		{Name: "Anna Confirmed", Status: "confirmed", Confirmed: at(1)},
		{Name: "Ben Confirmed", Lang: "en", Status: "confirmed", Confirmed: at(2)},
		{Name: "Cem Waiting", Status: "waitinglist", Confirmed: at(3)},
		{Name: "Dana Pending", Status: "pending"},
		{Name: "Eva Canceled", Status: "canceled", Confirmed: at(4)},
	} {
		regs[r.Name] = register(t, app, ev, r)
	}
	gone := register(t, app, ev, testRegistration{Name: "Anonymisiert", Status: "confirmed", Confirmed: at(5)})
	if _, err := app.Pool.Exec(context.Background(), `UPDATE persons SET anonymised_at = now() WHERE id = $1`, gone.PersonID); err != nil {
		t.Fatal(err)
	}
	c, user := app.ClientWith(t, "write_email", "get_participants")

	fields := mailFields("confirmed", "waitinglist")
	preview := writeDraft(t, app, c, ev, fields)
	resp := app.Get(t, c, preview)
	wantStatus(t, resp, http.StatusOK)
	p := parsePage(t, resp.Body)
	if got := attr(p.all("recipients")[0], "data-count"); got != "3" {
		t.Errorf("preview counts %s recipients, want 3", got)
	}
	// As a person writes it, not as the header encodes it.
	if got := p.text(t, "reply-to"); got != `Lea Schäfer <lea.schaefer@example.org>` {
		t.Errorf("reply-to shows %q", got)
	}
	// Who gets it, not only how many: names and addresses, collapsed,
	// in confirmation order, without the anonymised person.
	list := p.all("recipient-list")
	if len(list) != 1 || list[0].Data != "details" || hasAttr(list[0], "open") {
		t.Fatalf("recipients are not listed in a closed <details>: %v", list)
	}
	var listed []string
	for _, li := range findAll(list[0], "recipient") {
		listed = append(listed, textOf(findAll(li, "recipient-name")[0])+" "+textOf(findAll(li, "recipient-email")[0]))
	}
	wantListed := []string{
		"Anna Confirmed " + regs["Anna Confirmed"].Email,
		"Ben Confirmed " + regs["Ben Confirmed"].Email,
		"Cem Waiting " + regs["Cem Waiting"].Email,
	}
	if !slices.Equal(listed, wantListed) {
		t.Errorf("recipients listed %q, want %q", listed, wantListed)
	}
	wantContains(t, p.text(t, "preview-text"), "wir treffen uns um 18 Uhr.", "die sich zu „Absolventenfeier“ angemeldet haben")
	// Ben reads English: the organiser sees the closing lines he gets.
	if others := p.all("preview-other"); len(others) != 1 {
		t.Errorf("%d other languages previewed, want English", len(others))
	} else {
		wantContains(t, textOf(others[0]), "die eine Person, die auf Englisch liest", "wir treffen uns um 18 Uhr.", "people who registered for “Absolventenfeier”")
	}
	if n := outboxCount(t, app, ev); n != 0 {
		t.Fatalf("preview queued %d mails", n)
	}

	resp = send(t, app, c, preview)
	wantStatus(t, resp, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/events/%d/participants/", ev.ID) {
		t.Errorf("after sending to %q", loc)
	}
	flash := app.Get(t, c, resp.Header.Get("Location")).Body
	wantContains(t, flash, "Die Mail ist im Versand (Empfänger*innen: 3).")

	// One mail per recipient, linked to their registration, nothing to
	// anyone else; the sender gets a copy (the default).
	rows, err := app.Pool.Query(context.Background(), `
		SELECT to_addrs[1], cardinality(to_addrs), cardinality(bcc_addrs), reply_to, coalesce(registration_id, 0), coalesce(person_id, 0)
		FROM mail_outbox WHERE event_id = $1 AND kind = 'organiser_mail' ORDER BY id`, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var (
			to, replyTo     string
			nTo, nBcc       int
			regID, personID int64
		)
		if err := rows.Scan(&to, &nTo, &nBcc, &replyTo, &regID, &personID); err != nil {
			t.Fatal(err)
		}
		addr, err := netmail.ParseAddress(to)
		if err != nil {
			t.Fatal(err)
		}
		if nTo != 1 || nBcc != 0 {
			t.Errorf("mail to %s has %d To and %d Bcc", to, nTo, nBcc)
		}
		if a, err := netmail.ParseAddress(replyTo); err != nil || a.Address != "lea.schaefer@example.org" || a.Name != "Lea Schäfer" {
			t.Errorf("reply-to %q", replyTo)
		}
		for name, r := range regs {
			if r.Email == addr.Address && (r.ID != regID || r.PersonID != personID) {
				t.Errorf("mail to %s linked to registration %d person %d", name, regID, personID)
			}
		}
		got = append(got, addr.Name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"Anna Confirmed", "Ben Confirmed", "Cem Waiting", "Test " + user.Username}
	if !slices.Equal(got, want) {
		t.Fatalf("mails to %q, want %q", got, want)
	}

	// What arrives at the SMTP server.
	anna := app.SMTP.WaitTo(t, regs["Anna Confirmed"].Email, 1, mailWait)[0]
	if anna.Subject != "Infos zur Feier" {
		t.Errorf("subject %q", anna.Subject)
	}
	if rt := anna.Header.Get("Reply-To"); !strings.Contains(rt, "lea.schaefer@example.org") {
		t.Errorf("Reply-To %q", rt)
	}
	wantContains(t, anna.Text, "Hallo zusammen,\n\nwir treffen uns um 18 Uhr.\n\nLea", "Diese Nachricht geht an Personen, die sich zu")
	ben := app.SMTP.WaitTo(t, regs["Ben Confirmed"].Email, 1, mailWait)[0]
	wantContains(t, ben.Text, "This message goes to people who registered for")
	app.SMTP.WaitTo(t, regs["Cem Waiting"].Email, 1, mailWait)
	// "A copy to me" goes to the user's own address, not to the reply
	// address typed in the form, which may be anyone's.
	app.SMTP.WaitTo(t, user.Email, 1, mailWait)
	if n := len(app.SMTP.To("lea.schaefer@example.org")); n != 0 {
		t.Errorf("the reply address got %d mails", n)
	}
	for _, name := range []string{"Dana Pending", "Eva Canceled"} {
		if n := len(app.SMTP.To(regs[name].Email)); n != 0 {
			t.Errorf("%s got %d mails", name, n)
		}
	}

	t.Run("sending again sends nothing", func(t *testing.T) {
		resp := send(t, app, c, preview)
		wantStatus(t, resp, http.StatusSeeOther)
		wantContains(t, app.Get(t, c, resp.Header.Get("Location")).Body, "bereits verschickt")
		if n := outboxCount(t, app, ev); n != 4 {
			t.Errorf("%d mails in the outbox, want 4", n)
		}
		// The preview of a sent draft leads away, too.
		wantStatus(t, app.Get(t, c, preview), http.StatusSeeOther)
	})
}

func TestWriteMailDoubleSubmitSendsOnce(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Workshop", testSchema)
	for i := range 5 {
		register(t, app, ev, testRegistration{Name: fmt.Sprintf("P%d", i), Status: "confirmed", Confirmed: at(i)})
	}
	c, _ := app.ClientWith(t, "write_email")
	fields := mailFields()
	fields.Del("copy_to_sender")
	preview := writeDraft(t, app, c, ev, fields)

	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = send(t, app, c, preview).StatusCode
		})
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusSeeOther {
			t.Errorf("submit %d answered %d", i, st)
		}
	}
	if n := outboxCount(t, app, ev); n != 5 {
		t.Errorf("%d mails queued by 10 submits, want 5", n)
	}
}

func TestWriteMailAttachments(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	anna := register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	ben := register(t, app, ev, testRegistration{Name: "Ben", Status: "confirmed", Confirmed: at(2)})
	c, user := app.ClientWith(t, "write_email")

	binary := make([]byte, 300<<10)
	if _, err := rand.Read(binary); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4\n% äöü\n1 0 obj << >> endobj\n\x00\x01\x02\r\n")
	fields := mailFields()
	fields.Set("copy_to_sender", "1")
	preview := writeDraft(t, app, c, ev, fields,
		upload{Name: "Zeitplan.pdf", ContentType: "application/pdf", Content: pdf},
		upload{Name: "", Content: nil},         // a file input left empty
		upload{Name: "leer.txt", Content: nil}, // an empty file
		upload{Name: `C:\Users\lea\daten.bin`, Content: binary},
	)
	p := parsePage(t, app.Get(t, c, preview).Body)
	if got := p.texts("attachment"); len(got) != 2 || !strings.HasPrefix(got[0], "Zeitplan.pdf") || !strings.HasPrefix(got[1], "daten.bin (300 KB)") {
		t.Errorf("preview lists attachments %q", got)
	}
	wantStatus(t, send(t, app, c, preview), http.StatusSeeOther)

	for _, to := range []string{anna.Email, ben.Email, user.Email} {
		m := app.SMTP.WaitTo(t, to, 1, mailWait)[0]
		if len(m.Attachments) != 2 {
			t.Fatalf("mail to %s has %d attachments", to, len(m.Attachments))
		}
		wantAttachment(t, m.Attachments[0], "Zeitplan.pdf", "application/pdf", pdf)
		wantAttachment(t, m.Attachments[1], "daten.bin", "application/octet-stream", binary)
	}
	if n := count(t, app, `SELECT count(*) FROM organiser_mail_attachments a JOIN organiser_mail_drafts d ON d.key = a.draft_key WHERE d.event_id = $1`, ev.ID); n != 0 {
		t.Errorf("%d draft attachments kept after sending; the outbox has the copies", n)
	}
}

// A file sent to many participants is stored once, not once per mail.
func TestWriteMailAttachmentIsStoredOnce(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Großes Treffen", testSchema)
	var participants []createdRegistration
	for i := range 20 {
		participants = append(participants, register(t, app, ev,
			testRegistration{Name: fmt.Sprintf("Person %d", i+1), Status: "confirmed", Confirmed: at(i)}))
	}
	c, _ := app.ClientWith(t, "write_email")
	content := make([]byte, 1<<20)
	if _, err := rand.Read(content); err != nil {
		t.Fatal(err)
	}
	fields := mailFields()
	fields.Del("copy_to_sender")
	preview := writeDraft(t, app, c, ev, fields, upload{Name: "Reader.pdf", ContentType: "application/pdf", Content: content})
	wantStatus(t, send(t, app, c, preview), http.StatusSeeOther)

	if n := outboxCount(t, app, ev); n != 20 {
		t.Fatalf("%d mails queued, want 20", n)
	}
	const refs = `SELECT count(*) FROM mail_attachments a JOIN mail_outbox o ON o.id = a.mail_id WHERE o.event_id = $1`
	if n := count(t, app, refs, ev.ID); n != 20 {
		t.Errorf("%d attachments in the outbox, want one per mail", n)
	}
	sum := sha256.Sum256(content)
	var blobs, size int
	if err := app.Pool.QueryRow(t.Context(), `
		SELECT count(*), coalesce(sum(octet_length(b.content)), 0) FROM mail_blobs b
		WHERE EXISTS (SELECT FROM mail_attachments a JOIN mail_outbox o ON o.id = a.mail_id
		              WHERE a.blob_sha256 = b.sha256 AND o.event_id = $1)`, ev.ID).Scan(&blobs, &size); err != nil {
		t.Fatal(err)
	}
	if blobs != 1 || size != len(content) {
		t.Errorf("the mails' attachments take %d stored contents of %d bytes, want 1 of %d", blobs, size, len(content))
	}
	if n := count(t, app, `SELECT count(*) FROM mail_blobs WHERE sha256 = $1`, sum[:]); n != 1 {
		t.Errorf("the file is not stored under its SHA-256")
	}
	if n := count(t, app, `SELECT count(*) FROM organiser_mail_attachments a JOIN organiser_mail_drafts d ON d.key = a.draft_key WHERE d.event_id = $1`, ev.ID); n != 0 {
		t.Errorf("%d draft attachments kept after sending", n)
	}
	for _, p := range participants {
		// 20 MB to encode and parse take a while under the race detector.
		m := app.SMTP.WaitTo(t, p.Email, 1, 6*mailWait)[0]
		if len(m.Attachments) != 1 {
			t.Fatalf("mail to %s has %d attachments, want 1", p.Email, len(m.Attachments))
		}
		wantAttachment(t, m.Attachments[0], "Reader.pdf", "application/pdf", content)
	}
}

func wantAttachment(t *testing.T, a mailtest.Attachment, name, contentType string, content []byte) {
	t.Helper()
	if a.Filename != name || a.ContentType != contentType || !bytes.Equal(a.Content, content) {
		t.Errorf("attachment %q (%s, %d bytes), want %q (%s, %d bytes, same content)",
			a.Filename, a.ContentType, len(a.Content), name, contentType, len(content))
	}
}

func TestWriteMailTooLarge(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	c, _ := app.ClientWith(t, "write_email")
	form := fmt.Sprintf("/events/%d/write_mail/", ev.ID)

	for _, tt := range []struct {
		name  string
		files []upload
	}{
		{"attachments one byte over 10 MB", []upload{
			{Name: "a.bin", Content: make([]byte, 6<<20)},
			{Name: "b.bin", Content: make([]byte, 4<<20+1)},
		}},
		{"request over the body limit", []upload{{Name: "huge.bin", Content: make([]byte, 12<<20)}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := postMultipart(t, app, c, form, mailFields(), tt.files)
			wantStatus(t, resp, http.StatusRequestEntityTooLarge)
			wantContains(t, resp.Body, "Die Anhänge sind zusammen zu groß: höchstens 10 MB. Es wurde nichts verschickt.")
			if n := draftCount(t, app, ev); n != 0 {
				t.Errorf("%d drafts stored", n)
			}
			if n := outboxCount(t, app, ev); n != 0 {
				t.Errorf("%d mails queued", n)
			}
		})
	}

	t.Run("exactly 10 MB is fine", func(t *testing.T) {
		writeDraft(t, app, c, ev, mailFields(), upload{Name: "ok.bin", Content: make([]byte, 10<<20)})
	})
}

func TestWriteMailValidation(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	c, _ := app.ClientWith(t, "write_email")
	form := fmt.Sprintf("/events/%d/write_mail/", ev.ID)

	for _, tt := range []struct {
		name      string
		change    func(url.Values)
		wantField string
		wantText  string
	}{
		{"subject missing", func(v url.Values) { v.Set("subject", "  ") }, "subject", "Bitte gib einen Betreff an."},
		{"header injection in the subject", func(v url.Values) { v.Set("subject", "Hallo\r\nBcc: evil@example.org") }, "subject", "Bitte ohne Zeilenumbrüche."},
		{"header injection in the sender's address", func(v url.Values) { v.Set("sender_email", "lea@example.org\r\nBcc: evil@example.org") }, "sender_email", "gültige E-Mail-Adresse"},
		{"sender address with a display name", func(v url.Values) { v.Set("sender_email", "Evil <evil@example.org>") }, "sender_email", "gültige E-Mail-Adresse"},
		{"header injection in the sender's name", func(v url.Values) { v.Set("sender_name", "Lea\nBcc: evil@example.org") }, "sender_name", "Bitte ohne Zeilenumbrüche."},
		{"sender's name missing", func(v url.Values) { v.Del("sender_name") }, "sender_name", "Bitte gib deinen Namen an."},
		{"body missing", func(v url.Values) { v.Set("body", "\r\n ") }, "body", "Bitte schreib einen Text."},
		{"no recipients", func(v url.Values) { v.Del("status") }, "statuses", "mindestens eine Gruppe"},
		{"unknown status", func(v url.Values) { v["status"] = []string{"confirmed", "admins"} }, "statuses", "mindestens eine Gruppe"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fields := mailFields()
			fields.Set("body", "Mein Text <b>bleibt</b> stehen")
			tt.change(fields)
			resp := postMultipart(t, app, c, form, fields, nil)
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			p := parsePage(t, resp.Body)
			if got := p.text(t, "error-"+tt.wantField); !strings.Contains(got, tt.wantText) {
				t.Errorf("error next to %s: %q, want %q", tt.wantField, got, tt.wantText)
			}
			if tt.wantField != "body" {
				// What was typed stays in the form, escaped.
				wantContains(t, resp.Body, "Mein Text &lt;b&gt;bleibt&lt;/b&gt; stehen")
			}
			if n := draftCount(t, app, ev); n != 0 {
				t.Errorf("%d drafts stored", n)
			}
		})
	}

	t.Run("uploaded files must be chosen again", func(t *testing.T) {
		fields := mailFields()
		fields.Del("subject")
		resp := postMultipart(t, app, c, form, fields, []upload{{Name: "plan.pdf", Content: []byte("%PDF")}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantContains(t, parsePage(t, resp.Body).text(t, "notice"), "Bitte wähle die Anhänge noch einmal aus")
	})
}

func TestWriteMailEditDraftKeepsAttachments(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Toolbox", testSchema)
	anna := register(t, app, ev, testRegistration{Name: "Anna", Status: "confirmed", Confirmed: at(1)})
	register(t, app, ev, testRegistration{Name: "Wanda", Status: "waitinglist", Confirmed: at(2)})
	c, _ := app.ClientWith(t, "write_email")

	fields := mailFields()
	preview := writeDraft(t, app, c, ev, fields,
		upload{Name: "plan.txt", ContentType: "text/plain; charset=utf-8", Content: []byte("Plan äöü\n")},
		upload{Name: "alt.txt", ContentType: "text/plain", Content: []byte("alt\n")})
	key := strings.TrimSuffix(strings.TrimPrefix(preview, fmt.Sprintf("/events/%d/write_mail/", ev.ID)), "/")

	edit := app.Get(t, c, fmt.Sprintf("/events/%d/write_mail/?draft=%s", ev.ID, key))
	wantStatus(t, edit, http.StatusOK)
	wantContains(t, edit.Body, `value="Infos zur Feier"`, `name="from_draft" value="`+key+`"`)
	kept := parsePage(t, edit.Body).all("kept-attachment")
	if len(kept) != 2 {
		t.Fatalf("%d kept attachments offered", len(kept))
	}

	fields.Set("subject", "Infos zur Feier (neu)")
	fields.Set("from_draft", key)
	fields.Set("keep_attachment", attr(kept[0], "value")) // plan.txt only
	fields.Del("copy_to_sender")
	preview2 := writeDraft(t, app, c, ev, fields)
	if preview2 == preview {
		t.Fatal("editing did not make a new draft")
	}
	wantStatus(t, app.Get(t, c, preview), http.StatusNotFound)
	p := parsePage(t, app.Get(t, c, preview2).Body)
	if got := p.texts("attachment"); len(got) != 1 || !strings.HasPrefix(got[0], "plan.txt") {
		t.Errorf("attachments after editing %q", got)
	}
	wantStatus(t, send(t, app, c, preview2), http.StatusSeeOther)
	m := app.SMTP.WaitTo(t, anna.Email, 1, mailWait)[0]
	if m.Subject != "Infos zur Feier (neu)" || len(m.Attachments) != 1 || string(m.Attachments[0].Content) != "Plan äöü\n" {
		t.Errorf("mail %q with %d attachments", m.Subject, len(m.Attachments))
	}
	if n := outboxCount(t, app, ev); n != 1 {
		t.Errorf("%d mails queued, want 1 (confirmed only, no copy)", n)
	}
}

func TestWriteMailNoMarkupRuns(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, `Feier <script>alert(1)</script>`, testSchema)
	const name = `<script>alert("x")</script> "Quote", Komma`
	evil := register(t, app, ev, testRegistration{Name: name, Status: "confirmed", Confirmed: at(1)})
	c, _ := app.ClientWith(t, "write_email")
	fields := mailFields()
	fields.Set("subject", `<b>Wichtig</b> & "dringend"`)
	fields.Set("body", `<a href="javascript:alert(1)">Klick</a>`)
	preview := writeDraft(t, app, c, ev, fields)

	body := app.Get(t, c, preview).Body
	wantNotContains(t, body, "<script>alert(1)", "<b>Wichtig</b>", `<a href="javascript`)
	wantContains(t, body, "&lt;b&gt;Wichtig&lt;/b&gt;", "&lt;a href=&#34;javascript:alert(1)&#34;&gt;Klick&lt;/a&gt;")

	wantStatus(t, send(t, app, c, preview), http.StatusSeeOther)
	m := app.SMTP.WaitTo(t, evil.Email, 1, mailWait)[0]
	to, err := netmail.ParseAddress(m.Header.Get("To"))
	if err != nil {
		t.Fatalf("To header %q: %v", m.Header.Get("To"), err)
	}
	if to.Name != name || to.Address != evil.Email {
		t.Errorf("To %q <%s>, want the name as written", to.Name, to.Address)
	}
	if m.HTML != "" {
		t.Errorf("organiser mail has an HTML part: %q", m.HTML)
	}
	// Plain text: the markup is just characters, nothing renders it.
	if m.Subject != `<b>Wichtig</b> & "dringend"` {
		t.Errorf("subject %q", m.Subject)
	}
	wantContains(t, m.Text, `<a href="javascript:alert(1)">Klick</a>`, "„Feier <script>alert(1)</script>“")
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
}
