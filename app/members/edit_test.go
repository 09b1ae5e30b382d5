package members_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
)

func tuStatusID(t *testing.T, app *apptest.App, name string) string {
	t.Helper()
	var id int64
	if err := app.Pool.QueryRow(context.Background(), `SELECT id FROM tu_status WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func TestEditFormShowsWhatThePersonMayChange(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		status               string
		wantType, wantCancel bool
		wantStatusText       string
		wantJoining          string // as German readers write dates
	}{
		{"confirmed", true, true, "Mitglied", "02.02.2020"},
		{"pending", true, false, "Antrag beim Vorstand", "–"},
		{"", false, false, "kein Mitglied", "–"},
		{"canceled", false, false, "ausgetreten", "–"},
	}
	for _, tt := range tests {
		t.Run("status "+tt.status, func(t *testing.T) {
			email := newAddress(t)
			id := insertPerson(t, app, "Zeigen", email, tt.status, "ordentlich")
			page := app.Get(t, app.Client(), issueLink(t, app, tokens.MembershipEdit, id, "/edit/"))
			if page.StatusCode != http.StatusOK {
				t.Fatalf("edit page = %d", page.StatusCode)
			}
			mustContain(t, "the edit page", page.Body, `data-testid="ro-email"`, email, tt.wantStatusText,
				`name="date_of_birth"`, `data-testid="tu-none"`, "Alumna/Alumnus",
				`data-testid="ro-joining">`+tt.wantJoining+`<`)
			if got := strings.Contains(page.Body, `name="membership_type"`); got != tt.wantType {
				t.Errorf("type choice shown: %v, want %v", got, tt.wantType)
			}
			if got := strings.Contains(page.Body, `data-testid="cancel-link"`); got != tt.wantCancel {
				t.Errorf("cancel link shown: %v, want %v", got, tt.wantCancel)
			}
			if strings.Contains(page.Body, `name="email"`) {
				t.Errorf("the address is editable; it must be read-only")
			}
			if page.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", page.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestEditValidationSavesNothing(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Unverändert", email, "confirmed", "ordentlich")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	tests := []struct {
		name      string
		change    func(url.Values)
		wantField string
		wantText  string
	}{
		{"empty name", func(v url.Values) { v.Set("name", " ") }, "name-error", "Bitte gib deinen Namen an."},
		{"birth in the future", func(v url.Values) { v.Set("date_of_birth", tomorrow) }, "date_of_birth-error", "nicht in der Zukunft"},
		{"birth not a date", func(v url.Values) { v.Set("date_of_birth", "31.02.1990") }, "date_of_birth-error", "gültiges Datum"},
		{"birth typo", func(v url.Values) { v.Set("date_of_birth", "0199-05-01") }, "date_of_birth-error", "gültiges Datum"},
		{"unknown tu status", func(v url.Values) { v.Set("tu_status", "999999") }, "tu_status-error", "Eintrag aus der Liste"},
		{"unknown type", func(v url.Values) { v.Set("membership_type", "ehren") }, "membership_type-error", "Art der Mitgliedschaft"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := loadPerson(t, app, email)
			form := editValues(before, "Geändert")
			form.Set("date_of_birth", "1990-05-01")
			tt.change(form)
			for _, hx := range []bool{false, true} {
				var headers []string
				if hx {
					headers = []string{"HX-Request", "true"}
				}
				resp := app.PostForm(t, app.Client(), link, form, headers...)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("htmx %v: status %d, want 422", hx, resp.StatusCode)
				}
				mustContain(t, "the form", resp.Body, `data-testid="`+tt.wantField+`"`, tt.wantText)
				if hx == strings.Contains(resp.Body, "<html") {
					t.Errorf("htmx %v: whole page %v", hx, !hx)
				}
			}
			if after := loadPerson(t, app, email); after != before {
				t.Errorf("an invalid form changed the person: %+v -> %+v", before, after)
			}
		})
	}
}

func TestEditSavesWithToastAndAudit(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Vorher", email, "confirmed", "ordentlich")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	alumni := tuStatusID(t, app, "Alumna/Alumnus")
	form := editValues(loadPerson(t, app, email), "Nachher")
	form.Set("date_of_birth", "1990-05-01")
	form.Set("tu_status", alumni)
	form.Set("membership_type", "ausserordentlich")

	resp := app.PostForm(t, app.Client(), link, form, "HX-Request", "true")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Body, `id="edit-form"`) || strings.Contains(resp.Body, "<html") {
		t.Fatalf("htmx save = %d, want the form fragment", resp.StatusCode)
	}
	if trig := resp.Header.Get("HX-Trigger"); !strings.Contains(trig, "showToast") || !strings.Contains(trig, "gespeichert") {
		t.Errorf("HX-Trigger = %q, want the saved toast", trig)
	}
	p := loadPerson(t, app, email)
	if p.Name != "Nachher" || p.Birth != "1990-05-01" || p.TUStatus != alumni || p.Type != "ausserordentlich" {
		t.Fatalf("stored %+v", p)
	}
	var fields []string
	rows, _ := app.Pool.Query(context.Background(), `SELECT field FROM audit_log WHERE table_name = 'persons' AND row_id = $1
		AND actor = 'participant via link' ORDER BY field`, strconv.FormatInt(id, 10))
	for rows.Next() {
		var f string
		_ = rows.Scan(&f)
		fields = append(fields, f)
	}
	if strings.Join(fields, ",") != "date_of_birth,membership_type,name,tu_status_id" {
		t.Errorf("audit fields = %v", fields)
	}

	// "No answer" clears the relation to the university.
	form = editValues(p, "Nachher")
	form.Set("tu_status", "")
	if resp := app.PostForm(t, app.Client(), link, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain save = %d", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.TUStatus != "" {
		t.Errorf("tu_status after choosing no answer = %q", p.TUStatus)
	}
}

// Non-members have no membership type to choose: a forged field is ignored.
func TestEditIgnoresTypeOfNonMembers(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Gast", email, "", "")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	form := editValues(loadPerson(t, app, email), "Gast")
	form.Set("membership_type", "ordentlich")
	if resp := app.PostForm(t, app.Client(), link, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Type != "" {
		t.Errorf("a non-member set their type to %q", p.Type)
	}
}

// A form loaded before another change must not overwrite it.
func TestEditRefusesAStaleForm(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Original", email, "confirmed", "ordentlich")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	stale := editValues(loadPerson(t, app, email), "Alter Tab")
	if _, err := app.Pool.Exec(context.Background(),
		`UPDATE persons SET name = 'Anderer Tab', version = version + 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	resp := app.PostForm(t, app.Client(), link, stale, "HX-Request", "true")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="edit-notice"`) ||
		!strings.Contains(resp.Body, "Anderer Tab") {
		t.Fatalf("stale save = %d, want 422 with the notice and the current name", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Name != "Anderer Tab" {
		t.Errorf("the stale form overwrote the name with %q", p.Name)
	}
	// A form without a version, or with one that is no number, is no
	// fresher than a stale one.
	for _, version := range []string{"", "abc", "0", "-1", "99999999999999999999"} {
		values := editValues(loadPerson(t, app, email), "Ohne Version")
		if version == "" {
			values.Del("version")
		} else {
			values.Set("version", version)
		}
		resp := app.PostForm(t, app.Client(), link, values, "HX-Request", "true")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `data-testid="edit-notice"`) {
			t.Errorf("save with version %q = %d, want 422 with the notice", version, resp.StatusCode)
		}
		if p := loadPerson(t, app, email); p.Name != "Anderer Tab" {
			t.Fatalf("a form with version %q saved the name %q", version, p.Name)
		}
	}
}

func TestMemberEndsMembershipAfterConfirming(t *testing.T) {
	app := apptest.Start(t)
	email := newAddress(t)
	id := insertPerson(t, app, "Tschüss", email, "confirmed", "ordentlich")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")

	confirm := app.Get(t, app.Client(), link+"/cancel")
	if confirm.StatusCode != http.StatusOK || !strings.Contains(confirm.Body, `data-testid="cancel-confirm"`) {
		t.Fatalf("GET cancel = %d, want the confirmation", confirm.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Status != "confirmed" {
		t.Fatalf("opening the confirmation changed the status to %q", p.Status)
	}
	resp := app.PostForm(t, app.Client(), link+"/cancel", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != link {
		t.Fatalf("POST cancel = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if p := loadPerson(t, app, email); p.Status != "canceled" {
		t.Fatalf("status after ending = %q", p.Status)
	}
	// The day they left is kept, and their page says it.
	var left, today string
	if err := app.Pool.QueryRow(t.Context(), `SELECT coalesce(leaving_date::text, ''), ((now() AT TIME ZONE 'Europe/Berlin')::date)::text
		FROM persons WHERE id = $1`, id).Scan(&left, &today); err != nil || left != today {
		t.Errorf("leaving date %q, want today %s (%v)", left, today, err)
	}
	if page := app.Get(t, app.Client(), link); !strings.Contains(page.Body, `data-testid="ro-leaving"`) {
		t.Error("the page of whoever left does not say when")
	}
	boardMail := lastMailTo(t, app, board, 1)
	mustContain(t, "the board's mail", boardMail.Subject+boardMail.Text, "Tschüss", email, "02.02.2020")
	own := lastMailTo(t, app, email, 1)
	mustContain(t, "the member's mail", own.Subject, "beendet")
	// Without a mandate or an open fee the mail says nothing of them, and
	// leaves no gap where it would have.
	if strings.Contains(own.Text, "Lastschriftmandat") || strings.Contains(own.Text, "\n\n\n") {
		t.Errorf("the mail of a member without fees:\n%s", own.Text)
	}

	// Again: not a member any more, nothing happens.
	again := app.PostForm(t, app.Client(), link+"/cancel", nil)
	if again.StatusCode != http.StatusSeeOther {
		t.Fatalf("second cancel = %d", again.StatusCode)
	}
	if n := mailsAbout(t, app, "membership_board_canceled", id); n != 1 {
		t.Errorf("the board got %d mails, want 1", n)
	}
	if page := app.Get(t, app.Client(), link+"/cancel"); page.StatusCode != http.StatusSeeOther {
		t.Errorf("the confirmation for a non-member = %d, want 303 back", page.StatusCode)
	}
}

// An association that collects no fees here (no SEPA settings) shows its
// members no link to a fee page that would only say so.
func TestNoFeeLinkWithoutFees(t *testing.T) {
	app := apptest.Start(t)
	if app.Config.SEPA.Ready() {
		t.Fatal("the test app has SEPA settings")
	}
	id := insertPerson(t, app, "Ohne Beiträge", newAddress(t), "confirmed", "ordentlich")
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")
	if page := app.Get(t, app.Client(), link); page.StatusCode != http.StatusOK || strings.Contains(page.Body, `data-testid="fees-link"`) {
		t.Errorf("the member's page (%d) links the fees", page.StatusCode)
	}
}

// Whoever left and is accepted again after applying anew has not left:
// the day is emptied, and the log says from what.
func TestAcceptedAgainHasNotLeft(t *testing.T) {
	app := apptest.Start(t)
	id := insertPerson(t, app, "Wieder Da", newAddress(t), "pending", "ordentlich")
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET leaving_date = '2023-05-01', joining_date = '2019-10-01' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	board, _ := app.ClientWith(t, "member_management")
	if resp := app.PostForm(t, board, fmt.Sprintf("/applications/%d/accept", id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepting = %d", resp.StatusCode)
	}
	var left, old string
	if err := app.Pool.QueryRow(t.Context(), `SELECT coalesce(p.leaving_date::text, ''), coalesce((SELECT old_value FROM audit_log
		WHERE table_name = 'persons' AND row_id = p.id::text AND field = 'leaving_date'), '') FROM persons p WHERE id = $1`, id).Scan(&left, &old); err != nil {
		t.Fatal(err)
	}
	if left != "" || old != "2023-05-01" {
		t.Errorf("leaving date %q after acceptance, logged from %q", left, old)
	}
	var joinedFrom string
	if err := app.Pool.QueryRow(t.Context(), `SELECT coalesce(old_value, '') FROM audit_log WHERE table_name = 'persons'
		AND row_id = $1 AND field = 'joining_date'`, strconv.FormatInt(id, 10)).Scan(&joinedFrom); err != nil || joinedFrom != "2019-10-01" {
		t.Errorf("the joining date was logged as changed from %q, want the old one (%v)", joinedFrom, err)
	}
}
