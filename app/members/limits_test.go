package members_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The forms say how long a name and an address may be, and the server
// refuses longer ones next to the field, storing nothing.
func TestApplicationLimitsNameAndAddress(t *testing.T) {
	app := apptest.Start(t)
	for path, wants := range map[string][]string{
		"/register/":    {`name="name"[^>]*maxlength="200"`, `name="email"[^>]*maxlength="254"`},
		"/request_edit": {`name="email"[^>]*maxlength="254"`},
	} {
		page := app.Get(t, app.Client(), path)
		for _, want := range wants {
			if !regexp.MustCompile(`<input[^>]*` + want).MatchString(page.Body) {
				t.Errorf("%s has no input matching %s", path, want)
			}
		}
	}

	local := strings.TrimSuffix(newAddress(t), "@example.org")
	longAddress := local + strings.Repeat("x", 64-len(local)) + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("e", 63) + "." + strings.Repeat("f", 58) + ".org"
	// wantValue is the refused field as the form shows it again: cut to
	// its limit, as the whole would travel back.
	tests := []struct {
		name, person, email, lang string
		wantField, wantText       string
		wantValue                 string
	}{
		{"long name", strings.Repeat("N", 201), newAddress(t), "de", "name-error", "Der Name darf höchstens 200 Zeichen lang sein.",
			`name="name" value="` + strings.Repeat("N", 200) + `"`},
		{"almost a megabyte of name", strings.Repeat("N", 1<<20-1000), newAddress(t), "de", "name-error", "Der Name darf höchstens 200 Zeichen lang sein.",
			`name="name" value="` + strings.Repeat("N", 200) + `"`},
		{"a name in letters of two bytes", strings.Repeat("Ü", 201), newAddress(t), "de", "name-error", "Der Name darf höchstens 200 Zeichen lang sein.",
			`name="name" value="` + strings.Repeat("Ü", 200) + `"`},
		{"long address", "Erika", longAddress, "de", "email-error", "Die E-Mail-Adresse darf höchstens 254 Zeichen lang sein.",
			`name="email" value="` + longAddress[:254] + `"`},
		{"long address in English", "Erika", longAddress, "en", "email-error", "The email address may be at most 254 characters long.",
			`name="email" value="` + longAddress[:254] + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.PostForm(t, app.Client(), "/register/",
				url.Values{"name": {tt.person}, "email": {tt.email}, "membership_type": {"ordentlich"}}, "Accept-Language", tt.lang)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			mustContain(t, "the form", resp.Body, `data-testid="`+tt.wantField+`">`+tt.wantText+`</div>`, tt.wantValue)
			if len(resp.Body) > 100_000 {
				t.Errorf("the refusal is %d bytes long", len(resp.Body))
			}
			var persons, mails int
			_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM persons WHERE lower(email) = lower($1)`, tt.email).Scan(&persons)
			_ = app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE lower($1) = ANY (SELECT lower(unnest(to_addrs)))`, tt.email).Scan(&mails)
			if persons+mails != 0 {
				t.Errorf("a refused application stored %d persons and queued %d mails", persons, mails)
			}
		})
	}
}
