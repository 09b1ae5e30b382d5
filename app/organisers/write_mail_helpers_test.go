package organisers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// upload is a file to attach; an empty Name and Content is what a browser
// sends for a file input left empty.
type upload struct {
	Name        string
	ContentType string
	Content     []byte
}

// postMultipart posts fields and files as a browser posts the mail form.
func postMultipart(t *testing.T, app *apptest.App, c *http.Client, path string, fields url.Values, files []upload, headers ...string) apptest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		// As browsers write it: UTF-8 as it is, only quotes and line
		// breaks percent-encoded.
		name := strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A").Replace(f.Name)
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="`+name+`"`)
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.Content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, app.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return apptest.Do(t, c, req)
}

// mailFields is a valid mail form; change what a test needs.
func mailFields(statuses ...string) url.Values {
	if len(statuses) == 0 {
		statuses = []string{"confirmed"}
	}
	return url.Values{
		"sender_name":  {"Lea Schäfer"},
		"sender_email": {"lea.schaefer@example.org"},
		"subject":      {"Infos zur Feier"},
		"body":         {"Hallo zusammen,\r\n\r\nwir treffen uns um 18 Uhr.\r\n\r\nLea"},
		"status":       statuses,
		// Ticked by default in the form.
		"copy_to_sender": {"1"},
	}
}

// writeDraft submits the form and returns the preview's path.
func writeDraft(t *testing.T, app *apptest.App, c *http.Client, ev testEvent, fields url.Values, files ...upload) string {
	t.Helper()
	resp := postMultipart(t, app, c, fmt.Sprintf("/events/%d/write_mail/", ev.ID), fields, files)
	wantStatus(t, resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, fmt.Sprintf("/events/%d/write_mail/", ev.ID)) || !strings.HasSuffix(loc, "/") {
		t.Fatalf("preview at %q", loc)
	}
	return loc
}

func send(t *testing.T, app *apptest.App, c *http.Client, preview string, headers ...string) apptest.Response {
	t.Helper()
	return app.PostForm(t, c, preview+"send", url.Values{}, headers...)
}

func outboxCount(t *testing.T, app *apptest.App, ev testEvent) int {
	t.Helper()
	return count(t, app, `SELECT count(*) FROM mail_outbox WHERE event_id = $1 AND kind = 'organiser_mail'`, ev.ID)
}

func draftCount(t *testing.T, app *apptest.App, ev testEvent) int {
	t.Helper()
	return count(t, app, `SELECT count(*) FROM organiser_mail_drafts WHERE event_id = $1`, ev.ID)
}
