package members_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/members"
)

// A known address costs more work (a token, a queued mail) than an unknown
// one; every answer waits for a common floor so the time tells nothing.
func TestMailingFormsTakeAsLongForUnknownAddresses(t *testing.T) {
	app := apptest.Start(t)
	known := newAddress(t)
	insertPerson(t, app, "Bekannt", known, "confirmed", "ordentlich")
	for _, path := range []string{"/register/", "/request_edit", "/request_gdpr_data"} {
		t.Run(path, func(t *testing.T) {
			for _, email := range []string{known, newAddress(t)} {
				form := url.Values{"email": {email}, "name": {"Zeit Messer"}, "membership_type": {"ordentlich"}}
				began := time.Now()
				resp := app.PostForm(t, app.Client(), path, form)
				took := time.Since(began)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("POST %s = %d", path, resp.StatusCode)
				}
				if took < members.AnswerFloor {
					t.Errorf("the answer for %s came after %v, before the floor of %v", email, took, members.AnswerFloor)
				}
			}
		})
	}
}
