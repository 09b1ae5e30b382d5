package admin_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

func shot(t *testing.T, b *apptest.Browser, name string) {
	buf, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("/tmp/adminshots/"+name+".png", buf, 0o644)
}

func TestZZShots(t *testing.T) {
	if os.Getenv("SHOTS") == "" {
		t.Skip()
	}
	app := apptest.Start(t)
	ev := newEvent(t, app, "Sommerakademie 2031", intp(20))
	exec(t, app, `UPDATE events SET description = '<p>Eine Woche <b>Physik</b> mit $E=mc^2$.</p>', registration_schema = '{"type":"object","required":["size"],"properties":{"size":{"type":"string","enum":["S","M","L"],"label":"T-Shirt-Größe"},"talk":{"type":"string","format":"latex","label":"Vortragstitel $\\LaTeX$"}}}' WHERE id = $1`, ev)
	for i := 0; i < 8; i++ {
		p := newPerson(t, app, fmt.Sprintf("Person Nummer %d Müller", i), fmt.Sprintf("p%d@example.org", i))
		newRegistration(t, app, ev, p, []string{"confirmed", "pending", "waitinglist"}[i%3])
	}
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		b := apptest.NewBrowser(t, size[0], size[1])
		loginBrowser(t, app, b, "person_admin", "event_admin", "event_registration_admin", "user_admin", "role_admin", "access_level_admin", "audit_admin", "mail_admin")
		for _, p := range []string{"/admin/", "/admin/persons", "/admin/persons/1", "/admin/events", fmt.Sprintf("/admin/events/%d", ev), "/admin/registrations", "/admin/users", "/admin/roles", "/admin/access_levels", "/admin/audit", "/admin/persons/1/delete"} {
			do(t, b, p, chromedp.Navigate(app.URL+p), chromedp.WaitReady(css("body")))
			shot(t, b, fmt.Sprintf("%d%s", size[0], sanitize(p)))
		}
		do(t, b, "edit", chromedp.Navigate(app.URL+"/admin/registrations"), chromedp.WaitVisible(css(`td[data-field="status"]`)), chromedp.Click(css(`td[data-field="status"]`)), chromedp.WaitVisible(css(`select[name="value"]`)))
		shot(t, b, fmt.Sprintf("%d-edit-status", size[0]))
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
