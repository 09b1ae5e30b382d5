package zzreviewtmp

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

const base = "http://127.0.0.1:8093"

func shot(t *testing.T, b *apptest.Browser, name string) {
	buf, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("shot %s: %v", name, err)
	}
	os.WriteFile("/tmp/shots/"+name+".png", buf, 0o644)
	w, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	t.Logf("%s: scrollWidth %d", name, w)
}

func must(t *testing.T, err error, what string) {
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestWalk(t *testing.T) {
	pw := os.Getenv("PW")
	if pw == "" {
		pw = "admin-demo-passwort"
	}
	b := apptest.NewBrowser(t, 360, 740)
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/login/"), chromedp.WaitVisible(chromedp.CSS(`#user_or_email`))), "nav login")
	shot(t, b, "01-login")
	must(t, chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#user_or_email`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "wrong-password"),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-failed"]`))), "wrong login")
	shot(t, b, "02-login-failed")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/login/"), chromedp.WaitVisible(chromedp.CSS(`#user_or_email`)),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="password-error"]`))), "empty login")
	shot(t, b, "03-login-empty")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/login/"), chromedp.WaitVisible(chromedp.CSS(`#user_or_email`)),
		chromedp.SendKeys(chromedp.CSS(`#user_or_email`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="nav-user"]`))), "login")
	shot(t, b, "04-home-loggedin")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/admin/mail"), chromedp.WaitReady(chromedp.CSS(`[data-testid="mail-admin"]`))), "admin mail")
	shot(t, b, "05-admin-mail")
	must(t, chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`[data-toggle-nav]`)), chromedp.Sleep(300*time.Millisecond)), "menu")
	shot(t, b, "06-menu")
	must(t, chromedp.Do(b.Ctx,
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="login"]`))), "logout")
	shot(t, b, "07-after-logout")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/password_reset/"), chromedp.WaitVisible(chromedp.CSS(`#user_or_email`))), "reset")
	shot(t, b, "08-reset")
	must(t, chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#user_or_email`), "admin@example.org"),
		chromedp.Click(chromedp.CSS(`[data-testid="reset-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reset-sent"]`))), "reset submit")
	shot(t, b, "09-reset-sent")
	time.Sleep(6 * time.Second)
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/dev/mail"), chromedp.WaitReady(chromedp.CSS(`[data-testid="dev-mailbox"]`))), "devmail")
	shot(t, b, "10-devmail")
	html, err := chromedp.Run(b.Ctx, chromedp.OuterHTML(chromedp.CSS(`[data-testid="dev-mail"]`)))
	must(t, err, "first mail")
	link := regexp.MustCompile(`href="(http[^"]*password_reset/[^"]+)"`).FindStringSubmatch(html)
	if link == nil {
		t.Fatalf("no link in %s", html)
	}
	must(t, chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`[data-testid="dev-mail"] a[href*="password_reset"]`)), chromedp.WaitVisible(chromedp.CSS(`#new_password`))), "follow")
	shot(t, b, "11-newpw")
	must(t, chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#new_password`), "kurz"),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), "kurz"),
		chromedp.Click(chromedp.CSS(`[data-testid="newpw-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new_password-error"]`))), "short")
	shot(t, b, "12-newpw-short")
	newpw := "ein-neues-passwort-" + strings.ReplaceAll(time.Now().Format("150405"), ":", "")
	os.WriteFile("/tmp/shots/newpw.txt", []byte(newpw), 0o644)
	must(t, chromedp.Do(b.Ctx,
		chromedp.SendKeys(chromedp.CSS(`#new_password`), newpw),
		chromedp.SendKeys(chromedp.CSS(`#confirm`), newpw),
		chromedp.Click(chromedp.CSS(`[data-testid="newpw-submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="nav-user"]`))), "set")
	shot(t, b, "13-after-set")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(link[1]), chromedp.WaitReady(chromedp.CSS(`[data-testid="new-link"]`))), "used link")
	shot(t, b, "14-used-link")
	must(t, chromedp.Do(b.Ctx, chromedp.Click(chromedp.CSS(`[data-toggle-nav]`)), chromedp.Sleep(300*time.Millisecond),
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="login"]`))), "logout2")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/login/"), chromedp.WaitVisible(chromedp.CSS(`#user_or_email`)),
		chromedp.SendKeys(chromedp.CSS(`#user_or_email`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`#password`), newpw),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="nav-user"]`))), "login new")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/dev/mail"), chromedp.WaitReady(chromedp.CSS(`[data-testid="dev-mailbox"]`))), "devmail2")
	shot(t, b, "15-devmail-2")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/admin/mail?status=captured"), chromedp.WaitReady(chromedp.CSS(`[data-testid="mail-admin"]`))), "admin mail2")
	shot(t, b, "16-admin-mail-captured")
	must(t, chromedp.Do(b.Ctx, chromedp.Navigate(base+"/password_reset/xyz"), chromedp.WaitReady(chromedp.CSS(`[data-testid="new-link"]`))), "bad link")
	shot(t, b, "17-bad-link")
	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
