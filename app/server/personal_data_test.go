package server_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/audit"
	"github.com/pepalumni/memberdb/app/db/dbtest"
	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/app/persons"
	"github.com/pepalumni/memberdb/app/server"
)

// personalColumn matches the columns that hold personal data or point at
// someone: a person or user id, an address, a name of a login, a mail's
// text or an attachment.
var personalColumn = regexp.MustCompile(`^(person_id|user_id|subject_id|.*email.*|.*_addrs?|reply_to|username|sender_name|body.*|content|data)$`)

// Every table with personal data must be covered by a registered domain,
// which says how it is erased and exported (persons.Register). A new
// table fails here until someone decides that.
func TestEveryPersonalTableIsCovered(t *testing.T) {
	_ = server.New // the server's imports register every domain
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `
		SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Table, Column string }])
	if err != nil {
		t.Fatal(err)
	}
	covered := persons.Covered()
	personal := map[string][]string{}
	for _, c := range cols {
		if personalColumn.MatchString(c.Column) {
			personal[c.Table] = append(personal[c.Table], c.Column)
		}
	}
	if len(personal) < 10 {
		t.Fatalf("found personal data in only %d tables: %v; is the pattern still right?", len(personal), personal)
	}
	for table, columns := range personal {
		if covered[table] == "" {
			t.Errorf("table %s holds personal data (%s) that no domain erases: register it with persons.Register",
				table, strings.Join(columns, ", "))
		}
	}
	tables := map[string]bool{}
	for _, c := range cols {
		tables[c.Table] = true
	}
	for table, domain := range covered {
		if !tables[table] {
			t.Errorf("domain %s covers table %s, which does not exist", domain, table)
		}
	}
}

// Every foreign key on persons that refuses the person's deletion must be
// declared by its domain (persons.Keep), so that the admin's delete page
// names it instead of failing on it; a declared one must be such a key.
func TestEveryKeepingReferenceIsDeclared(t *testing.T) {
	_ = server.New // the server's imports register every domain
	pool := dbtest.Pool(t)
	rows, err := pool.Query(context.Background(), `
		SELECT c.conrelid::regclass::text, a.attname::text
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
		WHERE c.contype = 'f' AND c.confrelid = 'persons'::regclass AND c.confdeltype IN ('a', 'r')
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ Table, Column string }])
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no foreign key on persons refuses a deletion; is the query still right?")
	}
	declared := map[[2]string]bool{}
	for _, k := range persons.Keeps() {
		declared[[2]string{k.Table, k.Column}] = true
	}
	for _, k := range keys {
		if !declared[[2]string{k.Table, k.Column}] {
			t.Errorf("%s.%s keeps its person from being deleted, which no domain declares: add a persons.Keep", k.Table, k.Column)
		}
		delete(declared, [2]string{k.Table, k.Column})
	}
	for k := range declared {
		t.Errorf("%s.%s is declared as keeping its person, but no such foreign key refuses a deletion", k[0], k[1])
	}
}

// A person with everything memberdb can store about someone is anonymised
// through the admin; afterwards no table holds their name, address or a
// unique answer of theirs, in text or in a binary column.
func TestErasureLeavesNothingBehind(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	suffix := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	name := "Erika Zyxwvut" + suffix
	email := "erika." + suffix + "@example.org"
	answer := "Geheimwunsch-" + suffix

	// Membership, through the database as the board's approval would leave it.
	var personID int64
	if err := app.Pool.QueryRow(ctx, `INSERT INTO persons (name, email, email_valid, membership_status, membership_type,
		joining_date, date_of_birth) VALUES ($1, $2, true, 'confirmed', 'ordentlich', DATE '2020-01-01', DATE '1999-09-09')
		RETURNING id`, name, email).Scan(&personID); err != nil {
		t.Fatal(err)
	}
	// A registration with answers, through the public form (which mails
	// them the answers and a link).
	var eventID int64
	schema := `{"type":"object","properties":{"wish":{"type":"string","title":"Wunsch"}}}`
	if err := app.Pool.QueryRow(ctx, `INSERT INTO events (name, shortlink, registration_open, registration_schema, notify_email, starts_at)
		VALUES ('Sommerfest', $1, true, $2, $3, now() + interval '30 days') RETURNING id`, "fest"+suffix, schema, email).Scan(&eventID); err != nil {
		t.Fatal(err)
	}
	resp := app.PostForm(t, app.Client(), fmt.Sprintf("/events/%d/registration/", eventID),
		url.Values{"name": {name}, "email": {email}, "wish": {answer}})
	if resp.StatusCode >= 400 {
		t.Fatalf("registering = %d", resp.StatusCode)
	}
	app.SMTP.WaitTo(t, email, 1, 15*time.Second)
	// A mail with an attachment that only they got.
	secret := make([]byte, 64)
	_, _ = rand.Read(secret)
	copy(secret, answer)
	if err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		_, err := mail.Enqueue(ctx, tx, mail.Message{Kind: "test", PersonID: personID, To: []string{name + " <" + email + ">"},
			Subject: "Für " + name, Text: "Hallo " + name, Attachments: []mail.Attachment{
				{Filename: "urkunde.bin", ContentType: "application/octet-stream", Content: secret}}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A user account of theirs with a session, and audit entries of
	// changes to them.
	user := app.NewUser(t, "event_organiser")
	if _, err := app.Pool.Exec(ctx, `UPDATE users SET person_id = $1, username = $2 WHERE id = $3`, personID, "erika"+suffix, user.ID); err != nil {
		t.Fatal(err)
	}
	user.Username = "erika" + suffix
	if resp := app.Get(t, app.LoginAs(t, user), "/admin/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("their session: %d", resp.StatusCode)
	}
	if err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, audit.Entry{UserID: &user.ID, Actor: user.Username, Table: "persons",
			RowID: strconv.FormatInt(personID, 10), Field: "name", OldValue: audit.Value("Erika Alt"), NewValue: audit.Value(name)})
	}); err != nil {
		t.Fatal(err)
	}
	// An organiser's draft naming them.
	if _, err := app.Pool.Exec(ctx, `INSERT INTO organiser_mail_drafts (key, event_id, user_id, sender_name, sender_email,
		subject, body, statuses) VALUES ($1, $2, $3, 'Orga', 'orga@example.org', 'Programm', $4, '{confirmed}')`,
		"draft-"+suffix, eventID, user.ID, "Liebe alle, danke an "+name+" ("+email+")!"); err != nil {
		t.Fatal(err)
	}
	// The surname alone is a word the person search keeps.
	needles := []string{name, email, answer, "Zyxwvut" + suffix, "erika" + suffix}
	for _, n := range needles[:4] {
		if len(app.TablesHolding(t, n)) == 0 {
			t.Fatalf("before erasure %q is stored nowhere: the test sets up nothing", n)
		}
	}

	admin, _ := app.ClientWith(t, "person_admin")
	path := fmt.Sprintf("/admin/persons/%d/anonymise", personID)
	if resp := app.PostForm(t, admin, path, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymise = %d: %s", resp.StatusCode, resp.Body)
	}
	for _, n := range needles {
		if where := app.TablesHolding(t, n); len(where) > 0 {
			t.Errorf("%q is still stored in %v", n, where)
		}
	}
	// The counts stay: the registration and the member are still there.
	var regs int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM registrations WHERE event_id = $1`, eventID).Scan(&regs); err != nil || regs != 1 {
		t.Errorf("registrations of the event after erasure: %d (%v), want 1", regs, err)
	}
}
