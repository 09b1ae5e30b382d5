package members_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

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
			b.Login(t, app, "member_management", "person_admin")
			for _, p := range pages {
				b.Do(t, "open "+p.path, chromedp.Navigate(app.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
				// The page's scripts have run (KaTeX would have typeset by
				// then) once the names show as text.
				b.WaitTrue(t, p.path+" shows the names as typed", fmt.Sprintf(
					`document.readyState === 'complete' && !!window.memberdb && %s.every(function (n) { return document.body.textContent.includes(n) })`,
					jsStrings(payloads)))
				b.Screenshot(t, fmt.Sprintf("%s-%dx%d", strings.Trim(strings.Split(p.path, "?")[0], "/"), size[0], size[1]))
				if n := apptest.Eval[int](t, b, `document.querySelectorAll('.katex').length`); n > 0 {
					t.Errorf("%s: KaTeX typeset %d formulas from applicants' names", p.path, n)
				}
				b.FitsWidth(t)
			}
			b.NoConsoleErrors(t)
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
