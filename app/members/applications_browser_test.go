package members_test

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Anyone can apply under any name. Names written as TeX once made KaTeX
// draw a black box thousands of pixels wide over the board's pages, or
// pull and lift text over the other applications; they are shown as typed.
func TestBrowserApplicantNamesAreNotTypeset(t *testing.T) {
	app := apptest.Start(t)
	mark := strings.ToLower(strings.ReplaceAll(t.Name(), "Test", ""))
	payloads := []string{
		`$\rule{3000px}{3000px}$`,
		`$\kern-2000px \text{DRÜBERGESCHOBEN}$`,
		`$\raisebox{3000px}{HOCHGEHOBEN}$`,
	}
	for i, name := range payloads {
		insertPerson(t, app, name, fmt.Sprintf("%s-%d-%d@example.org", mark, i, addrSeq.Add(1)), "pending", "ordentlich")
	}
	pages := []struct{ path, ready string }{
		{"/applications", `[data-testid="applications"]`},
		{"/admin/persons?q=" + url.QueryEscape(mark), `[data-testid="list"]`},
	}
	for _, size := range [][2]int{{360, 740}, {1280, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			b := apptest.NewBrowser(t, size[0], size[1])
			loginBrowser(t, app, b, "member_management", "person_admin")
			for _, p := range pages {
				if err := chromedp.Do(b.Ctx,
					chromedp.Navigate(app.URL+p.path),
					chromedp.WaitVisible(chromedp.CSS(p.ready)),
				); err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				// The page's scripts have run (KaTeX would have typeset by
				// then) once the names show as text.
				waitTrue(t, b, p.path+" shows the names as typed", fmt.Sprintf(
					`document.readyState === 'complete' && !!window.memberdb && %s.every(function (n) { return document.body.textContent.includes(n) })`,
					jsStrings(payloads)))
				shoot(t, b, fmt.Sprintf("%s-%dx%d", strings.Trim(strings.Split(p.path, "?")[0], "/"), size[0], size[1]))
				if n := evalJS[int](t, b, `document.querySelectorAll('.katex').length`); n > 0 {
					t.Errorf("%s: KaTeX typeset %d formulas from applicants' names", p.path, n)
				}
				if width := evalJS[int](t, b, `document.documentElement.scrollWidth`); width > size[0] {
					t.Errorf("%s is %d px wide in a %d px window", p.path, width, size[0])
				}
			}
			if errs := b.Errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
}

func jsStrings(ss []string) string {
	quoted := make([]string, len(ss))
	for i, s := range ss {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// loginBrowser gives the browser the session of a fresh user holding levels.
func loginBrowser(t *testing.T, app *apptest.App, b *apptest.Browser, levels ...string) {
	t.Helper()
	c, _ := app.ClientWith(t, levels...)
	base, _ := url.Parse(app.URL)
	for _, ck := range c.Jar.Cookies(base) {
		if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: app.URL}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitTrue waits until expr is true in the page, failing after a deadline.
func waitTrue(t *testing.T, b *apptest.Browser, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evalJS[T any](t *testing.T, b *apptest.Browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// shoot saves a screenshot when MEMBERDB_SCREENSHOTS names a directory.
func shoot(t *testing.T, b *apptest.Browser, name string) {
	dir := os.Getenv("MEMBERDB_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "-")+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}
