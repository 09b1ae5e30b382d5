package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// typeForm is a complete, valid membership type form.
func typeForm(key string, version int) url.Values {
	v := url.Values{"key": {key}, "name_de": {"Fördermitglied"}, "name_en": {"supporting member"},
		"description_de": {"Unterstützt den Verein."}, "description_en": {"Supports the association."},
		"position": {"30"}, "public": {"true"}}
	if version > 0 {
		v.Set("version", fmt.Sprint(version))
	}
	return v
}

func TestMembershipTypesCreateAndValidate(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	key := unique("foerder")

	t.Run("the index links the page", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, `href="/admin/membership-types"`, "Mitgliedsarten")
	})
	t.Run("PeP's two types are seeded", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/membership-types", "Accept-Language", "en")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "ordentlich", "ausserordentlich", "regular member", "außerordentliches Mitglied")
	})
	for _, tt := range []struct{ name, lang, key, want string }{
		{"a key with capitals", "de", "Foerder", "nur Kleinbuchstaben"},
		{"a key with a space, in English", "en", "foerder mitglied", "only lowercase letters"},
		{"a key of one letter", "de", "f", "nur Kleinbuchstaben"},
		{"a key with a NUL byte", "de", "foerder\x00", ""},
	} {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			marker := unique("Refused ")
			form := typeForm(tt.key, 0)
			form.Set("name_de", marker)
			resp := post(t, app, c, "/admin/membership-types/new", form, "Accept-Language", tt.lang)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Fatalf("status %d, want a 4xx", resp.StatusCode)
			}
			if tt.want != "" {
				wantStatus(t, resp, http.StatusUnprocessableEntity)
				wantBody(t, resp, `data-testid="error-key"`, tt.want)
			}
			if n := scalar[int](t, app, `SELECT count(*) FROM membership_types WHERE name_de = $1`, marker); n != 0 {
				t.Fatal("a refused form created a type")
			}
		})
	}
	t.Run("refused: a huge name and invalid UTF-8", func(t *testing.T) {
		for field, value := range map[string]string{"name_de": strings.Repeat("Ä", 5000), "description_en": "bad \xff byte"} {
			form := typeForm(unique("huge"), 0)
			form.Set(field, value)
			resp := post(t, app, c, "/admin/membership-types/new", form)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("%s: status %d, want a 4xx", field, resp.StatusCode)
			}
			if n := scalar[int](t, app, `SELECT count(*) FROM membership_types WHERE key = $1`, form.Get("key")); n != 0 {
				t.Errorf("%s: a refused form created a type", field)
			}
		}
	})
	t.Run("a valid type is created and audited", func(t *testing.T) {
		resp := post(t, app, c, "/admin/membership-types/new", typeForm(key, 0))
		wantStatus(t, resp, http.StatusSeeOther)
		got := scalar[string](t, app, `SELECT concat_ws('|', name_de, name_en, description_en, position, public, hidden)
			FROM membership_types WHERE key = $1`, key)
		if got != "Fördermitglied|supporting member|Supports the association.|30|t|f" {
			t.Errorf("stored %q", got)
		}
		id := scalar[int64](t, app, `SELECT id FROM membership_types WHERE key = $1`, key)
		if auditEntries(t, app, "membership-types", fmt.Sprint(id), "") != 1 {
			t.Error("the creation is not in the audit log")
		}
	})
	t.Run("a key in use by another type is refused", func(t *testing.T) {
		resp := post(t, app, c, "/admin/membership-types/new", typeForm("ordentlich", 0))
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, "schon vergeben")
	})
	t.Run("an unused type's key may change", func(t *testing.T) {
		id := scalar[int64](t, app, `SELECT id FROM membership_types WHERE key = $1`, key)
		resp := post(t, app, c, fmt.Sprintf("/admin/membership-types/%d", id), typeForm(key+"_neu", 1))
		wantStatus(t, resp, http.StatusSeeOther)
		if n := scalar[int](t, app, `SELECT count(*) FROM membership_types WHERE key = $1`, key+"_neu"); n != 1 {
			t.Fatal("the key did not change")
		}
	})
}

