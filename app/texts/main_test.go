package texts_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const mailWait = 15 * time.Second

var seq atomic.Int64

func newAddress() string {
	return fmt.Sprintf("texts%d.%d@example.org", time.Now().UnixNano()%1e9, seq.Add(1))
}

func wantStatus(t *testing.T, what string, resp apptest.Response, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s = %d, want %d\n%s", what, resp.StatusCode, status, resp.Body)
	}
}

// saveMail saves a mail text through the editor and resets it when the
// test ends: the package's apps share one database.
func saveMail(t *testing.T, app *apptest.App, c *http.Client, key, lang, subject, body string) {
	t.Helper()
	path := "/admin/texts/mail/" + key + "/" + lang
	resp := app.PostForm(t, c, path, url.Values{"subject": {subject}, "body": {body}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("saving %s = %d\n%s", path, resp.StatusCode, resp.Body)
	}
	t.Cleanup(func() { wantStatus(t, "reset", app.PostForm(t, c, path+"/reset", nil), http.StatusSeeOther) })
}

// savePage saves a page text through the editor and deletes it when the
// test ends.
func savePage(t *testing.T, app *apptest.App, c *http.Client, page, lang, body string) {
	t.Helper()
	path := "/admin/texts/pages/" + page + "/" + lang
	resp := app.PostForm(t, c, path, url.Values{"body": {body}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("saving %s = %d\n%s", path, resp.StatusCode, resp.Body)
	}
	t.Cleanup(func() { wantStatus(t, "reset", app.PostForm(t, c, path+"/reset", nil), http.StatusSeeOther) })
}
