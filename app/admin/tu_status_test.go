package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A university relation has a German and an optional English name; the
// persons list, its filter and the relation's editor show the reader's,
// and a relation without an English name reads the German.
func TestUniversityRelationsInTheReadersLanguage(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("tuen")
	id := scalar[int64](t, app, `INSERT INTO tu_status (name, name_en, position) VALUES ($1, $2, 1001) RETURNING id`,
		"Gasthörerin "+tag, "Guest student "+tag)
	p := newPerson(t, app, "Rel "+tag, tag+"@example.org")
	exec(t, app, `UPDATE persons SET tu_status_id = $2 WHERE id = $1`, p, id)

	rows := func(lang string) string {
		resp := app.Get(t, c, "/admin/persons?q="+tag, "Accept-Language", lang)
		wantStatus(t, resp, http.StatusOK)
		return resp.Body
	}
	// What typing in the search box fetches: the list's fragment.
	fragment := func(lang string) string {
		resp := app.Get(t, c, "/admin/persons?q="+tag, "Accept-Language", lang, "HX-Request", "true")
		wantStatus(t, resp, http.StatusOK)
		return resp.Body
	}
	for _, read := range []func(string) string{rows, fragment} {
		if body := read("en"); !strings.Contains(body, ">Guest student "+tag+"<") || strings.Contains(body, "Gasthörerin "+tag) {
			t.Error("the English persons list does not name the relation in English")
		}
		if body := read("de"); !strings.Contains(body, ">Gasthörerin "+tag+"<") || strings.Contains(body, "Guest student "+tag) {
			t.Error("the German persons list does not name the relation in German")
		}
	}
	if body := rows("en"); !strings.Contains(body, "Student</option>") || strings.Contains(body, "Studentin/Student</option>") {
		t.Error("the English filter does not offer the migration's relations in English")
	}

	// The English name is edited in place; emptied, the German shows.
	field := fmt.Sprintf("/admin/tu_status/%d/fields/name_en", id)
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"  "}, "version": {"1"}}, htmx...), http.StatusOK)
	if scalar[bool](t, app, `SELECT name_en IS NOT NULL FROM tu_status WHERE id = $1`, id) {
		t.Fatal("an emptied English name is stored")
	}
	if body := rows("en"); !strings.Contains(body, ">Gasthörerin "+tag+"<") {
		t.Error("without an English name the English list does not show the German")
	}
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"Auditor\nBcc: x"}, "version": {"2"}}, htmx...), http.StatusUnprocessableEntity)
	wantStatus(t, post(t, app, c, field, url.Values{"value": {"Auditor " + tag}, "version": {"2"}}, htmx...), http.StatusOK)
	if got := scalar[string](t, app, `SELECT name_en FROM tu_status WHERE id = $1`, id); got != "Auditor "+tag {
		t.Fatalf("stored English name %q", got)
	}
	wantBody(t, app.Get(t, c, "/admin/tu_status?q=Auditor+"+tag, "Accept-Language", "en"), "Auditor "+tag, "Name (English)")
}

// An association that keeps no university relations sees none: the
// persons list has no such column or filter, nor the search's fragment,
// and the person form does not ask. The first relation brings them back.
func TestNoUniversityRelationsNoColumn(t *testing.T) {
	app := apptest.Start(t, apptest.FreshDatabase(t, "norelations"))
	exec(t, app, `DELETE FROM tu_status`)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("norel")
	p := newPerson(t, app, "Chor "+tag, tag+"@example.org")
	pages := map[string]string{
		"list":     "/admin/persons",
		"fragment": "/admin/persons?q=" + tag,
		"new":      "/admin/persons/new",
		"detail":   fmt.Sprintf("/admin/persons/%d", p),
	}
	read := func(page string) string {
		var resp apptest.Response
		if page == "fragment" {
			resp = app.Get(t, c, pages[page], "HX-Request", "true")
		} else {
			resp = app.Get(t, c, pages[page])
		}
		wantStatus(t, resp, http.StatusOK)
		return resp.Body
	}
	for page := range pages {
		body := read(page)
		if strings.Contains(body, `name="tu_status"`) || strings.Contains(body, "Bezug zur Uni") {
			t.Errorf("%s asks for or shows a university relation the association does not keep", page)
		}
		if !strings.Contains(body, "Chor "+tag) && page != "new" && page != "list" {
			t.Errorf("%s does not show the person", page)
		}
	}
	if body := read("list"); !strings.Contains(body, ">Chor "+tag+"<") {
		t.Error("the list does not show the person")
	}

	// The search's fragment first, which remembers there were none.
	_ = read("fragment")
	admin, _ := app.ClientWith(t, "person_admin")
	wantStatus(t, post(t, app, admin, "/admin/tu_status/new", url.Values{"name": {"Alumni"}, "position": {"1"}}), http.StatusSeeOther)
	for _, page := range []string{"fragment", "list", "new", "detail"} {
		if body := read(page); !strings.Contains(body, "Bezug zur Uni") {
			t.Errorf("%s does not show the relation once there is one", page)
		}
	}
}
