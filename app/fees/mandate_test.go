package fees_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/fees/sepa"
	"github.com/pepalumni/memberdb/app/members"
	"github.com/pepalumni/memberdb/app/tokens"
)

// Without the SEPA settings the fee pages say what is missing, and the
// member's page offers no mandate.
func TestFeePagesNameMissingSettings(t *testing.T) {
	app := apptest.Start(t)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	page := app.Get(t, treasurer, "/admin/fees")
	mustStatus(t, "/admin/fees", page, http.StatusOK)
	// The treasurer cannot set them: the page says whom to ask.
	for _, want := range []string{"SEPA_CREDITOR_NAME", "SEPA_CREDITOR_IBAN", "SEPA_CREDITOR_ID", "SEPA_KEY", `data-testid="fees-missing"`,
		"die Person, die den Server von memberdb betreibt"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the page does not name %s", want)
		}
	}
	if strings.Contains(page.Body, `data-testid="rate-form"`) {
		t.Error("the schedule form is offered without SEPA settings")
	}
	mustStatus(t, "adding a rate", app.PostForm(t, treasurer, "/admin/fees/rates",
		url.Values{"category": {"ordentlich"}, "amount": {"30"}, "valid_from": {"2020-01-01"}}), http.StatusConflict)
	id, _ := insertMember(t, app, "Ohne Einstellung", "ordentlich")
	link := editLink(t, app, id)
	member := app.Get(t, app.Client(), link+"/mandate")
	if member.StatusCode != http.StatusOK || !strings.Contains(member.Body, `data-testid="fees-not-configured"`) || strings.Contains(member.Body, `name="iban"`) {
		t.Errorf("member page without settings = %d, form shown: %v", member.StatusCode, strings.Contains(member.Body, `name="iban"`))
	}
	resp := app.PostForm(t, app.Client(), link+"/mandate", url.Values{"account_holder": {"X"}, "iban": {ibanAnna}, "consent": {"yes"}})
	mustStatus(t, "a mandate without settings", resp, http.StatusConflict)
}

