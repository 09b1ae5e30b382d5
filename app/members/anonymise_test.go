package members_test

import (
	"context"
	"crypto/rand"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/members"
)

// An organiser with a user account asks to be erased: the board anonymises
// them, and their name and address leave the drafts of their organiser
// mails and the mails that went to them alone, even those that name no
// person.
func TestAnonymisingReachesDraftsAndMailsToThemAlone(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	email := newAddress(t)
	const name = "Orga Olga"
	id := insertPerson(t, app, name, email, "", "")
	user := app.NewUser(t)
	if _, err := app.Pool.Exec(ctx, `UPDATE users SET person_id = $1 WHERE id = $2`, id, user.ID); err != nil {
		t.Fatal(err)
	}
	ev := insertEvent(t, app, "Vergangenes Seminar", "-10 days")
	// A place at an upcoming event is given up with the data.
	var held int64
	if err := app.Pool.QueryRow(ctx, `INSERT INTO registrations (event_id, person_id, status, confirmed_at)
		VALUES ($1, $2, 'confirmed', now()) RETURNING id`, insertEvent(t, app, "Kommendes Seminar", "10 days"), id).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(ctx, `INSERT INTO organiser_mail_drafts (key, event_id, user_id, sender_name, sender_email,
		subject, body, statuses) VALUES ($1, $2, $3, $4, $5, 'Programm', 'Liebe alle', '{confirmed}')`,
		"draft-"+strconv.FormatInt(id, 10), ev, user.ID, name, email); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(ctx, `INSERT INTO mail_outbox (kind, to_addrs, subject, body_text, status)
		VALUES ('legacy', ARRAY[$1], 'Hallo Olga', 'Olgas geheime Nachricht', 'sent')`, email); err != nil {
		t.Fatal(err)
	}
	for needle, want := range map[string]string{name: "organiser_mail_drafts", "Olgas geheime Nachricht": "mail_outbox"} {
		if !slices.Contains(tablesContaining(t, app, needle), want) {
			t.Fatalf("before erasure %q is not in %s", needle, want)
		}
	}

	link := gdprLink(t, app, email, 1)
	if resp := app.PostForm(t, app.Client(), link+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("asking for erasure = %d", resp.StatusCode)
	}
	var reqID int64
	if err := app.Pool.QueryRow(ctx, `SELECT id FROM deletion_requests WHERE person_id = $1`, id).Scan(&reqID); err != nil {
		t.Fatalf("no deletion request for the user: %v", err)
	}
	admin, _ := app.ClientWith(t, "person_admin")
	path := "/admin/deletion_requests/" + strconv.FormatInt(reqID, 10) + "/anonymise"
	if resp := app.PostForm(t, admin, path, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymise = %d", resp.StatusCode)
	}

	for _, needle := range []string{name, "Olgas geheime Nachricht", "Hallo Olga"} {
		if where := tablesContaining(t, app, needle); len(where) > 0 {
			t.Errorf("%q is still stored in %v", needle, where)
		}
	}
	onlyInErasedMail(t, app, email)
	var status string
	if err := app.Pool.QueryRow(ctx, `SELECT status FROM registrations WHERE id = $1`, held).Scan(&status); err != nil || status != "canceled" {
		t.Errorf("the place at the upcoming event is %q after erasure (%v), want canceled", status, err)
	}
	var drafts int
	_ = app.Pool.QueryRow(ctx, `SELECT count(*) FROM organiser_mail_drafts WHERE user_id = $1`, user.ID).Scan(&drafts)
	if drafts != 1 {
		t.Errorf("the organiser's draft is gone (%d left); only the sender's name and address should be", drafts)
	}
}

// Erasing a person deletes the attachments of the mails about them and the
// stored contents no other mail carries; a file someone else got too stays
// for their mail.
func TestAnonymisingDeletesTheirAttachments(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	email, other := newAddress(t), newAddress(t)
	id := insertPerson(t, app, "Anhang Anna", email, "", "")
	otherID := insertPerson(t, app, "Bleibt Bernd", other, "", "")
	own, shared := make([]byte, 4096), make([]byte, 4096)
	for _, b := range [][]byte{own, shared} {
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
	}
	attachment := func(name string, content []byte) mail.Attachment {
		return mail.Attachment{Filename: name, ContentType: "application/octet-stream", Content: content}
	}
	var annaMail, berndMail int64
	err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		var err error
		annaMail, err = mail.Enqueue(ctx, tx, mail.Message{Kind: "test", PersonID: id, To: []string{email},
			Subject: "Deine Unterlagen", Text: "Anbei", Attachments: []mail.Attachment{attachment("zeugnis.bin", own), attachment("plan.bin", shared)}})
		if err != nil {
			return err
		}
		berndMail, err = mail.Enqueue(ctx, tx, mail.Message{Kind: "test", PersonID: otherID, To: []string{other},
			Subject: "Plan", Text: "Anbei", Attachments: []mail.Attachment{attachment("plan.bin", shared)}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	err = pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return members.Anonymise(ctx, tx, id, members.Actor{Name: "test"}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}

	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := app.Pool.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const attachments = `SELECT count(*) FROM mail_attachments WHERE mail_id = $1`
	const blobs = `SELECT count(*) FROM mail_blobs WHERE sha256 = sha256($1::bytea)`
	if n := count(attachments, annaMail); n != 0 {
		t.Errorf("the erased person's mail keeps %d attachments", n)
	}
	if n := count(blobs, own); n != 0 {
		t.Errorf("the content only their mail carried is still stored")
	}
	if n := count(attachments, berndMail); n != 1 {
		t.Errorf("another person's mail has %d attachments left, want 1", n)
	}
	if n := count(blobs, shared); n != 1 {
		t.Errorf("content another mail still carries was deleted")
	}
}
