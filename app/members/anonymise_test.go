package members_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
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
	if resp := app.PostForm(t, app.Client(), link+"/delete", nil); resp.StatusCode != http.StatusOK {
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

	for _, needle := range []string{name, email, "Olgas geheime Nachricht", "Hallo Olga"} {
		if where := tablesContaining(t, app, needle); len(where) > 0 {
			t.Errorf("%q is still stored in %v", needle, where)
		}
	}
	var drafts int
	_ = app.Pool.QueryRow(ctx, `SELECT count(*) FROM organiser_mail_drafts WHERE user_id = $1`, user.ID).Scan(&drafts)
	if drafts != 1 {
		t.Errorf("the organiser's draft is gone (%d left); only the sender's name and address should be", drafts)
	}
}
