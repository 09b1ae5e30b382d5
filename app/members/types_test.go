package members_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/app/tokens"
)

var typeSeq atomic.Int64

// addType stores a membership type with a key no other test uses and
// returns the key.
func addType(t *testing.T, app *apptest.App, nameDE, nameEN string, public, hidden bool) string {
	t.Helper()
	key := fmt.Sprintf("typ_%d_%d", typeSeq.Add(1), addrSeq.Add(1))
	_, err := app.Pool.Exec(context.Background(), `INSERT INTO membership_types
		(key, name_de, name_en, description_de, description_en, position, public, hidden)
		VALUES ($1, $2, $3, $2 || ': Beschreibung', $3 || ': description', 50, $4, $5)`, key, nameDE, nameEN, public, hidden)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// The public form offers the public, visible types with their
// descriptions in the reader's language, and refuses any other type
// posted to it anyway without storing anything.
func TestPublicFormOffersOnlyPublicVisibleTypes(t *testing.T) {
	app := apptest.Start(t)
	public := addType(t, app, "Fördermitglied", "supporting member", true, false)
	board := addType(t, app, "Ehrenmitglied", "honorary member", false, false)
	hidden := addType(t, app, "Altmitglied", "old member", true, true)

	for lang, want := range map[string][]string{
		"de": {"Fördermitglied", "Fördermitglied: Beschreibung", "ordentliches Mitglied"},
		"en": {"supporting member", "supporting member: description", "regular member"},
	} {
		page := app.Get(t, app.Client(), "/register/", "Accept-Language", lang)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("GET /register/ = %d", page.StatusCode)
		}
		body := html.UnescapeString(page.Body)
		mustContain(t, "the "+lang+" form", body, append(want, `data-testid="type-`+public+`"`)...)
		for _, not := range []string{board, hidden, "Ehrenmitglied", "honorary member", "Altmitglied", "old member"} {
			if strings.Contains(body, not) {
				t.Errorf("the %s form offers %q", lang, not)
			}
		}
	}
	for _, key := range []string{board, hidden, "nonexistent"} {
		email := newAddress(t)
		resp := applyFor(t, app, "Erika Muster", email, key)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, `membership_type-error`) {
			t.Errorf("type %s: status %d, want 422 with the type's message", key, resp.StatusCode)
		}
		if p := personOrZero(t, app, email); p.ID != 0 {
			t.Errorf("type %s: a refused application stored a person", key)
		}
	}

	email := newAddress(t)
	if resp := applyFor(t, app, "Erika Muster", email, public, "Accept-Language", "en"); resp.StatusCode != http.StatusOK {
		t.Fatalf("applying with a public type = %d", resp.StatusCode)
	}
	if m := lastMailTo(t, app, email, 1); !strings.Contains(m.Text, "supporting member") {
		t.Errorf("the English mail does not name the type:\n%s", m.Text)
	}
}

// A person who has a hidden type keeps seeing it, may keep it, and cannot
// pick another type that is not public.
func TestHiddenTypeStaysWithItsHolder(t *testing.T) {
	app := apptest.Start(t)
	hidden := addType(t, app, "Altmitglied", "old member", true, true)
	board := addType(t, app, "Ehrenmitglied", "honorary member", false, false)
	email := newAddress(t)
	id := insertPerson(t, app, "Alt Mitglied", email, "confirmed", hidden)
	link := issueLink(t, app, tokens.MembershipEdit, id, "/edit/")

	page := app.Get(t, app.Client(), link)
	mustContain(t, "the edit page", html.UnescapeString(page.Body), "Altmitglied", `value="`+hidden+`" checked`)
	if strings.Contains(page.Body, "Ehrenmitglied") {
		t.Error("the edit page offers a type that is not public")
	}

	form := editValues(loadPerson(t, app, email), "Alt Mitglied Neu")
	form.Set("membership_type", hidden)
	if resp := app.PostForm(t, app.Client(), link, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("keeping the hidden type = %d, want 303", resp.StatusCode)
	}
	p := loadPerson(t, app, email)
	if p.Name != "Alt Mitglied Neu" || p.Type != hidden {
		t.Fatalf("stored %+v", p)
	}

	form = editValues(p, "Alt Mitglied Neu")
	form.Set("membership_type", board)
	if resp := app.PostForm(t, app.Client(), link, form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("choosing a type that is not public = %d, want 422", resp.StatusCode)
	}
	if p := loadPerson(t, app, email); p.Type != hidden {
		t.Fatalf("type changed to %q", p.Type)
	}

	data := app.Get(t, app.Client(), issueLink(t, app, tokens.GDPRView, id, "/view_data/"), "Accept-Language", "en")
	mustContain(t, "the data page", html.UnescapeString(data.Body), "old member")
}
