package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The users on a phone: each user a block whose parts say what they are,
// role names whole on their line, nothing to scroll sideways.
func TestBrowserUsersListOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	role := "veranstaltungsorganisation" + unique("r")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	target := app.NewUser(t)
	exec(t, app, `INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, target.ID, role)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			b := apptest.NewBrowser(t, 360, 740)
			b.Login(t, app, "user_admin")
			b.Language(t, app.URL, lang)
			row := fmt.Sprintf("#users-%d", target.ID)
			b.Do(t, "open the users", chromedp.Navigate(app.URL+"/admin/users?q="+target.Username), chromedp.WaitVisible(css(row)))
			settled(t, b)
			b.Screenshot(t, "users-phone-"+lang)
			label := fmt.Sprintf(`Array.from(document.querySelectorAll('%s label')).find(function (l) { return l.textContent.trim() === %q })`, row, role)
			b.WaitTrue(t, "the long role name on one line", `(function () {
				var l = `+label+`;
				return l.getClientRects().length === 1 && l.offsetHeight < 1.6 * parseFloat(getComputedStyle(l).lineHeight);
			})()`)
			heads := apptest.Eval[string](t, b, `Array.from(document.querySelectorAll('`+row+` > td')).map(function (td) {
				return getComputedStyle(td, '::before').content }).join('|')`)
			want := map[string]string{"de": `"Rollen"`, "en": `"Roles"`}[lang]
			if !strings.Contains(heads, want) {
				t.Errorf("the row's cells are headed %s, want one %s", heads, want)
			}
			b.FitsWidth(t)
		})
	}
}