// A type in use keeps its key and cannot be deleted; the delete page says
// why and points to hiding it. An unused one goes.
func TestMembershipTypeInUseIsKept(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	key := unique("used")
	id := scalar[int64](t, app, `INSERT INTO membership_types (key, name_de, name_en) VALUES ($1, 'Benutzt', 'Used') RETURNING id`, key)
	person := newPerson(t, app, "Typ Person", unique("typ")+"@example.org")
	exec(t, app, `UPDATE persons SET membership_type = $2 WHERE id = $1`, person, key)
	path := fmt.Sprintf("/admin/membership-types/%d", id)

	for lang, want := range map[string]string{"de": "1 Person", "en": "1 person"} {
		confirm := app.Get(t, c, path+"/delete", "Accept-Language", lang)
		wantStatus(t, confirm, http.StatusOK)
		wantBody(t, confirm, `data-testid="blocked"`, want)
		// No "cannot be undone" beside the reason it cannot be done.
		notBody(t, confirm, `data-testid="confirm"`, `data-testid="delete-what"`)
	}
	resp := post(t, app, c, path+"/delete", nil)
	if resp.StatusCode != http.StatusConflict && resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("delete of a used type = %d, want 409 or 422", resp.StatusCode)
	}
	wantBody(t, resp, `data-testid="blocked"`, "Blende sie stattdessen aus")
	if n := scalar[int](t, app, `SELECT count(*) FROM membership_types WHERE id = $1`, id); n != 1 {
		t.Fatal("a used type was deleted")
	}

	t.Run("its key stays", func(t *testing.T) {
		// The page shows the key as fixed, and says why, in both languages.
		for lang, why := range map[string]string{"de": "bleibt ihr Schlüssel", "en": "its key stays"} {
			page := app.Get(t, c, path, "Accept-Language", lang)
			wantStatus(t, page, http.StatusOK)
			wantBody(t, page, `name="key" value="`+key+`" required readonly`, why)
		}
		form := typeForm(key+"_x", 1)
		resp := post(t, app, c, path, form)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		wantBody(t, resp, `data-testid="error-key"`, "bleibt, wie er ist")
		if got := scalar[string](t, app, `SELECT key FROM membership_types WHERE id = $1`, id); got != key {
			t.Fatalf("key changed to %q", got)
		}
	})
	t.Run("a fee schedule line keeps it too", func(t *testing.T) {
		exec(t, app, `UPDATE persons SET membership_type = NULL WHERE id = $1`, person)
		exec(t, app, `INSERT INTO fee_rates (category, cents, valid_from) VALUES ($1, 3000, '2025-01-01')`, key)
		confirm := app.Get(t, c, path+"/delete")
		wantBody(t, confirm, `data-testid="blocked"`, "1 Zeile der Beitragsordnung")
		resp := post(t, app, c, path+"/delete", nil)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		exec(t, app, `DELETE FROM fee_rates WHERE category = $1`, key)
	})
	t.Run("it can be hidden, and once unused deleted", func(t *testing.T) {
		form := typeForm(key, 1)
		form.Set("hidden", "true")
		wantStatus(t, post(t, app, c, path, form), http.StatusSeeOther)
		// Unused, its key may be changed again.
		page := app.Get(t, c, path)
		wantBody(t, page, `name="key" value="`+key+`" required`)
		notBody(t, page, `readonly`)
		if !scalar[bool](t, app, `SELECT hidden FROM membership_types WHERE id = $1`, id) {
			t.Fatal("not hidden")
		}
		wantStatus(t, post(t, app, c, path+"/delete", nil), http.StatusSeeOther)
		if n := scalar[int](t, app, `SELECT count(*) FROM membership_types WHERE id = $1`, id); n != 0 {
			t.Fatal("an unused type was not deleted")
		}
	})
}

