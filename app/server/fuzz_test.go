package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// publicForms are the forms anyone can post without an account.
var publicForms = []string{
	"/register/", "/request_edit", "/request_gdpr_data", "/login/", "/password_reset/",
	"/events/resend_emails/", "/events/fuzz-form/registration/", "/lang",
}

// brokenBody is a body whose client stopped sending: its bytes, then an
// error instead of the rest it announced.
type brokenBody struct{ r io.Reader }

func (b brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

// Whatever a visitor posts to a public form, and however early they hang
// up, the answer is never a server error and nothing is logged. The seed
// corpus (the robustness issue's cases) runs with every `go test`;
// `go test -fuzz FuzzPublicForms ./app/server` searches further.
func FuzzPublicForms(f *testing.F) {
	app := apptest.Start(f)
	insertOpenEvent(f, app, "fuzz-form")
	form := func(path string) uint8 {
		for i, p := range publicForms {
			if p == path {
				return uint8(i)
			}
		}
		f.Fatalf("%s is not a public form", path)
		return 0
	}
	reg := form("/events/fuzz-form/registration/")
	f.Add(reg, "name=Nul%00Byte&email=nul@example.org", false, false)
	f.Add(reg, "name=Bad%ff%fe&email=bad@example.org", false, false)
	f.Add(reg, "name=Ok&email=ok@example.org&comments=a%00b", false, false)
	f.Add(reg, "name=Ok&email=ok@example.org&comments="+strings.Repeat("x", 50000), false, false)
	f.Add(reg, "name=Half", false, true)
	f.Add(reg, "name=Gone&email=gone@example.org", true, false)
	f.Add(form("/register/"), "name=%ff&email=x@example.org&membership_type=ordentlich", false, false)
	f.Add(form("/register/"), "name=Gone&email=gone@example.org&membership_type=ordentlich", true, false)
	f.Add(form("/login/"), "user_or_email=ad%00min&password=x", false, false)
	f.Add(form("/login/"), "user_or_email=admin&password=x", true, false)
	f.Add(form("/password_reset/"), "user_or_email=ad%00min", false, false)
	f.Add(form("/request_edit"), "email=someone@example.org", true, false)
	f.Add(form("/request_edit"), "email=some", false, true)
	f.Add(form("/request_gdpr_data"), "email=%00", false, false)
	f.Add(form("/events/resend_emails/"), "email=someone@example.org", true, false)
	f.Add(form("/lang"), "lang=en&return=/./%5Cevil.example", false, false)
	f.Add(form("/lang"), "lang=%ff", false, false)
	f.Add(form("/login/"), "%zz=%", false, false)
	f.Fuzz(func(t *testing.T, which uint8, body string, hangUp, halfBody bool) {
		path := publicForms[int(which)%len(publicForms)]
		var reader io.Reader = strings.NewReader(body)
		if halfBody {
			reader = brokenBody{reader}
		}
		req := httptest.NewRequest(http.MethodPost, path, reader)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if halfBody {
			req.ContentLength = int64(len(body)) + 100
		}
		if hangUp {
			ctx, cancel := context.WithCancel(req.Context())
			cancel()
			req = req.WithContext(ctx)
		}
		before := app.LogLines()
		rec := httptest.NewRecorder()
		app.Server.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("POST %s %q (hang up %v, half body %v) = %d", path, body, hangUp, halfBody, rec.Code)
		}
		if n := app.LogLines() - before; n > 0 {
			t.Errorf("POST %s %q (hang up %v, half body %v) logged %d lines", path, body, hangUp, halfBody, n)
		}
	})
}
