package members_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
)

// fingerprint sums up everything a POST of this domain could change.
func fingerprint(t *testing.T, app *apptest.App) string {
	t.Helper()
	var a, b, c, d, e, f, g int64
	err := app.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM mail_outbox), (SELECT coalesce(sum(version), 0) FROM persons),
		(SELECT count(*) FROM persons), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM deletion_requests),
		(SELECT count(*) FROM membership_applications), (SELECT count(*) FROM tokens WHERE used_at IS NOT NULL)`).
		Scan(&a, &b, &c, &d, &e, &f, &g)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(a, 10) + "/" + strconv.FormatInt(b, 10) + "/" + strconv.FormatInt(c, 10) + "/" +
		strconv.FormatInt(d, 10) + "/" + strconv.FormatInt(e, 10) + "/" + strconv.FormatInt(f, 10) + "/" + strconv.FormatInt(g, 10)
}

// Every POST of the domain refuses a cross-site request and changes nothing,
// even from a client that may do it.
func TestCrossOriginPostsAreRefused(t *testing.T) {
	app := apptest.Start(t)
	board, _ := app.ClientWith(t, "member_management")
	admin, _ := app.ClientWith(t, "person_admin")

	_, verify := verificationLink(t, app)
	memberEmail := newAddress(t)
	member := insertPerson(t, app, "CSRF Mitglied", memberEmail, "confirmed", "ordentlich")
	edit := issueLink(t, app, tokens.MembershipEdit, member, "/edit/")
	guest := insertPerson(t, app, "CSRF Gast", newAddress(t), "", "")
	gdpr := issueLink(t, app, tokens.GDPRView, guest, "/view_data/")
	pending := insertPerson(t, app, "CSRF Antrag", newAddress(t), "pending", "ordentlich")
	var request int64
	if err := app.Pool.QueryRow(context.Background(), `INSERT INTO deletion_requests (person_id) VALUES ($1) RETURNING id`,
		member).Scan(&request); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path   string
		client *http.Client
		form   url.Values
	}{
		{"/register/", app.Client(), url.Values{"name": {"X"}, "email": {newAddress(t)}, "membership_type": {"ordentlich"}}},
		{verify, app.Client(), nil},
		{edit, app.Client(), editValues(loadPerson(t, app, memberEmail), "Gefälscht")},
		{edit + "/cancel", app.Client(), nil},
		{"/request_edit", app.Client(), url.Values{"email": {memberEmail}}},
		{"/request_gdpr_data", app.Client(), url.Values{"email": {memberEmail}}},
		{gdpr + "/delete", app.Client(), nil},
		{decisionPath(pending, "accept"), board, nil},
		{decisionPath(pending, "deny"), board, url.Values{"message": {"nein"}}},
		{"/admin/deletion_requests/" + strconv.FormatInt(request, 10) + "/anonymise", admin, nil},
		{"/persons", admin, url.Values{"name": {"X"}, "email": {newAddress(t)}}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := fingerprint(t, app)
			for _, headers := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
				resp := app.PostForm(t, tt.client, tt.path, tt.form, headers...)
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s: %d, want 403", headers[0], resp.StatusCode)
				}
			}
			if after := fingerprint(t, app); after != before {
				t.Errorf("a refused request changed the data: %s -> %s", before, after)
			}
		})
	}
	// The same request from our own pages goes through, so the fingerprint sees changes.
	before := fingerprint(t, app)
	if resp := app.PostForm(t, app.Client(), tests[0].path, tests[0].form, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != http.StatusOK {
		t.Fatalf("same-origin POST = %d", resp.StatusCode)
	}
	if fingerprint(t, app) == before {
		t.Fatal("the fingerprint missed a change")
	}
}
