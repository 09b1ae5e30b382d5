package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// readsBody lists the routes that read a body other than a urlencoded
// form: the two forms with files and the JSON API.
var readsBody = map[string]string{
	"POST /events/{id}/write_mail/": "multipart/form-data",
	"POST /admin/site/logo":         "multipart/form-data",
	"POST /persons":                 "application/json",
}

// otherBodies are forms sent in a way a form route does not read, each as
// (Content-Type, body).
func otherBodies(t *testing.T) [][2]string {
	t.Helper()
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	for _, name := range []string{"role", "level", "name", "org_name", "value"} {
		if err := w.WriteField(name, "kept"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return [][2]string{
		{w.FormDataContentType(), mp.String()},
		{"text/plain", "role=kept\r\nname=kept"},
		{"application/json", `{"name": "kept"}`},
		{"", "name=kept"},
	}
}

// A form route reached with a multipart, plain-text, JSON or untyped body
// read it as an empty form, so a Save that meant "keep these roles" took
// them all away. Every unsafe route of both modes, asked by a user holding
// every level, now answers 415 to a body it does not read, and nothing in
// the database changes; new routes are covered by the walk.
func TestRoutesRefuseBodiesTheyDoNotRead(t *testing.T) {
	for _, dev := range []string{"false", "true"} {
		t.Run("dev="+dev, func(t *testing.T) {
			app := apptest.Start(t, apptest.Env("DEV", dev))
			everything, _ := app.ClientWith(t, app.Server.Registry.Levels()...)
			before := databaseFingerprint(t, app)
			bodies := otherBodies(t)
			for _, rt := range allRoutes(t, app) {
				if !isUnsafe(rt.method) {
					continue
				}
				path := pathOf(t, rt.pattern)
				for _, b := range bodies {
					contentType, body := b[0], b[1]
					if accepted, ok := readsBody[rt.method+" "+rt.pattern]; ok && strings.HasPrefix(contentType, accepted) {
						continue
					}
					req, err := http.NewRequest(rt.method, app.URL+path, strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if contentType != "" {
						req.Header.Set("Content-Type", contentType)
					}
					if resp := apptest.Do(t, everything, req); resp.StatusCode != http.StatusUnsupportedMediaType {
						t.Errorf("%s %s with %q: %d, want 415", rt.method, rt.pattern, contentType, resp.StatusCode)
					}
				}
			}
			if after := databaseFingerprint(t, app); after != before {
				t.Errorf("the walk changed the database:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
}

// The case the attacker's pass found: the org settings posted as
// multipart were blanked. They stay, the answer says why in the user's
// language, and a form without a body or with a urlencoded one still
// works; a half-sent multipart body is refused before it is read.
func TestMultipartFormKeepsTheSettings(t *testing.T) {
	// A database of its own: the association's name it sets would take
	// PeP's motto off the other tests' home page.
	app := apptest.Start(t, apptest.FreshDatabase(t, "multipart"))
	admin, _ := app.ClientWith(t, app.Server.Registry.Levels()...)
	var name string
	orgName := func() string {
		t.Helper()
		if err := app.Pool.QueryRow(t.Context(), `SELECT coalesce((SELECT org_name FROM site_settings), '')`).Scan(&name); err != nil {
			t.Fatal(err)
		}
		return name
	}
	set := app.PostForm(t, admin, "/admin/site/org", map[string][]string{
		"org_name": {"Verein Vorher"}, "contact_address": {"vorstand@example.org"}, "website": {"https://example.org"}})
	if set.StatusCode != http.StatusOK && set.StatusCode != http.StatusSeeOther || orgName() != "Verein Vorher" {
		t.Fatalf("setting the name by form: %d, name %q", set.StatusCode, orgName())
	}
	for lang, want := range map[string]string{
		"de": "Das Formular kam in einer Form an, die diese Seite nicht lesen kann; gespeichert wurde nichts.",
		"en": "The form arrived in a format this page cannot read; nothing was saved.",
	} {
		var mp bytes.Buffer
		w := multipart.NewWriter(&mp)
		_ = w.WriteField("org_name", "Verein Test")
		_ = w.Close()
		req, _ := http.NewRequest(http.MethodPost, app.URL+"/admin/site/org", &mp)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Accept-Language", lang)
		resp := apptest.Do(t, admin, req)
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(resp.Body, want) {
			t.Errorf("%s: %d, want 415 saying %q\n%s", lang, resp.StatusCode, want, resp.Body)
		}
		if got := orgName(); got != "Verein Vorher" {
			t.Fatalf("%s: the name became %q", lang, got)
		}
	}
	// Half a body, announced as twice its length: refused by its type,
	// before anything is read.
	host := strings.TrimPrefix(app.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	half := "--XX\r\nContent-Disposition: form-data; name=\"org_name\"\r\n\r\nHalf"
	fmt.Fprintf(conn, "POST /admin/site/org HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: %d\r\n\r\n%s",
		host, cookieHeader(admin, app.URL), 2*len(half), half)
	// The client stops sending; the server, which leaves the body unread,
	// drains what is left of it before answering.
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("half a multipart body: %d, want 415", resp.StatusCode)
	}
	if got := orgName(); got != "Verein Vorher" {
		t.Fatalf("after half a body the name is %q", got)
	}
}
