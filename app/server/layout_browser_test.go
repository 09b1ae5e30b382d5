package server_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// setLanguage gives the browser the language switcher's cookie.
func setLanguage(t *testing.T, app *apptest.App, b *apptest.Browser, lang string) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: app.URL}); err != nil {
		t.Fatal(err)
	}
}

// The staff's navigation fits one line from 1200 px up in both languages,
// with every staff link and the user menu; the user menu holds the logout.
func TestBrowserNavigationFitsOneLineForStaff(t *testing.T) {
	app := apptest.Start(t, apptest.Env("DEV", "true"))
	for _, lang := range []string{"de", "en"} {
		for _, width := range []int{1200, 1280} {
			t.Run(fmt.Sprintf("%s/%d", lang, width), func(t *testing.T) {
				b := apptest.NewBrowser(t, width, 900)
				setLanguage(t, app, b, lang)
				b.Login(t, app, app.Server.Registry.Levels()...)
				b.Do(t, "open the home page", chromedp.Navigate(app.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="nav-admin"]`)))
				b.Screenshot(t, "nav-"+lang+"-"+fmt.Sprint(width))
				tops := apptest.Eval[int](t, b, `new Set([...document.querySelectorAll('#navmenu .nav-link, [data-testid="user-menu"] summary')]
					.map(e => Math.round(e.getBoundingClientRect().top / 10))).size`)
				if tops != 1 {
					t.Errorf("the navigation's links sit on %d lines, want 1", tops)
				}
				if h := apptest.Eval[int](t, b, `document.querySelector('[data-testid="nav"]').getBoundingClientRect().height`); h > 64 {
					t.Errorf("the navigation bar is %d px high: it wrapped", h)
				}
				b.Do(t, "open the user menu", chromedp.Click(chromedp.CSS(`[data-testid="user-menu"] summary`)),
					chromedp.WaitVisible(chromedp.CSS(`[data-testid="logout"]`)))
				b.FitsWidth(t)
				b.NoConsoleErrors(t)
			})
		}
	}
}

// A keyboard user can skip the navigation, the staff login is not called
// like the events' registration, and toasts close with a translated
// button and never cover the navigation.
func TestBrowserSkipLinkLoginLabelAndToasts(t *testing.T) {
	app := apptest.Start(t)
	for _, tt := range []struct{ lang, login, close string }{
		{"de", "Login für das Team", "Meldung schließen"},
		{"en", "Staff login", "Close message"},
	} {
		for _, width := range []int{360, 1280} {
			t.Run(fmt.Sprintf("%s/%d", tt.lang, width), func(t *testing.T) {
				b := apptest.NewBrowser(t, width, 740)
				setLanguage(t, app, b, tt.lang)
				b.Do(t, "open the events", chromedp.Navigate(app.URL+"/events/"), chromedp.WaitVisible(chromedp.CSS(`main`)))
				if got := apptest.Eval[string](t, b, `document.querySelector('[data-testid="login"]').textContent.trim()`); got != tt.login {
					t.Errorf("the login is called %q, want %q", got, tt.login)
				}
				b.Do(t, "tab to the skip link", chromedp.KeyEvent("\t"))
				if got := apptest.Eval[string](t, b, `document.activeElement.dataset.testid || ""`); got != "skip-link" {
					t.Fatalf("the first Tab reaches %q, want the skip link", got)
				}
				b.Do(t, "follow it", chromedp.KeyEvent("\r"))
				b.WaitTrue(t, "the focus to be on the content", `document.activeElement && document.activeElement.id === "main"`)

				b.Do(t, "show a toast", chromedp.Evaluate[chromedp.Void](`window.memberdb.showToast("info", "Gespeichert.")`))
				if got := apptest.Eval[string](t, b, `document.querySelector('#toasts .toast [data-dismiss-toast]').getAttribute('aria-label')`); got != tt.close {
					t.Errorf("the toast's close button is labelled %q, want %q", got, tt.close)
				}
				if width < 768 {
					b.Do(t, "open the phone menu", chromedp.Click(chromedp.CSS(`[data-toggle-nav]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="login"]`)))
					b.Do(t, "show another toast", chromedp.Evaluate[chromedp.Void](`window.memberdb.showToast("info", "Noch eine.")`))
				}
				covered := apptest.Eval[bool](t, b, `(() => {
					const nav = document.querySelector('[data-testid="nav"]').getBoundingClientRect();
					return [...document.querySelectorAll('#toasts .toast')].some(t => t.getBoundingClientRect().top < nav.bottom - 1);
				})()`)
				if covered {
					t.Error("a toast covers the navigation")
				}
				b.Screenshot(t, "toast-"+tt.lang+"-"+fmt.Sprint(width))
				b.NoConsoleErrors(t)
			})
		}
	}
}

// Sorting a list swaps it; the focus stays in the list rather than falling
// back to the page as a whole.
func TestBrowserFocusStaysAfterSorting(t *testing.T) {
	app := apptest.Start(t)
	b := apptest.NewBrowser(t, 1280, 900)
	b.Login(t, app, "person_admin")
	b.Do(t, "open the persons", chromedp.Navigate(app.URL+"/admin/persons"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sort-name"]`)))
	b.Do(t, "sort by name", chromedp.Click(chromedp.CSS(`[data-testid="sort-name"]`)))
	b.WaitTrue(t, "the list to be sorted by name", `location.search.includes('sort=name')`)
	b.WaitTrue(t, "the focus to stay in the list", `document.activeElement !== document.body && !!document.activeElement.closest('#persons-list, [data-testid="list"]')`)
	b.NoConsoleErrors(t)
}
