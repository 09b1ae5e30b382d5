package members_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Accepting an application counts it off the navigation's badge at once,
// without reloading the page, and the focus stays with the application.
func TestBrowserApplicationsBadgeFollowsDecisions(t *testing.T) {
	app := apptest.Start(t)
	for i := range 2 {
		insertPerson(t, app, fmt.Sprintf("Badge Antrag %d", i), fmt.Sprintf("badge-%d-%d@example.org", i, addrSeq.Add(1)), "pending", "ordentlich")
	}
	pending := func() int {
		var n int
		if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM persons WHERE membership_status = 'pending' AND anonymised_at IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "member_management")
	b.Do(t, "open the applications", chromedp.Navigate(app.URL+"/applications"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="accept-open"]`)))
	before := pending()
	if got := apptest.Eval[string](t, b, `document.getElementById('nav-applications-count').textContent.trim()`); got != strconv.Itoa(before) {
		t.Fatalf("the badge says %s, want %d", got, before)
	}
	// Accepting asks first: it mails the welcome and cannot be undone.
	b.Do(t, "open accepting one", chromedp.Click(chromedp.CSS(`[data-testid="accept-open"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="accept"]`)))
	b.Do(t, "accept one", chromedp.Click(chromedp.CSS(`[data-testid="accept"]`)))
	b.WaitTrue(t, "a decision to show", `!!document.querySelector('[data-testid="decision"]')`)
	after := pending()
	if after != before-1 {
		t.Fatalf("%d pending after accepting one of %d", after, before)
	}
	b.WaitTrue(t, "the badge to count one less", fmt.Sprintf(
		`document.getElementById('nav-applications-count').textContent.trim() === %q`, strconv.Itoa(after)))
	// The swapped card keeps the focus for keyboards and screen readers,
	// instead of dropping it on the page as a whole.
	b.WaitTrue(t, "the focus to rest in the decided application", `document.activeElement !== document.body &&
		!!document.activeElement.closest('[data-testid="application"]')`)
	b.NoConsoleErrors(t)
}