// A hidden type is offered to nobody new in the persons' console, but a
// person who has it keeps it, shown by its name.
func TestHiddenMembershipTypeInThePersonsConsole(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	key := unique("alt")
	exec(t, app, `INSERT INTO membership_types (key, name_de, name_en, hidden) VALUES ($1, 'Altmitglied', 'old member', true)`, key)
	holder := newPerson(t, app, "Alt Person", unique("alt")+"@example.org")
	exec(t, app, `UPDATE persons SET membership_type = $2 WHERE id = $1`, holder, key)
	other := newPerson(t, app, "Neu Person", unique("neu")+"@example.org")

	resp := app.Get(t, c, fmt.Sprintf("/admin/persons/%d", holder))
	wantStatus(t, resp, http.StatusOK)
	wantBody(t, resp, "Altmitglied (ausgeblendet)")
	list := app.Get(t, c, "/admin/persons?type="+key)
	wantBody(t, list, "Alt Person", "Altmitglied")
	// Neither the new person's form nor another person's editor offers it.
	notBody(t, app.Get(t, c, "/admin/persons/new"), `value="`+key+`"`)
	notBody(t, app.Get(t, c, fmt.Sprintf("/admin/persons/%d/fields/membership_type", other), htmx...), `value="`+key+`"`)
	wantBody(t, app.Get(t, c, fmt.Sprintf("/admin/persons/%d/fields/membership_type", holder), htmx...), `value="`+key+`"`)

	version := scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, other)
	resp = post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/membership_type", other),
		url.Values{"value": {key}, "version": {fmt.Sprint(version)}})
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, "ausgeblendet")
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1 AND membership_type IS NOT NULL`, other); n != 0 {
		t.Fatal("a hidden type was given to a person")
	}

	version = scalar[int](t, app, `SELECT version FROM persons WHERE id = $1`, holder)
	resp = post(t, app, c, fmt.Sprintf("/admin/persons/%d/fields/name", holder),
		url.Values{"value": {"Alt Person Zwei"}, "version": {fmt.Sprint(version)}})
	wantStatus(t, resp, http.StatusSeeOther)
	if got := scalar[string](t, app, `SELECT membership_type FROM persons WHERE id = $1`, holder); got != key {
		t.Fatalf("the holder's type is %q", got)
	}
}

// With no type on the application form nobody can apply online: the types
// list warns staff, and /register/ says so instead of offering a form no
// one could send.
func TestNoTypeOnTheApplicationForm(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	offered := func() []int64 {
		t.Helper()
		rows, err := app.Pool.Query(t.Context(), `SELECT id FROM membership_types WHERE public AND NOT hidden`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	public := offered()
	if len(public) == 0 {
		t.Fatal("no type is offered to begin with")
	}
	t.Cleanup(func() {
		exec(t, app, `UPDATE membership_types SET public = true WHERE id = ANY($1)`, public)
	})

	notBody(t, app.Get(t, c, "/admin/membership-types"), `data-testid="list-warning"`)
	exec(t, app, `UPDATE membership_types SET public = false WHERE id = ANY($1)`, public)
	for lang, want := range map[string]string{"de": "Online kann gerade niemand Mitglied werden", "en": "nobody can apply online"} {
		list := app.Get(t, c, "/admin/membership-types", "Accept-Language", lang)
		wantBody(t, list, `data-testid="list-warning"`, want)
	}

	visitor := app.Client()
	for lang, want := range map[string]string{"de": "keinen Mitgliedsantrag stellen", "en": "cannot be made online"} {
		page := app.Get(t, visitor, "/register/", "Accept-Language", lang)
		wantStatus(t, page, http.StatusOK)
		wantBody(t, page, `data-testid="apply-closed"`, want)
		notBody(t, page, `data-testid="apply-form"`)
	}
	email := unique("closed") + "@example.org"
	resp := post(t, app, visitor, "/register/", url.Values{"name": {"Zu Spät"}, "email": {email}, "membership_type": {"ordentlich"}})
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	wantBody(t, resp, `data-testid="apply-closed"`)
	if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE email = $1`, email); n != 0 {
		t.Errorf("%d persons stored while no type was offered", n)
	}

	// A hidden type offers nothing either; one offered type is enough.
	exec(t, app, `UPDATE membership_types SET public = true, hidden = true WHERE id = $1`, public[0])
	wantBody(t, app.Get(t, c, "/admin/membership-types"), `data-testid="list-warning"`)
	exec(t, app, `UPDATE membership_types SET hidden = false WHERE id = $1`, public[0])
	notBody(t, app.Get(t, c, "/admin/membership-types"), `data-testid="list-warning"`)
	wantBody(t, app.Get(t, visitor, "/register/"), `data-testid="apply-form"`)
}
