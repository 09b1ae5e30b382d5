package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/auth"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Every access level the code declares says, in both languages, which
// area it belongs to and what it allows.
func TestEveryDeclaredLevelIsExplained(t *testing.T) {
	app := apptest.Start(t)
	rows, err := app.Pool.Query(t.Context(), `SELECT name FROM access_levels WHERE in_use ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var levels []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		levels = append(levels, l)
	}
	if len(levels) < 10 {
		t.Fatalf("only %d levels in use: %v", len(levels), levels)
	}
	for _, l := range levels {
		area := auth.AreaOf(auth.Level(l))
		if area == "" {
			t.Errorf("%s: no area declared (auth.Describe beside the level)", l)
			continue
		}
		for _, lang := range []i18n.Lang{i18n.DE, i18n.EN} {
			for _, key := range []string{"admin.level." + l, "admin.area." + area} {
				if _, ok := i18n.Keys(lang)[key]; !ok {
					t.Errorf("%s: %s has no text %q", l, lang, key)
				}
			}
		}
	}
}

func TestAccessLevelsAreDescribedAndGrouped(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "access_level_admin", "role_admin")
	role := unique("described_role_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)

	resp := app.Get(t, c, "/admin/access_levels?size=200")
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "Bereich", "Mitglieder über die JSON-API lesen.", "Mails an die Teilnehmenden einer Veranstaltung schreiben.")

	resp = app.Get(t, c, "/admin/roles/"+role)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, `data-testid="choices-group"`, ">Veranstaltungen<", ">Mitglieder und Personen<", "Das Änderungsprotokoll lesen.")
	// Grouped by area: the events' levels come before the members'.
	if i, j := strings.Index(resp.Body, "write_email"), strings.Index(resp.Body, "get_members"); i < 0 || j < 0 || i > j {
		t.Errorf("write_email at %d, get_members at %d: not grouped by area", i, j)
	}

	resp = app.Get(t, c, "/admin/roles?q="+role)
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "table-sticky-first", `data-testid="column-group"`, `title="Rollen anlegen und ihnen Zugriffsstufen geben."`)
}

// On a phone the role matrix scrolls sideways inside its box while the
// role names stay in view.
func TestBrowserRoleMatrixKeepsRolesInViewOnAPhone(t *testing.T) {
	app := apptest.Start(t)
	role := unique("sticky_role_")
	exec(t, app, `INSERT INTO roles (name) VALUES ($1)`, role)
	b := apptest.NewBrowser(t, 360, 740)
	b.Login(t, app, "role_admin")
	german(t, b, app)
	first := fmt.Sprintf(`document.querySelector('#roles-%x td')`, role)

	b.Do(t, "open the matrix", chromedp.Navigate(app.URL+"/admin/roles?q="+role), chromedp.WaitVisible(css(`#roles-list table`)))
	settled(t, b)
	b.FitsWidth(t)
	b.Do(t, "scroll the matrix sideways", chromedp.Evaluate[chromedp.Void](`document.querySelector('#roles-list .table-responsive').scrollLeft = 600`))
	b.WaitTrue(t, "the role's name stays at the left edge", `document.querySelector('#roles-list .table-responsive').scrollLeft > 100 &&
		Math.abs(`+first+`.getBoundingClientRect().left - document.querySelector('#roles-list .table-responsive').getBoundingClientRect().left) < 2`)
	b.Screenshot(t, "roles-matrix-scrolled-de-360")
	b.NoConsoleErrors(t)
}
