package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// insertOpenEvent adds an open event whose form asks for comments.
func insertOpenEvent(t testing.TB, app *apptest.App, shortlink string) {
	t.Helper()
	const schema = `{"type": "object", "properties": {"comments": {"type": "string", "title": "Comments"}}}`
	_, err := app.Pool.Exec(t.Context(), `INSERT INTO events (name, shortlink, registration_open, registration_schema)
		VALUES ($1, $2, true, $3)`, "Input "+shortlink, shortlink, schema)
	if err != nil {
		t.Fatal(err)
	}
}

// Text no person types (NUL bytes, invalid UTF-8, control characters) is
// refused where forms, queries and JSON bodies are parsed: 422 naming the
// field in the user's language, nothing stored, nothing logged as an error.
func TestControlCharactersAndInvalidUTF8AreRefused(t *testing.T) {
	app := apptest.Start(t)
	insertOpenEvent(t, app, "input-check")
	reg := "/events/input-check/registration/"
	admin, _ := app.ClientWith(t, app.Server.Registry.Levels()...)
	tests := []struct {
		name, method, path, body, contentType string
		admin                                 bool
		wantStatus                            int
		wantField                             string
	}{
		{"NUL in a registration's name", "POST", reg, "name=Nul%00Byte&email=nul@example.org", "", false, 422, "name"},
		{"invalid UTF-8 in a registration's name", "POST", reg, "name=Bad%ff%fe&email=bad@example.org", "", false, 422, "name"},
		{"NUL in an answer", "POST", reg, "name=Ok&email=ok@example.org&comments=a%00b", "", false, 422, "comments"},
		{"invalid UTF-8 in an application", "POST", "/register/", "name=%ff&email=x@example.org&membership_type=ordentlich", "", false, 422, "name"},
		{"NUL in a login", "POST", "/login/", "user_or_email=ad%00min&password=whatever-long", "", false, 422, "user_or_email"},
		{"NUL in a password reset", "POST", "/password_reset/", "user_or_email=ad%00min", "", false, 422, "user_or_email"},
		{"right-to-left override in a name", "POST", "/register/", "name=Eve%E2%80%AEnomis&email=x@example.org&membership_type=ordentlich", "", false, 422, "name"},
		{"escape character in a resend", "POST", "/events/resend_emails/", "email=a%1Bb@example.org", "", false, 422, "email"},
		{"NUL in a field's name", "POST", "/request_edit", "email=x@example.org&a%00=1", "", false, 422, `a\x00`},
		{"NUL in a search", "GET", "/admin/persons?q=%00", "", "", true, 422, "q"},
		{"NUL in a path", "GET", "/events/a%00b/registration/", "", "", false, 404, ""},
		{"invalid UTF-8 in a path", "GET", "/events/%ff/registration/", "", "", false, 404, ""},
		{"NUL in JSON", "POST", "/persons", `{"name": "a\u0000b", "email": "j@example.org"}`, "application/json", true, 422, "name"},
		{"invalid UTF-8 in JSON", "POST", "/persons", "{\"name\": \"a\xffb\", \"email\": \"j@example.org\"}", "application/json", true, 422, "JSON"},
	}
	for _, lang := range []string{"de", "en"} {
		for _, tt := range tests {
			t.Run(lang+"/"+tt.name, func(t *testing.T) {
				before := databaseFingerprint(t, app)
				logged := app.LogLines()
				req, err := http.NewRequest(tt.method, app.URL+tt.path, strings.NewReader(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				ct := tt.contentType
				if ct == "" && tt.method == "POST" {
					ct = "application/x-www-form-urlencoded"
				}
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				if ct == "application/json" {
					req.Header.Set("Accept", "application/json")
				}
				req.Header.Set("Accept-Language", lang)
				c := app.Client()
				if tt.admin {
					c = admin
				}
				resp := apptest.Do(t, c, req)
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("%s %s = %d, want %d\n%s", tt.method, tt.path, resp.StatusCode, tt.wantStatus, resp.Body)
				}
				if tt.wantField != "" {
					want := map[string]string{"de": "Das Feld „" + tt.wantField + "“ enthält Zeichen, die nicht erlaubt sind",
						"en": "The field “" + tt.wantField + "” contains characters that are not allowed"}[lang]
					if !strings.Contains(resp.Body, want) {
						t.Errorf("the answer does not say %q:\n%s", want, resp.Body)
					}
				}
				if after := databaseFingerprint(t, app); after != before {
					t.Error("the refused request changed the database")
				}
				if n := app.LogLines() - logged; n > 0 {
					t.Errorf("the refused request logged %d lines", n)
				}
			})
		}
	}
}
