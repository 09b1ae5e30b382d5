package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestAuditLogListsAndFiltersChanges(t *testing.T) {
	app := apptest.Start(t)
	editor, who := app.ClientWith(t, "person_admin")
	reader, _ := app.ClientWith(t, "audit_admin")
	tag := unique("audit")
	id := newPerson(t, app, "Audit "+tag, tag+"@example.org")
	sid := strconv.FormatInt(id, 10)
	wantStatus(t, post(t, app, editor, fmt.Sprintf("/admin/persons/%d/fields/name", id), url.Values{"value": {"Audited " + tag}, "version": {"1"}}, htmx...), http.StatusOK)
	wantStatus(t, post(t, app, editor, fmt.Sprintf("/admin/persons/%d/fields/membership_status", id), url.Values{"value": {"pending"}, "version": {"2"}}, htmx...), http.StatusOK)

	t.Run("filtered by row, newest first, with old and new values", func(t *testing.T) {
		resp := app.Get(t, reader, "/admin/audit?table=persons&row="+sid, htmx...)
		wantStatus(t, resp, http.StatusOK)
		if n := len(rowOrder(resp.Body)); n != 2 {
			t.Fatalf("%d entries, want 2", n)
		}
		wantBody(t, resp, "Audit "+tag, "Audited "+tag, "pending", who.Username, `href="/admin/persons/`+sid+`"`)
	})
	t.Run("filtered by user", func(t *testing.T) {
		resp := app.Get(t, reader, "/admin/audit?user="+url.QueryEscape(who.Username), htmx...)
		if n := len(rowOrder(resp.Body)); n != 2 {
			t.Fatalf("%d entries by the editor, want 2", n)
		}
	})
	t.Run("searched", func(t *testing.T) {
		resp := app.Get(t, reader, "/admin/audit?q=Audited+"+tag, htmx...)
		if n := len(rowOrder(resp.Body)); n != 1 {
			t.Fatalf("%d entries found, want 1", n)
		}
	})
	t.Run("the row's detail page shows its history", func(t *testing.T) {
		resp := app.Get(t, editor, "/admin/persons/"+sid)
		wantBody(t, resp, `data-testid="history-entry"`, "Audited "+tag, "Mitgliedschaft")
	})
	t.Run("needs its level", func(t *testing.T) {
		wantStatus(t, app.Get(t, editor, "/admin/audit"), http.StatusForbidden)
	})
}
