package auth_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// On a phone: log in through the form, find the admin link in the menu,
// log out again.
func TestBrowserLoginAndLogout(t *testing.T) {
	app := apptest.Start(t)
	u := newUser(t, app, "richtig-geheim", "get_persons")
	b := apptest.NewBrowser(t, 360, 740)
	b.Do(t, "log in",
		chromedp.Navigate(app.URL+"/login/"),
		chromedp.WaitVisible(chromedp.CSS(`#user_or_email`)),
		chromedp.SendKeys(chromedp.CSS(`#user_or_email`), u.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "richtig-geheim"),
		chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="nav-user"]`)),
	)
	// The menu is collapsed on a phone; the admin link is inside.
	b.Do(t, "find the admin link in the menu",
		chromedp.Click(chromedp.CSS(`[data-toggle-nav]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-admin"]`)),
	)
	name, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`[data-testid="nav-user"]`)))
	if err != nil || name != "Test "+u.Username {
		t.Fatalf("navigation shows %q (%v), want %q", name, err, "Test "+u.Username)
	}
	b.Do(t, "log out",
		chromedp.Click(chromedp.CSS(`[data-testid="user-menu"] summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="logout"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="login"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="nav-user"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="nav-admin"]`)),
	)
	b.FitsWidth(t)
	b.NoConsoleErrors(t)
}
