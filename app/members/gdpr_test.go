package members_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/mail/mailtest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// insertEvent stores an event starting in the given interval from now
// (e.g. '-30 days', '30 days').
func insertEvent(t *testing.T, app *apptest.App, name, startsIn string) int64 {
	t.Helper()
	var id int64
	err := app.Pool.QueryRow(context.Background(), `INSERT INTO events (name, starts_at, registration_open)
		VALUES ($1, now() + $2::interval, true) RETURNING id`, name, startsIn).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func insertRegistration(t *testing.T, app *apptest.App, eventID, personID int64, status, data string) int64 {
	t.Helper()
	var id int64
	err := app.Pool.QueryRow(context.Background(), `INSERT INTO registrations (event_id, person_id, status, data, confirmed_at)
		VALUES ($1, $2, $3, $4::jsonb, now()) RETURNING id`, eventID, personID, status, data).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// gdprLink asks for the GDPR link by mail like a visitor.
func gdprLink(t *testing.T, app *apptest.App, email string, nth int) string {
	t.Helper()
	resp := app.PostForm(t, app.Client(), "/request_gdpr_data", url.Values{"email": {email}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, "24 Stunden") {
		t.Fatalf("request_gdpr_data = %d, want the link-sent page naming 24 Stunden", resp.StatusCode)
	}
	m := lastMailTo(t, app, email, nth)
	if !strings.Contains(m.Text, "/view_data/") {
		t.Fatalf("the GDPR mail has no /view_data/ link:\n%s", m.Text)
	}
	return linkIn(t, m)
}

func TestRequestLinksAnswerAlikeForUnknownAddresses(t *testing.T) {
	app := apptest.Start(t)
	known := newAddress(t)
	insertPerson(t, app, "Bekannt", known, "confirmed", "ordentlich")
	unknown := newAddress(t)
	for _, path := range []string{"/request_edit", "/request_gdpr_data"} {
		t.Run(path, func(t *testing.T) {
			a := app.PostForm(t, app.Client(), path, url.Values{"email": {known}})
			b := app.PostForm(t, app.Client(), path, url.Values{"email": {unknown}})
			if a.StatusCode != http.StatusOK || a.Body != b.Body || a.Header.Get("Set-Cookie") != b.Header.Get("Set-Cookie") {
				t.Fatalf("answers differ: %d vs %d", a.StatusCode, b.StatusCode)
			}
			bad := app.PostForm(t, app.Client(), path, url.Values{"email": {"kein at"}}, "HX-Request", "true")
			if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `data-testid="email-error"`) {
				t.Errorf("invalid address = %d", bad.StatusCode)
			}
		})
	}
	app.SMTP.WaitTo(t, known, 2, mailWait)
	var queued int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE $1 = ANY (to_addrs)`, unknown).Scan(&queued)
	if queued != 0 {
		t.Errorf("%d mails queued to an unknown address", queued)
	}
}

func TestGDPRPageAndJSONShowEverything(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Grete Gründlich", email, "confirmed", "ordentlich")
	ev := insertEvent(t, app, "Sommerakademie Test", "-30 days")
	insertRegistration(t, app, ev, id, "confirmed", `{"essen": "vegetarisch", "adresse": {"stadt": "Dortmund"}}`)
	admin, user := app.ClientWith(t, "get_persons")
	_ = admin
	if _, err := app.Pool.Exec(context.Background(), `UPDATE users SET person_id = $1 WHERE id = $2`, id, user.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO audit_log (actor, table_name, row_id, field, old_value, new_value)
		VALUES ('vorstand', 'persons', $1::bigint::text, 'name', 'Grete Gruendlich', 'Grete Gründlich')`, id); err != nil {
		t.Fatal(err)
	}
	// The outbox keeps names MIME-encoded; the person reads them decoded.
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO mail_outbox (kind, person_id, to_addrs, subject, body_text, status)
		VALUES ('test', $1, ARRAY['=?utf-8?q?Grete_Gr=C3=BCndlich?= <' || $2 || '>'], 'Hallo Grete', 'Hallo', 'sent')`, id, email); err != nil {
		t.Fatal(err)
	}
	link := gdprLink(t, app, email, 1)

	page := app.Get(t, app.Client(), link)
	mustContain(t, "the mail's recipient", page.Body, "Grete Gründlich &lt;"+email+"&gt;")
	if strings.Contains(page.Body, "=?utf-8?") {
		t.Error("the GDPR page shows a MIME-encoded recipient")
	}
	if page.StatusCode != http.StatusOK || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GDPR page = %d, Cache-Control %q", page.StatusCode, page.Header.Get("Cache-Control"))
	}
	mustContain(t, "the GDPR page", page.Body, "Grete Gründlich", email, "Sommerakademie Test", "vegetarisch",
		"adresse › stadt", "Dortmund", user.Username, "Auskunft über deine gespeicherten Daten",
		`data-testid="gdpr-download"`, `data-testid="gdpr-delete"`,
		// Dates as German readers write them; mails keep their lines.
		">02.02.2020<", "white-space: pre-wrap",
		// The changes to their data, and the links sent to them.
		"Grete Gruendlich", "Gespeicherte Daten ansehen")
	if strings.Contains(page.Body, "2020-02-02") {
		t.Errorf("the GDPR page shows an ISO date to German readers")
	}

	for _, variant := range []struct {
		name    string
		path    string
		headers []string
	}{
		{"accept header", link, []string{"Accept", "application/json"}},
		{"download", link + "?format=json", nil},
	} {
		t.Run(variant.name, func(t *testing.T) {
			resp := app.Get(t, app.Client(), variant.path, variant.headers...)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" ||
				resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("JSON = %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
			}
			if variant.name == "download" && !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("the download is not an attachment")
			}
			var ex struct {
				Person struct {
					Name, Email      string
					JoiningDate      *string `json:"joining_date"`
					MembershipStatus *string `json:"membership_status"`
				}
				Registrations []struct {
					EventName string          `json:"event_name"`
					Status    string          `json:"status"`
					Answers   json.RawMessage `json:"answers"`
				}
				Users []map[string]any `json:"user_accounts"`
				Mails []struct {
					Subject string
					To      []string
					Text    string
				}
				Changes []struct {
					Field    string  `json:"field"`
					OldValue *string `json:"old_value"`
				}
				Links []struct {
					Purpose string `json:"purpose"`
				}
			}
			if err := json.Unmarshal([]byte(resp.Body), &ex); err != nil {
				t.Fatalf("JSON: %v\n%s", err, resp.Body)
			}
			if ex.Person.Email != email || ex.Person.JoiningDate == nil || *ex.Person.JoiningDate != "2020-02-02" {
				t.Errorf("person = %+v", ex.Person)
			}
			if len(ex.Registrations) != 1 || ex.Registrations[0].EventName != "Sommerakademie Test" ||
				!strings.Contains(string(ex.Registrations[0].Answers), "vegetarisch") {
				t.Errorf("registrations = %+v", ex.Registrations)
			}
			if len(ex.Users) != 1 || ex.Users[0]["username"] != user.Username {
				t.Errorf("users = %+v", ex.Users)
			}
			if strings.Contains(resp.Body, "password") || strings.Contains(resp.Body, `"!"`) {
				t.Errorf("the export shows the password hash")
			}
			if len(ex.Mails) < 2 || !strings.Contains(ex.Mails[1].Subject, "Auskunft") {
				t.Errorf("mails = %+v", ex.Mails)
			}
			// The link that opened the page is in the mail that sent it,
			// without its key: shared, the export opens nothing.
			key := link[strings.LastIndex(link, "/")+1:]
			if len(ex.Mails) >= 2 && (strings.Contains(ex.Mails[1].Text, key) || !strings.Contains(ex.Mails[1].Text, "/…")) {
				t.Errorf("the mail's link keeps its key in the export:\n%s", ex.Mails[1].Text)
			}
			if len(ex.Changes) != 1 || ex.Changes[0].Field != "name" || ex.Changes[0].OldValue == nil || *ex.Changes[0].OldValue != "Grete Gruendlich" {
				t.Errorf("changes = %+v", ex.Changes)
			}
			if len(ex.Links) == 0 || ex.Links[0].Purpose != "gdpr_view" {
				t.Errorf("links = %+v", ex.Links)
			}
		})
	}
}

// The whole erasure: the person's data leaves every table, counts stay.
func TestNonMemberErasesTheirDataAtOnce(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	const name = "Lotte Löschmich"
	id := insertPerson(t, app, name, email, "", "")
	ev := insertEvent(t, app, "Vergangene Feier", "-10 days")
	others := insertPerson(t, app, "Bleibt Da", newAddress(t), "", "")
	insertRegistration(t, app, ev, others, "confirmed", `{"essen": "vegan"}`)
	reg := insertRegistration(t, app, ev, id, "confirmed", `{"essen": "Lottes geheime Allergie"}`)
	// An organiser's mail to all participants in Bcc.
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO mail_outbox (kind, event_id, to_addrs, bcc_addrs, subject, body_text, status)
		VALUES ('organiser', $1, ARRAY['orga@example.org'], ARRAY['bleibt@example.org', $2], 'Infos', 'Hallo alle', 'sent')`,
		ev, "Lotte <"+strings.ToUpper(email)+">"); err != nil {
		t.Fatal(err)
	}
	// The notification to the organiser about this registration.
	if _, err := app.Pool.Exec(context.Background(), `INSERT INTO mail_outbox (kind, registration_id, to_addrs, subject, body_text, status)
		VALUES ('registration_notify', $1, ARRAY['orga@example.org'], $2, $3, 'sent')`,
		reg, "Neue Anmeldung: "+name, name+" hat sich angemeldet ("+email+")"); err != nil {
		t.Fatal(err)
	}
	link := gdprLink(t, app, email, 1)
	edit := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	// An earlier edit, recorded with old and new values.
	form := editValues(loadPerson(t, app, email), name)
	form.Set("date_of_birth", "1991-01-01")
	if resp := app.PostForm(t, app.Client(), edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit = %d", resp.StatusCode)
	}
	var confirmedBefore int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, ev).Scan(&confirmedBefore)

	// The search below must see the data while it is there.
	for needle, want := range map[string]string{name: "persons", email: "mail_outbox",
		"Lottes geheime Allergie": "registrations", "1991-01-01": "audit_log"} {
		if where := strings.Join(tablesContaining(t, app, needle), ","); !strings.Contains(where, want) {
			t.Fatalf("before erasure %q is found in %q, want in %s", needle, where, want)
		}
	}

	confirm := app.Get(t, app.Client(), link+"/delete")
	if confirm.StatusCode != http.StatusOK || !strings.Contains(confirm.Body, `data-testid="erase-immediate"`) {
		t.Fatalf("erasure confirmation = %d, want the immediate variant", confirm.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Name != name {
		t.Fatalf("opening the confirmation erased the data")
	}
	// The outcome is a page of its own: Back and reload do not post again.
	done := app.PostForm(t, app.Client(), link+"/delete", nil)
	if done.StatusCode != http.StatusSeeOther || done.Header.Get("Location") != "/view_data/deleted" {
		t.Fatalf("erase = %d to %q", done.StatusCode, done.Header.Get("Location"))
	}
	if page := app.Get(t, app.Client(), "/view_data/deleted"); page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `data-testid="erased"`) {
		t.Fatalf("the outcome page = %d", page.StatusCode)
	}
	// The link opened again, or a second click, says the data is gone,
	// not that a new link would help.
	for _, again := range []apptest.Response{app.Get(t, app.Client(), link), app.PostForm(t, app.Client(), link+"/delete", nil)} {
		if again.StatusCode != http.StatusGone || !strings.Contains(again.Body, `data-testid="erased"`) || strings.Contains(again.Body, `data-testid="new-link"`) {
			t.Errorf("the link after erasure = %d, erased page %v", again.StatusCode, strings.Contains(again.Body, `data-testid="erased"`))
		}
	}

	for _, needle := range []string{name, email, "Lottes geheime Allergie", "1991-01-01"} {
		if where := tablesContaining(t, app, needle); len(where) > 0 {
			t.Errorf("%q is still stored in %v", needle, where)
		}
	}
	var confirmedAfter, regs int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, ev).Scan(&confirmedAfter)
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM registrations WHERE person_id = $1`, id).Scan(&regs)
	if confirmedAfter != confirmedBefore || regs != 1 {
		t.Errorf("counts changed: confirmed %d -> %d, registrations of the person %d", confirmedBefore, confirmedAfter, regs)
	}
	var bcc []string
	_ = app.Pool.QueryRow(context.Background(), `SELECT bcc_addrs FROM mail_outbox WHERE kind = 'organiser' AND event_id = $1`, ev).Scan(&bcc)
	if len(bcc) != 1 || bcc[0] != "bleibt@example.org" {
		t.Errorf("the organiser's Bcc is now %v; want only the other participant", bcc)
	}
	var who string
	var userID *int64
	err := app.Pool.QueryRow(context.Background(), `SELECT actor, user_id FROM audit_log WHERE table_name = 'persons'
		AND row_id = $1 AND new_value = 'anonymised'`, strconv.FormatInt(id, 10)).Scan(&who, &userID)
	if err != nil || who != "participant via link" || userID != nil {
		t.Errorf("the erasure is not recorded as the person's own (%q, %v, %v)", who, userID, err)
	}
	// Their links are dead.
	if resp := app.Get(t, app.Client(), link); resp.StatusCode != http.StatusGone {
		t.Errorf("the GDPR link after erasure = %d, want 410", resp.StatusCode)
	}
	if resp := app.Get(t, app.Client(), edit); resp.StatusCode != http.StatusGone {
		t.Errorf("the edit link after erasure = %d, want 410", resp.StatusCode)
	}
}

// tablesContaining searches every table's rows for text.
func tablesContaining(t *testing.T, app *apptest.App, text string) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := app.Pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('gorp_migrations', 'sessions')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var found []string
	for _, table := range tables {
		var n int
		q := `SELECT count(*) FROM "` + table + `" t WHERE strpos(lower(t::text), lower($1)) > 0`
		if err := app.Pool.QueryRow(ctx, q, text).Scan(&n); err != nil {
			t.Fatalf("search %s: %v", table, err)
		}
		if n > 0 {
			found = append(found, table)
		}
	}
	return found
}

// onlyInErasedMail fails unless address is stored nowhere but in the mail
// telling its person that their data is deleted, a mail about no person.
func onlyInErasedMail(t *testing.T, app *apptest.App, address string) {
	t.Helper()
	if where := tablesContaining(t, app, address); !slices.Equal(where, []string{"mail_outbox"}) {
		t.Errorf("%s is still in %v, want only the outbox's confirmation", address, where)
	}
	var kinds string
	_ = app.Pool.QueryRow(context.Background(), `SELECT string_agg(kind || '/' || coalesce(person_id::text, '-'), ',')
		FROM mail_outbox o WHERE strpos(lower(o::text), lower($1)) > 0`, address).Scan(&kinds)
	if kinds != "gdpr_erased/-" {
		t.Errorf("mails still holding %s: %s, want the confirmation alone, about no person", address, kinds)
	}
}

// Members, people expected at an event and users cannot erase themselves:
// the board gets a request and decides in the admin area.
func TestErasureRequestGoesToTheBoard(t *testing.T) {
	app := apptest.Start(t)
	member := newAddress(t)
	memberID := insertPerson(t, app, "Mitglied Mara", member, "confirmed", "ordentlich")
	guest := newAddress(t)
	guestID := insertPerson(t, app, "Gast Gustav", guest, "", "")
	insertRegistration(t, app, insertEvent(t, app, "Kommende Feier", "20 days"), guestID, "confirmed", `{}`)

	for i, c := range []struct {
		email  string
		id     int64
		reason string
	}{{member, memberID, "Du bist Mitglied"}, {guest, guestID, "anstehenden Veranstaltung angemeldet (Kommende Feier)"}} {
		link := gdprLink(t, app, c.email, 1)
		confirm := app.Get(t, app.Client(), link+"/delete")
		mustContain(t, "the confirmation", confirm.Body, `data-testid="erase-request"`, c.reason)
		for range 2 { // asking twice files one request
			resp := app.PostForm(t, app.Client(), link+"/delete", nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/view_data/requested" {
				t.Fatalf("request = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			if page := app.Get(t, app.Client(), "/view_data/requested"); !strings.Contains(page.Body, `data-testid="erasure-requested"`) {
				t.Fatalf("the outcome page does not say the board has the request")
			}
		}
		if again := app.Get(t, app.Client(), link+"/delete"); !strings.Contains(again.Body, `data-testid="erase-requested"`) {
			t.Errorf("the confirmation does not say a request is waiting")
		}
		// What is stored about them includes the request.
		mustContain(t, "the stored data", app.Get(t, app.Client(), link).Body, `data-testid="gdpr-deletions"`, "noch offen")
		var boardMail string
		for _, m := range app.SMTP.WaitTo(t, board, i+1, mailWait) {
			if strings.Contains(m.Text, c.email) {
				boardMail = m.Text
			}
		}
		mustContain(t, "the board's mail", boardMail, c.email, app.URL+"/admin/deletion_requests")
	}
	if p := loadPerson(t, app, member); p.Name != "Mitglied Mara" || p.Status != "confirmed" {
		t.Fatalf("a request changed the member: %+v", p)
	}

	// The board.
	board, boardUser := app.ClientWith(t, "member_management")
	if resp := app.Get(t, board, "/admin/deletion_requests"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("member_management sees deletion requests: %d", resp.StatusCode)
	}
	if resp := app.Get(t, app.Client(), "/admin/deletion_requests"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous visitor = %d, want 303 to login", resp.StatusCode)
	}
	_ = boardUser
	admin, adminUser := app.ClientWith(t, "person_admin")
	list := app.Get(t, admin, "/admin/deletion_requests")
	mustContain(t, "the requests", list.Body, "Mitglied Mara", "Gast Gustav", "Noch 1 Anmeldung",
		"beantragt am "+berlinToday(t)+", ")
	if strings.Contains(list.Body, `data-testid="applied-since"`) {
		t.Error("a request is marked as followed by an application nobody made")
	}
	// Gustav applies after asking to be erased: the board is told.
	applyFor(t, app, "Gast Gustav", guest, "ordentlich")
	list = app.Get(t, admin, "/admin/deletion_requests")
	if strings.Count(list.Body, `data-testid="applied-since"`) != 1 {
		t.Error("the request of someone who applied since is not marked")
	}
	var reqID int64
	_ = app.Pool.QueryRow(context.Background(), `SELECT id FROM deletion_requests WHERE person_id = $1`, memberID).Scan(&reqID)
	path := "/admin/deletion_requests/" + strconv.FormatInt(reqID, 10) + "/anonymise"

	if resp := app.PostForm(t, board, path, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("member_management anonymises: %d", resp.StatusCode)
	}
	confirm := app.Get(t, admin, path)
	mustContain(t, "the confirmation", confirm.Body, "Mitglied Mara", `data-testid="anonymise-confirm"`)
	if p := loadPerson(t, app, member); p.Name != "Mitglied Mara" {
		t.Fatalf("opening the confirmation anonymised")
	}
	done := app.PostForm(t, admin, path, nil)
	if done.StatusCode != http.StatusSeeOther || done.Header.Get("Location") != "/admin/deletion_requests" {
		t.Fatalf("anonymise = %d", done.StatusCode)
	}
	// The member hears that it is done, in a mail that names nothing but
	// the association; that mail is the one place their address stays,
	// as long as sent mails do.
	erased := apptest.EventuallyValue(t, 10*time.Second, "the mail saying the data is deleted", func() (mailtest.Message, bool) {
		for _, m := range app.SMTP.To(member) {
			if strings.Contains(m.Subject, "Deine Daten sind gelöscht") {
				return m, true
			}
		}
		return mailtest.Message{}, false
	})
	if strings.Contains(erased.Text, "Mara") {
		t.Errorf("the confirmation names the erased person:\n%s", erased.Text)
	}
	onlyInErasedMail(t, app, member)
	var actor string
	var userID int64
	_ = app.Pool.QueryRow(context.Background(), `SELECT actor, user_id FROM audit_log WHERE table_name = 'persons'
		AND row_id = $1 AND new_value = 'anonymised'`, strconv.FormatInt(memberID, 10)).Scan(&actor, &userID)
	if actor != adminUser.Username || userID != adminUser.ID {
		t.Errorf("the erasure is recorded as %q/%d, want the admin", actor, userID)
	}
	var status string
	_ = app.Pool.QueryRow(context.Background(), `SELECT membership_status FROM persons WHERE id = $1`, memberID).Scan(&status)
	if status != "confirmed" {
		t.Errorf("the membership count lost the member: status %q", status)
	}
	again := app.PostForm(t, admin, path, nil)
	if again.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymising twice = %d", again.StatusCode)
	}
	if list := app.Get(t, admin, "/admin/deletion_requests"); strings.Contains(list.Body, "Mitglied Mara") ||
		!strings.Contains(list.Body, "bereits erledigt") {
		t.Errorf("the list still shows the handled request or lacks the notice")
	}
}
