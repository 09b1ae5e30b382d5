package admin_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	adminui "github.com/pepalumni/memberdb/components/admin"
)

// Two staff members edit different cells of one person, each in the
// editor they opened before the other saved: both edits are kept. Only a
// change of the same field since its editor opened is a conflict, which
// shows the value as it is now and saves when sent again.
func TestInlineConflictIsPerField(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("pf")
	p := newPerson(t, app, "Fritz Feld", "fritz."+tag+"@example.org")
	field := func(name string) string { return fmt.Sprintf("/admin/persons/%d/fields/%s", p, name) }
	stored := func(col string) string {
		return scalar[string](t, app, `SELECT coalesce(`+col+`::text, '') FROM persons WHERE id = $1`, p)
	}

	name := openEditor(t, app, c, field("name"))
	email := openEditor(t, app, c, field("email"))
	status := openEditor(t, app, c, field("membership_status"))

	email.Set("value", "fritz.neu."+tag+"@example.org")
	wantStatus(t, post(t, app, c, field("email"), email, htmx...), http.StatusOK)
	name.Set("value", "Fritz Neu")
	resp := post(t, app, c, field("name"), name, htmx...)
	wantStatus(t, resp, http.StatusOK)
	notBody(t, resp, `data-testid="conflict"`)
	if got := stored("name") + " " + stored("email"); got != "Fritz Neu fritz.neu."+tag+"@example.org" {
		t.Fatalf("stored %q, want both edits", got)
	}
	if n := auditEntries(t, app, "persons", fmt.Sprint(p), "name"); n != 1 {
		t.Errorf("%d audit entries of the name, want 1", n)
	}

	// Someone set the status while this editor was open: the save is
	// refused and shows what it is now; sent again, it saves.
	other := openEditor(t, app, c, field("membership_status"))
	other.Set("value", "canceled")
	wantStatus(t, post(t, app, c, field("membership_status"), other, htmx...), http.StatusOK)
	status.Set("value", "pending")
	resp = post(t, app, c, field("membership_status"), status, htmx...)
	wantStatus(t, resp, http.StatusConflict)
	wantBody(t, resp, `data-testid="conflict"`, "Ausgetreten")
	if got := stored("membership_status"); got != "canceled" {
		t.Fatalf("the refused save stored %q", got)
	}
	again := editorFields(t, resp.Body)
	if again.Get("loaded") != adminui.Digest("canceled") || again.Get("value") != "pending" {
		t.Fatalf("the editor asking again sends %v", again)
	}
	wantStatus(t, post(t, app, c, field("membership_status"), again, htmx...), http.StatusOK)
	if got := stored("membership_status"); got != "pending" {
		t.Errorf("saved again: %q, want pending", got)
	}
}

// openEditor opens a cell's editor and returns what its form sends.
func openEditor(t *testing.T, app *apptest.App, c *http.Client, path string) url.Values {
	t.Helper()
	resp := app.Get(t, c, path, htmx...)
	wantStatus(t, resp, http.StatusOK)
	return editorFields(t, resp.Body)
}

var (
	editorForm  = regexp.MustCompile(`(?s)<form[^>]*data-inline-edit.*?</form>`)
	editorInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)
	editorValue = regexp.MustCompile(`<(?:input|select)[^>]*name="value"[^>]*?(?: value="([^"]*)")?[^>]*>`)
	editorOpt   = regexp.MustCompile(`<option value="([^"]*)" selected`)
)

// editorFields are the hidden fields and the value of the open editor in
// body.
func editorFields(t *testing.T, body string) url.Values {
	t.Helper()
	form := editorForm.FindString(body)
	if form == "" {
		t.Fatal("no open editor")
	}
	vals := url.Values{}
	for _, m := range editorInput.FindAllStringSubmatch(form, -1) {
		vals.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if m := editorOpt.FindStringSubmatch(form); m != nil {
		vals.Set("value", html.UnescapeString(m[1]))
	} else if m := editorValue.FindStringSubmatch(form); m != nil {
		vals.Set("value", html.UnescapeString(m[1]))
	}
	return vals
}

// A value stored with what a form would not send back as it is (a CR,
// which HTML reads as a LF; a bidi control, which the site refuses in
// what is posted, from before it did) can still be edited inline: the
// editor carries a digest of it, not the value.
func TestInlineEditorOfAnOddStoredValue(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("odd")
	for i, odd := range []string{"Carla\rReturn", "Bidi \u202eetrof"} {
		p := newPerson(t, app, "Odd Person", fmt.Sprintf("odd%d.%s@example.org", i, tag))
		if _, err := app.Pool.Exec(t.Context(), `UPDATE persons SET name = $2 WHERE id = $1`, p, odd); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/persons/%d/fields/name", p)
		form := openEditor(t, app, c, path)
		form.Set("value", "Fixed Name")
		wantStatus(t, post(t, app, c, path, form, htmx...), http.StatusOK)
		if got := scalar[string](t, app, `SELECT name FROM persons WHERE id = $1`, p); got != "Fixed Name" {
			t.Errorf("%q: stored %q after the save", odd, got)
		}
	}
}

// Leaving an editor without a change saves nothing, and nothing says it
// did: no toast, no undo.
func TestInlineSaveOfTheSameValueSaysNothing(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	p := newPerson(t, app, "Gleich Bleibend", unique("same")+"@example.org")
	path := fmt.Sprintf("/admin/persons/%d/fields/name", p)
	resp := post(t, app, c, path, openEditor(t, app, c, path), htmx...)
	wantStatus(t, resp, http.StatusOK)
	notBody(t, resp, `data-testid="undo"`)
	if toast := resp.Header.Get("HX-Trigger"); toast != "" {
		t.Errorf("an unchanged value is announced: %s", toast)
	}
	if n := auditEntries(t, app, "persons", fmt.Sprint(p), "name"); n != 0 {
		t.Errorf("%d audit entries of the unchanged name", n)
	}
}
