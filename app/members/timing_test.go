package members_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/web"
)

// A known address costs more work (a token, a queued mail) than an unknown
// one; every answer waits for a common floor so the time tells nothing.
func TestMailingFormsTakeAsLongForUnknownAddresses(t *testing.T) {
	app := apptest.Start(t)
	for _, path := range []string{"/register/", "/request_edit", "/request_gdpr_data"} {
		t.Run(path, func(t *testing.T) {
			send := func(email string) {
				form := url.Values{"email": {email}, "name": {"Zeit Messer"}, "membership_type": {"ordentlich"}}
				if resp := app.PostForm(t, app.Client(), path, form); resp.StatusCode != http.StatusOK {
					t.Fatalf("POST %s = %d", path, resp.StatusCode)
				}
			}
			known := make([]string, 5)
			for i := range known {
				known[i] = newAddress(t)
				insertPerson(t, app, "Bekannt", known[i], "confirmed", "ordentlich")
			}
			apptest.AnswerAlike(t, web.AnswerFloor, 40*time.Millisecond, len(known),
				func(i int) { send(known[i]) },
				func(int) { send(newAddress(t)) })
		})
	}
}