// Only members have a fee page, and only through a working link.
func TestFeePageNeedsAMembersLink(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	var guest int64
	if err := app.Pool.QueryRow(context.Background(), `INSERT INTO persons (name, email) VALUES ('Gast', $1) RETURNING id`, newAddress()).Scan(&guest); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "a guest's fee page", app.Get(t, app.Client(), editLink(t, app, guest)+"/mandate"), http.StatusNotFound)
	mustStatus(t, "an unknown link", app.Get(t, app.Client(), "/edit/"+strings.Repeat("A", 43)+"/mandate"), http.StatusNotFound)
	id, _ := insertMember(t, app, "Abgelaufen", "ordentlich")
	link := editLink(t, app, id)
	if _, err := app.Pool.Exec(context.Background(), `UPDATE tokens SET expires_at = now() - interval '1 minute' WHERE subject_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "an expired link", app.PostForm(t, app.Client(), link+"/mandate",
		url.Values{"account_holder": {"X"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusGone)
}

// Leaving does not revoke a mandate, so whoever left can still reach the
// fee page from their edit page and revoke it, but give no new one; once
// nothing concerns them there, the page is a member's again.
func TestFormerMemberRevokesTheirMandate(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	id, email := insertMember(t, app, "Lea Ausgetreten", "ordentlich")
	link := editLink(t, app, id)
	mustStatus(t, "the mandate", giveMandate(t, app, link, url.Values{"account_holder": {"Lea"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	// Leaving says, on its page and in its mail, that the mandate stays.
	if ask := app.Get(t, app.Client(), link+"/cancel"); !strings.Contains(ask.Body, `data-testid="cancel-fees"`) {
		t.Error("the page before leaving does not say the mandate outlasts the membership")
	}
	mustStatus(t, "leaving", app.PostForm(t, app.Client(), link+"/cancel", nil), http.StatusSeeOther)
	if m := waitKind(t, app, email, "beendet", 1); !strings.Contains(m.Text, "Lastschriftmandat") || !strings.Contains(m.Text, "/request_edit") {
		t.Errorf("the mail about leaving does not say the mandate stays and where to revoke it:\n%s", m.Text)
	}
	if edit := app.Get(t, app.Client(), link); !strings.Contains(edit.Body, `data-testid="fees-link"`) {
		t.Error("the edit page of someone who left with a mandate does not link the fee page")
	}
	page := app.Get(t, app.Client(), link+"/mandate")
	mustStatus(t, "the fee page after leaving", page, http.StatusOK)
	if !strings.Contains(page.Body, `data-testid="revoke-form"`) || !strings.Contains(page.Body, `data-testid="fees-former"`) || strings.Contains(page.Body, `data-testid="mandate-form"`) {
		t.Errorf("after leaving, the fee page should offer the revocation and no new mandate:\n%s", page.Body)
	}
	mustStatus(t, "a new account after leaving", giveMandate(t, app, link, url.Values{"account_holder": {"Lea"}, "iban": {ibanDora}, "consent": {"yes"}}), http.StatusNotFound)
	var masked string
	if err := app.Pool.QueryRow(t.Context(), `SELECT iban_masked FROM sepa_mandates WHERE person_id = $1 AND revoked_at IS NULL`, id).Scan(&masked); err != nil || masked != sepa.IBAN(ibanAnna).Masked() {
		t.Fatalf("the refused change left the mandate at %q (%v)", masked, err)
	}
	// Asking to be erased with a mandate standing goes to the board,
	// which settles it, instead of revoking it unseen.
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	h := sha256.Sum256(raw)
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
		VALUES ($1, $2, $3, now() + interval '1 hour', false)`, h[:], tokens.GDPRView, id); err != nil {
		t.Fatal(err)
	}
	gdpr := "/view_data/" + base64.RawURLEncoding.EncodeToString(raw)
	if ask := app.Get(t, app.Client(), gdpr+"/delete"); !strings.Contains(ask.Body, "Lastschriftmandat") {
		t.Error("the erasure's page does not say the mandate goes to the board")
	}
	erase := app.PostForm(t, app.Client(), gdpr+"/delete", nil)
	if erase.StatusCode != http.StatusSeeOther || erase.Header.Get("Location") != "/view_data/requested" {
		t.Errorf("asking for erasure with a mandate = %d to %q, want the board's request", erase.StatusCode, erase.Header.Get("Location"))
	}
	revoked := app.PostForm(t, app.Client(), link+"/mandate/revoke", url.Values{"confirm": {"yes"}})
	// The fee page is gone with the mandate: back to their data.
	if revoked.StatusCode != http.StatusSeeOther || revoked.Header.Get("Location") != link {
		t.Errorf("revoking after leaving = %d to %q, want their edit page", revoked.StatusCode, revoked.Header.Get("Location"))
	}
	waitKind(t, app, email, "widerrufen", 1)
	mustStatus(t, "the fee page once nothing is open", app.Get(t, app.Client(), link+"/mandate"), http.StatusNotFound)
	if edit := app.Get(t, app.Client(), link); strings.Contains(edit.Body, `data-testid="fees-link"`) {
		t.Error("the edit page links a fee page that is no longer there")
	}
}

