package admin_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestZZShots(t *testing.T) {
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerakademie 2031", intp(20))
	p := newPerson(t, app, "Maria Muster", "maria@example.org")
	newRegistration(t, app, ev, p, "confirmed")
	b := apptest.NewBrowser(t, 360, 740)
	do(t, b, "lang", chromedp.Navigate(app.URL+"/"))
	loginBrowser(t, app, b, "person_admin", "event_admin", "event_registration_admin", "user_admin", "role_admin", "access_level_admin", "audit_admin", "mail_admin")
	for _, path := range []string{"/admin/", fmt.Sprintf("/admin/persons/%d", p), fmt.Sprintf("/admin/persons/%d/delete", p), "/admin/users", "/admin/audit"} {
		do(t, b, path, chromedp.Navigate(app.URL+path), chromedp.WaitReady(css("body")))
		buf, _ := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
		os.WriteFile(fmt.Sprintf("/tmp/adminshots/%s.png", sanitize(path)), buf, 0o644)
	}
}

func sanitize(p string) string {
	out := []byte{}
	for _, c := range []byte(p) {
		if c == '/' {
			c = '_'
		}
		out = append(out, c)
	}
	return string(out)
}