// Revoking is confirmed by mail; a mandate unused for 36 months is not
// collected from and the member is asked for a new one.
func TestRevokeAndLapse(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	id, email := insertMember(t, app, "Rita Widerruf", "ordentlich")
	link := editLink(t, app, id)
	mustStatus(t, "the mandate", giveMandate(t, app, link, url.Values{"account_holder": {"Rita"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	unconfirmed := app.PostForm(t, app.Client(), link+"/mandate/revoke", nil)
	mustStatus(t, "revoking unconfirmed", unconfirmed, http.StatusUnprocessableEntity)
	// The page stays, its box marked and saying why.
	if !strings.Contains(unconfirmed.Body, `data-testid="revoke-form"`) || !strings.Contains(unconfirmed.Body, `id="revoke-error"`) {
		t.Error("revoking without the box does not show the page with the box's error")
	}
	mustStatus(t, "revoking", app.PostForm(t, app.Client(), link+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	m := waitKind(t, app, email, "widerrufen", 1)
	if !strings.Contains(m.Text, "PEP-") {
		t.Errorf("the revocation mail lacks the reference:\n%s", m.Text)
	}
	mustStatus(t, "revoking again", app.PostForm(t, app.Client(), link+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)

	mustStatus(t, "a new mandate", giveMandate(t, app, link, url.Values{"account_holder": {"Rita"}, "iban": {ibanDora}, "consent": {"yes"}}), http.StatusSeeOther)
	if _, err := app.Pool.Exec(ctx, `UPDATE sepa_mandates SET signed_on = current_date - interval '37 months' WHERE person_id = $1 AND revoked_at IS NULL`, id); err != nil {
		t.Fatal(err)
	}
	page := app.Get(t, app.Client(), link+"/mandate")
	if strings.Contains(page.Body, `data-testid="mandate"`) || !strings.Contains(page.Body, `data-testid="mandate-form"`) {
		t.Error("a lapsed mandate is shown as valid")
	}
	mustStatus(t, "a mandate after the lapse", giveMandate(t, app, link, url.Values{"account_holder": {"Rita"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	var refs []string
	rows, err := app.Pool.Query(ctx, `SELECT reference || ':' || (revoked_at IS NULL) FROM sepa_mandates WHERE person_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	if refs, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 3 || !strings.HasSuffix(refs[0], "-1:false") || !strings.HasSuffix(refs[1], "-2:false") || !strings.HasSuffix(refs[2], "-3:true") {
		t.Errorf("mandates after revoking and a lapse: %v", refs)
	}
}

// The GDPR export shows the mandate with its IBAN masked; erasure
// overwrites holder and account and revokes the mandate.
func TestExportAndErasure(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	id, _ := insertMember(t, app, "Erika Export", "ordentlich")
	mustStatus(t, "the mandate", giveMandate(t, app, editLink(t, app, id), url.Values{"account_holder": {"Erika Kontoinhaberin"},
		"iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)

	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	h := sha256.Sum256(raw)
	if _, err := app.Pool.Exec(ctx, `INSERT INTO tokens (hash, purpose, subject_id, expires_at, single_use)
		VALUES ($1, $2, $3, now() + interval '1 hour', false)`, h[:], tokens.GDPRView, id); err != nil {
		t.Fatal(err)
	}
	resp := app.Get(t, app.Client(), "/view_data/"+base64.RawURLEncoding.EncodeToString(raw)+"?format=json")
	mustStatus(t, "the export", resp, http.StatusOK)
	var ex struct {
		Mandates []struct {
			Reference string `json:"reference"`
			IBAN      string `json:"iban_masked"`
		} `json:"sepa_mandates"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &ex); err != nil {
		t.Fatal(err)
	}
	if len(ex.Mandates) != 1 || ex.Mandates[0].IBAN != "DE02 •••• •••• •••• ••01 01" || strings.Contains(resp.Body, ibanAnna[4:]) {
		t.Errorf("export: %+v", ex.Mandates)
	}

	// Giving it is among the changes to their data, as is revoking.
	if !strings.Contains(resp.Body, `"table": "sepa_mandates"`) && !strings.Contains(resp.Body, `"table":"sepa_mandates"`) {
		t.Errorf("the export's changes leave out the mandate:\n%s", resp.Body)
	}
	page := app.Get(t, app.Client(), "/view_data/"+base64.RawURLEncoding.EncodeToString(raw))
	if !strings.Contains(page.Body, `data-testid="gdpr-iban-masked"`) {
		t.Error("the export does not say why the IBAN is shortened")
	}
	if !strings.Contains(page.Body, `data-testid="gdpr-mandates"`) || !strings.Contains(page.Body, "DE02 •••• •••• •••• ••01 01") || strings.Contains(page.Body, ibanAnna[4:]) {
		t.Error("the GDPR page does not show the mandate masked")
	}
	// A revoked mandate says so; it looked like a valid one.
	if !strings.Contains(page.Body, "<dd class=\"col-12 col-sm-8 text-break\">gilt</dd>") || strings.Contains(page.Body, "Widerrufen am") {
		t.Error("the GDPR page does not say the mandate is valid")
	}
	if _, err := app.Pool.Exec(ctx, `UPDATE sepa_mandates SET revoked_at = '2026-03-01 10:00+01' WHERE person_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	page = app.Get(t, app.Client(), "/view_data/"+base64.RawURLEncoding.EncodeToString(raw))
	if !strings.Contains(page.Body, "Widerrufen am") || !strings.Contains(page.Body, "01.03.2026") {
		t.Error("the GDPR page does not say when the mandate was revoked")
	}

	if err := pgx.BeginFunc(ctx, app.Pool, func(tx pgx.Tx) error {
		return members.Anonymise(ctx, tx, id, members.Actor{Name: "test"}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	var holder, masked string
	var sealed int
	var revoked bool
	if err := app.Pool.QueryRow(ctx, `SELECT account_holder, iban_masked, octet_length(iban_sealed), revoked_at IS NOT NULL
		FROM sepa_mandates WHERE person_id = $1`, id).Scan(&holder, &masked, &sealed, &revoked); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(holder, "Erika") || masked != "" || sealed != 0 || !revoked {
		t.Errorf("after erasure: holder %q, masked %q, %d sealed bytes, revoked %v", holder, masked, sealed, revoked)
	}
	if where := app.TablesHolding(t, "Kontoinhaberin"); len(where) > 0 {
		t.Errorf("the account holder is still stored in %v", where)
	}
}

// The same form sent several times at once stores one mandate and
// fails none of the requests.
func TestMandateFormsAtOnce(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	id, _ := insertMember(t, app, "Doppelt Klicker", "ordentlich")
	link := editLink(t, app, id)
	const n = 5
	codes := make(chan int, n)
	for range n {
		go func() {
			codes <- giveMandate(t, app, link, url.Values{"account_holder": {"Doppelt"}, "iban": {ibanAnna}, "consent": {"yes"}}).StatusCode
		}()
	}
	for range n {
		if code := <-codes; code != http.StatusSeeOther {
			t.Errorf("a form sent with others = %d", code)
		}
	}
	var active int
	if err := app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sepa_mandates WHERE person_id = $1 AND revoked_at IS NULL`, id).Scan(&active); err != nil || active != 1 {
		t.Errorf("%d active mandates (%v), want 1", active, err)
	}
	// The copies change nothing: one confirmation, no "your account was
	// changed, if this was not you…" alarm, no change in the audit log.
	c := app.Client()
	again := app.PostForm(t, c, link+"/mandate", url.Values{"account_holder": {"Doppelt"}, "iban": {ibanAnna}, "consent": {"yes"}})
	mustStatus(t, "the same form once more", again, http.StatusSeeOther)
	var mails, changes int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE person_id = $1`, id).Scan(&mails)
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE table_name = 'sepa_mandates' AND field = 'iban'
		AND row_id IN (SELECT id::text FROM sepa_mandates WHERE person_id = $1)`, id).Scan(&changes)
	if mails != 1 || changes != 0 {
		t.Errorf("%d mails and %d account changes, want the one confirmation and none", mails, changes)
	}
	if page := app.Get(t, c, link+"/mandate"); !strings.Contains(page.Body, "unverändert") {
		t.Error("the page does not say the mandate is unchanged")
	}
	// Another account is a change, and says so.
	mustStatus(t, "another account", giveMandate(t, app, link, url.Values{"account_holder": {"Doppelt"}, "iban": {ibanAnnaNew}, "consent": {"yes"}}),
		http.StatusSeeOther)
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE person_id = $1`, id).Scan(&mails)
	if mails != 2 {
		t.Errorf("%d mails after another account, want 2", mails)
	}
}

// A revocation sent by letter is recorded by the treasurer after ticking
// that it is there; the member is mailed as when revoking online.
func TestTreasurerRecordsARevocationByLetter(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	ctx := context.Background()
	treasurer, user := app.ClientWith(t, "fee_admin")
	id, email := insertMember(t, app, "Brigitte Brief", "ordentlich")
	mustStatus(t, "the mandate", giveMandate(t, app, editLink(t, app, id), url.Values{"account_holder": {"Brigitte Brief"},
		"iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	path := "/admin/fees/members/" + strconv.FormatInt(id, 10)
	if page := app.Get(t, treasurer, path); !strings.Contains(page.Body, `data-testid="revoke-form"`) {
		t.Fatal("the member's page offers no revocation")
	}
	unticked := app.PostForm(t, treasurer, path+"/mandate/revoke", nil)
	mustStatus(t, "revoking without the box", unticked, http.StatusUnprocessableEntity)
	if !strings.Contains(unticked.Body, "Bitte bestätige, dass der Widerruf vorliegt.") {
		t.Error("the refusal does not say to tick the box")
	}
	var open int
	if err := app.Pool.QueryRow(ctx, `SELECT count(*) FROM sepa_mandates WHERE person_id = $1 AND revoked_at IS NULL`, id).Scan(&open); err != nil || open != 1 {
		t.Fatalf("the unticked revocation changed the mandate (%d open, %v)", open, err)
	}
	mustStatus(t, "revoking", app.PostForm(t, treasurer, path+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	waitKind(t, app, email, "widerrufen", 1)
	var actor string
	if err := app.Pool.QueryRow(ctx, `SELECT actor FROM audit_log WHERE table_name = 'sepa_mandates' AND field = 'revoked_at'
		AND row_id = (SELECT id::text FROM sepa_mandates WHERE person_id = $1)`, id).Scan(&actor); err != nil || actor != user.Username {
		t.Errorf("the revocation is audited as %q (%v), want the treasurer %q", actor, err, user.Username)
	}
	// A second click finds nothing to revoke: back to the page, which
	// says so and offers no revocation.
	mustStatus(t, "revoking again", app.PostForm(t, treasurer, path+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	again := app.Get(t, treasurer, path)
	if strings.Contains(again.Body, `data-testid="revoke-form"`) || !strings.Contains(again.Body, "Es gibt kein Mandat zu widerrufen.") {
		t.Error("the page after a second revocation offers to revoke or does not say why nothing happened")
	}
}

// An applicant may give a mandate before the board decides. Denied, they
// are no member and never will be collected from: the mandate is revoked
// in the decision and they are told, so their account details are not
// kept for good. Accepted, it stands.
func TestDeniedApplicantsMandateEnds(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	board, _ := app.ClientWith(t, "member_management")
	var ids []int64
	var emails []string
	for _, name := range []string{"Ada Abgelehnt", "Bea Angenommen", "Cem Konsole"} {
		id, email := insertMember(t, app, name, "ordentlich")
		if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET membership_status = 'pending', joining_date = NULL WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, "the applicant's mandate", giveMandate(t, app, editLink(t, app, id), url.Values{"account_holder": {name}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
		ids, emails = append(ids, id), append(emails, email)
	}
	// The treasurer sees them as applying, not as having left.
	fees, _ := app.ClientWith(t, "fee_admin")
	if list := app.Get(t, fees, "/admin/fees"); strings.Count(list.Body, `data-testid="mandate-applying"`) < 3 {
		t.Error("the mandates list does not mark applicants as applying")
	}
	// The board is told before denying.
	if list := app.Get(t, board, "/applications"); strings.Count(list.Body, `data-testid="deny-mandate"`) < 3 {
		t.Error("the applications do not say that denying revokes the mandate")
	}
	// A message refused as too long keeps the card as it was.
	long := app.PostForm(t, board, fmt.Sprintf("/applications/%d/deny", ids[0]), url.Values{"message": {strings.Repeat("x", 5001)}})
	mustStatus(t, "a message too long", long, http.StatusUnprocessableEntity)
	if !strings.Contains(long.Body, `data-testid="deny-mandate"`) {
		t.Error("the refused denial's card no longer says the mandate is revoked")
	}
	mustStatus(t, "denying", app.PostForm(t, board, fmt.Sprintf("/applications/%d/deny", ids[0]), nil), http.StatusSeeOther)
	mustStatus(t, "accepting", app.PostForm(t, board, fmt.Sprintf("/applications/%d/accept", ids[1]), nil), http.StatusSeeOther)
	// Set to denied in the console, as by the board's decision.
	console, _ := app.ClientWith(t, "person_admin")
	var version int
	if err := app.Pool.QueryRow(t.Context(), `SELECT version FROM persons WHERE id = $1`, ids[2]).Scan(&version); err != nil {
		t.Fatal(err)
	}
	deny := url.Values{"value": {"denied"}, "version": {strconv.Itoa(version)}}
	// Asked first: it mails them and cannot be undone.
	asked := app.PostForm(t, console, fmt.Sprintf("/admin/persons/%d/fields/membership_status", ids[2]), deny, "HX-Request", "true")
	if !strings.Contains(asked.Body, `name="confirm_denial"`) {
		t.Error("denying an applicant with a mandate in the console does not ask first")
	}
	var status string
	if err := app.Pool.QueryRow(t.Context(), `SELECT membership_status FROM persons WHERE id = $1`, ids[2]).Scan(&status); err != nil || status != "pending" {
		t.Errorf("denied before the question was answered: %q (%v)", status, err)
	}
	deny.Set("confirm_denial", "true")
	confirmed := app.PostForm(t, console, fmt.Sprintf("/admin/persons/%d/fields/membership_status", ids[2]), deny, "HX-Request", "true")
	mustStatus(t, "denying in the console", confirmed, http.StatusOK)
	if strings.Contains(confirmed.Body, `data-testid="undo"`) {
		t.Error("an undo is offered for a denial that revoked and mailed")
	}
	waitKind(t, app, emails[2], "widerrufen", 1)
	// A member set to "denied" is a correction, not an application
	// refused: their mandate stands.
	member, _ := insertMember(t, app, "Dora Mitglied", "ordentlich")
	mustStatus(t, "the member's mandate", giveMandate(t, app, editLink(t, app, member), url.Values{"account_holder": {"Dora"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	if err := app.Pool.QueryRow(t.Context(), `SELECT version FROM persons WHERE id = $1`, member).Scan(&version); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, "a member set to denied", app.PostForm(t, console, fmt.Sprintf("/admin/persons/%d/fields/membership_status", member),
		url.Values{"value": {"denied"}, "version": {strconv.Itoa(version)}}, "HX-Request", "true"), http.StatusOK)
	var memberRevoked bool
	if err := app.Pool.QueryRow(t.Context(), `SELECT revoked_at IS NOT NULL FROM sepa_mandates WHERE person_id = $1`, member).Scan(&memberRevoked); err != nil || memberRevoked {
		t.Errorf("a member's mandate was revoked by a correction (%v)", err)
	}
	var standing []int64
	rows, err := app.Pool.Query(t.Context(), `SELECT person_id FROM sepa_mandates WHERE person_id = ANY($1) AND revoked_at IS NULL`, ids)
	if err != nil {
		t.Fatal(err)
	}
	if standing, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		t.Fatal(err)
	}
	if len(standing) != 1 || standing[0] != ids[1] {
		t.Errorf("mandates standing: %v, want only the accepted applicant's %d", standing, ids[1])
	}
	if m := waitKind(t, app, emails[0], "widerrufen", 1); !strings.Contains(m.Text, "nicht angenommen") || !strings.Contains(m.Text, "nichts mehr von deinem Konto") {
		t.Errorf("the denied applicant's mail:\n%s", m.Text)
	}
	var audited int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE table_name = 'sepa_mandates' AND field = 'revoked_at'
		AND actor <> '' AND user_id IS NOT NULL AND row_id IN (SELECT id::text FROM sepa_mandates WHERE person_id = $1)`, ids[0]).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("%d revocations recorded with the board member (%v)", audited, err)
	}
}

// A rate valid from later than 1 January first counts the next year: the
// treasurer is told so when saving it.
func TestMidYearRateSaysWhenItCounts(t *testing.T) {
	// Its rates would change the amounts of the package's other tests.
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesmidyear"))...)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	resp := app.PostForm(t, treasurer, "/admin/fees/rates", url.Values{"category": {"ordentlich"}, "amount": {"20"}, "valid_from": {"2027-07-01"}})
	mustStatus(t, "a mid-year rate", resp, http.StatusSeeOther)
	if page := app.Get(t, treasurer, resp.Header.Get("Location")); !strings.Contains(page.Body, "zählt erst ab 2028") {
		t.Error("saving a mid-year rate does not say it first counts the next year")
	}
	resp = app.PostForm(t, treasurer, "/admin/fees/rates", url.Values{"category": {"ordentlich"}, "amount": {"20"}, "valid_from": {"2029-01-01"}})
	mustStatus(t, "a rate from 1 January", resp, http.StatusSeeOther)
	if page := app.Get(t, treasurer, resp.Header.Get("Location")); strings.Contains(page.Body, "zählt erst ab") {
		t.Error("a rate from 1 January is said to count later")
	}
}

// A member whose invoice went out before they gave a mandate is told on
// their page that it is still to be transferred: the mandate collects
// only the fees after it, and a later run skips the year.
func TestInvoiceBeforeTheMandateIsStillToTransfer(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feestransfer"))...)
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 2500, '2019-01-01')`); err != nil {
		t.Fatal(err)
	}
	id, _ := insertMember(t, app, "Ines Invoice", "ordentlich")
	treasurer, _ := app.ClientWith(t, "fee_admin")
	resp := app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"}, "year": {strconv.Itoa(time.Now().Year() + 1)},
		"due": {dueAfter(20).Format(time.DateOnly)}})
	mustStatus(t, "a run of invoices", resp, http.StatusSeeOther)
	link := editLink(t, app, id)
	if page := app.Get(t, app.Client(), link+"/mandate"); strings.Contains(page.Body, `data-testid="fee-transfer"`) {
		t.Error("without a mandate the invoice needs no word")
	}
	mustStatus(t, "the mandate", giveMandate(t, app, link, url.Values{"account_holder": {"Ines"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	if page := app.Get(t, app.Client(), link+"/mandate"); !strings.Contains(page.Body, `data-testid="fee-transfer"`) {
		t.Error("the open invoice is not said to be still to transfer")
	}
}

// A mandate sent while the board denies its applicant does not survive
// the denial: sent while the denial waits to revoke, it is refused once
// the denial has committed. Before, the form's check came first, the
// denial found nothing to revoke, and the mandate stood.
func TestMandateRacingADenial(t *testing.T) {
	app := apptest.Start(t, sepaEnv()...)
	board, _ := app.ClientWith(t, "member_management")
	id, _ := insertMember(t, app, "Rita Rennen", "ordentlich")
	if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET membership_status = 'pending', joining_date = NULL WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	link := editLink(t, app, id)
	// Hold the mandate's lock (the fees' lock space, "FEES") so the
	// denial waits inside its transaction, after it has changed the person.
	hold, err := app.Pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(context.Background()) }()
	if _, err := hold.Exec(t.Context(), `SELECT pg_advisory_xact_lock(1178944851, hashtext('mandate:' || $1::bigint))`, id); err != nil {
		t.Fatal(err)
	}
	waiting := func(what string) {
		t.Helper()
		apptest.Eventually(t, 10*time.Second, what, func() bool {
			var n int
			_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks WHERE NOT granted`).Scan(&n)
			return n > 0
		})
	}
	denied := make(chan int, 1)
	go func() {
		denied <- app.PostForm(t, board, fmt.Sprintf("/applications/%d/deny", id), nil).StatusCode
	}()
	waiting("the denial waits for the mandate's lock")
	given := make(chan int, 1)
	go func() {
		given <- giveMandate(t, app, link, url.Values{"account_holder": {"Rita"}, "iban": {ibanAnna}, "consent": {"yes"}}).StatusCode
	}()
	// The form waits too (for the person the denial changed), or is
	// done; either way the denial may go on.
	apptest.Eventually(t, 10*time.Second, "the form waits for the person", func() bool {
		var n int
		_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`).Scan(&n)
		return n > 0 || len(given) > 0
	})
	if err := hold.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s := <-denied; s != http.StatusSeeOther {
		t.Fatalf("denying = %d", s)
	}
	if s := <-given; s != http.StatusNotFound {
		t.Errorf("the mandate sent during the denial = %d, want 404", s)
	}
	var standing int
	if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sepa_mandates WHERE person_id = $1 AND revoked_at IS NULL`, id).Scan(&standing); err != nil || standing != 0 {
		t.Errorf("%d mandates stand on a denied applicant (%v)", standing, err)
	}
}

// Whoever left and revokes a mandate an open run collects from gets an
// invoice for that fee, which offers them no new mandate (they cannot
// give one). The invoice text failed for them before: it named a key only
// members' mails had.
func TestFormerMembersInvoiceOffersNoMandate(t *testing.T) {
	app := apptest.Start(t, append(sepaEnv(), apptest.FreshDatabase(t, "feesformer"))...)
	if _, err := app.Pool.Exec(t.Context(), `INSERT INTO fee_rates (category, cents, valid_from) VALUES ('ordentlich', 2500, '2019-01-01')`); err != nil {
		t.Fatal(err)
	}
	id, email := insertMember(t, app, "Otto Offen", "ordentlich")
	link := editLink(t, app, id)
	mustStatus(t, "the mandate", giveMandate(t, app, link, url.Values{"account_holder": {"Otto"}, "iban": {ibanAnna}, "consent": {"yes"}}), http.StatusSeeOther)
	treasurer, _ := app.ClientWith(t, "fee_admin")
	mustStatus(t, "a run, not yet at the bank", app.PostForm(t, treasurer, "/admin/fees/runs", url.Values{"confirm": {"yes"},
		"year": {strconv.Itoa(time.Now().Year() + 1)}, "due": {dueAfter(20).Format(time.DateOnly)}}), http.StatusSeeOther)
	mustStatus(t, "leaving", app.PostForm(t, app.Client(), link+"/cancel", nil), http.StatusSeeOther)
	mustStatus(t, "revoking after leaving", app.PostForm(t, app.Client(), link+"/mandate/revoke", url.Values{"confirm": {"yes"}}), http.StatusSeeOther)
	inv := waitKind(t, app, email, "Rechnung", 1)
	if strings.Contains(inv.Text, "Lastschriftmandat: Über den Link") {
		t.Errorf("the invoice of whoever left offers a mandate:\n%s", inv.Text)
	}
}
