package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The event form takes an English name, description and footer beside the
// German ones, checked as they are; left empty, they stay empty.
func TestEventFormInEnglish(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tag := unique("evenglish")
	english := func(version int, name, description, footer string) url.Values {
		form := eventForm("Sommerfest "+tag, version)
		form.Set("name_en", name)
		form.Set("description_en", description)
		form.Set("footer_en", footer)
		form.Set("location", "Hörsaal 1")
		form.Set("location_en", " Lecture hall 1 ")
		return form
	}
	stored := func(id int64) string {
		return scalar[string](t, app, `SELECT concat_ws('|', name, name_en, description_en, footer_en, location, location_en) FROM events WHERE id = $1`, id)
	}

	var id int64
	t.Run("created with the English", func(t *testing.T) {
		resp := post(t, app, c, "/admin/events/new", english(0, " Summer party $E=mc^2$ ", "<p>Party with $E=mc^2$</p>\r\n<p>Bring friends.</p>", "<small>Foot</small>"))
		wantStatus(t, resp, http.StatusSeeOther)
		id = scalar[int64](t, app, `SELECT id FROM events WHERE name = $1`, "Sommerfest "+tag)
		if got, want := stored(id), "Sommerfest "+tag+"|Summer party $E=mc^2$|<p>Party with $E=mc^2$</p>\n<p>Bring friends.</p>|<small>Foot</small>|Hörsaal 1|Lecture hall 1"; got != want {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
	t.Run("the form shows them with labels and help in the organiser's language", func(t *testing.T) {
		for lang, want := range map[string][]string{
			"de": {"Name (englisch)", "Beschreibung (englisch; HTML, Formeln zwischen Dollarzeichen)", "Fußzeile (englisch; HTML)", "leer lesen sie den deutschen Namen", "Ort (englisch)", "leer lesen sie den deutschen Ort"},
			"en": {"Name (English)", "Description (English; HTML, maths between dollar signs)", "Footer (English; HTML)", "left empty, they read the German name", "Location (English)", "left empty, they read the German location"},
		} {
			resp := app.Get(t, c, fmt.Sprintf("/admin/events/%d", id), "Accept-Language", lang)
			wantStatus(t, resp, http.StatusOK)
			wantBody(t, resp, want...)
			wantBody(t, resp, `name="name_en"`, `value="Summer party $E=mc^2$"`, `name="description_en"`, `name="footer_en"`,
				`data-testid="preview-description_en"`, "<p>Party with $E=mc^2$</p>", `data-testid="preview-footer_en"`,
				`name="location_en"`, `value="Lecture hall 1"`)
		}
	})
	t.Run("the list finds the event by its English name", func(t *testing.T) {
		resp := app.Get(t, c, "/admin/events?q=Summer+party")
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "Sommerfest "+tag)
	})
	t.Run("the English description's preview is sanitised HTML", func(t *testing.T) {
		resp := post(t, app, c, "/admin/events/preview/description_en", url.Values{"description_en": {`<b>Bold</b> $x$ <img src=x onerror=alert(1)>`}}, htmx...)
		wantStatus(t, resp, http.StatusOK)
		wantBody(t, resp, "<b>Bold</b> $x$")
		notBody(t, resp, "onerror")
	})

	// Too long or a line break in a name: the form says so at the field.
	// Control characters: the request is refused before the form sees it,
	// naming the field.
	refused := []struct {
		name, field, value, want string
	}{
		{"a name longer than the German may be", "name_en", strings.Repeat("n", 201), `data-testid="error-name_en"`},
		{"a line break in the name", "name_en", "Summer\nparty", `data-testid="error-name_en"`},
		{"a control character in the name", "name_en", "Summer\x00party", "„name_en“ enthält Zeichen"},
		{"a direction override in the name", "name_en", "Summer \u202eparty", "„name_en“ enthält Zeichen"},
		{"a line break in the location", "location_en", "Lecture\nhall", `data-testid="error-location_en"`},
		{"a control character in the location", "location_en", "Hall\x00 1", "„location_en“ enthält Zeichen"},
		{"a description longer than the German may be", "description_en", strings.Repeat("d", 100_001), `data-testid="error-description_en"`},
		{"a control character in the description", "description_en", "<p>\x07</p>", "„description_en“ enthält Zeichen"},
		{"a control character in the footer", "footer_en", "<p>\x1b[31m</p>", "„footer_en“ enthält Zeichen"},
		// English readers would see neither it nor the German.
		{"a description that shows nothing", "description_en", "<!-- todo --><p> </p><script>alert(1)</script>", `data-testid="error-description_en"`},
		{"a footer that shows nothing", "footer_en", "<p></p>", "zeigt nichts an"},
		{"a description of invisible characters", "description_en", "<p>&#8203;&shy;&#x2060;</p>", "zeigt nichts an"},
		{"a description of blank letters", "description_en", "<p>\u3164\u2800\u00a0</p>", "zeigt nichts an"},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			before := stored(id)
			form := english(1, "Changed", "<p>Changed</p>", "<p>Changed</p>")
			form.Set(tt.field, tt.value)
			resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
			wantStatus(t, resp, http.StatusUnprocessableEntity)
			wantBody(t, resp, tt.want)
			if after := stored(id); after != before {
				t.Fatalf("a refused form saved %q", after)
			}
		})
	}

	// What shows something is kept, however little text it has.
	for i, shown := range []string{`<p>$E=mc^2$</p>`, `<img src="https://example.org/plakat.png" alt="">`} {
		t.Run("kept: "+shown, func(t *testing.T) {
			resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), english(1+i, "", shown, ""))
			wantStatus(t, resp, http.StatusSeeOther)
			if got := stored(id); !strings.Contains(got, shown) {
				t.Fatalf("stored %q, want the description %q", got, shown)
			}
		})
	}
	t.Run("an English description without an English name is kept", func(t *testing.T) {
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), english(3, "", "<p>Only the text in English.</p>", ""))
		wantStatus(t, resp, http.StatusSeeOther)
		if got, want := stored(id), "Sommerfest "+tag+"||<p>Only the text in English.</p>||Hörsaal 1|Lecture hall 1"; got != want {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
	t.Run("emptied, visitors read the German again", func(t *testing.T) {
		form := english(4, "  ", "", "")
		form.Set("location_en", " ")
		resp := post(t, app, c, fmt.Sprintf("/admin/events/%d", id), form)
		wantStatus(t, resp, http.StatusSeeOther)
		if got, want := stored(id), "Sommerfest "+tag+"||||Hörsaal 1|"; got != want {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
}

// A copy of an event keeps its English, the name marked as a copy in
// English as the German one is in German; an event without an English
// name gets none.
func TestDuplicateEventKeepsTheEnglish(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "event_admin")
	tests := []struct {
		name, nameEN, wantNameEN string
	}{
		{"with an English name", "Summer party", "Summer party (copy)"},
		{"without one", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag := unique("dupen")
			src := newEvent(t, app, "Sommerfest "+tag, nil)
			exec(t, app, `UPDATE events SET name_en = $2, description_en = '<p>Party</p>', footer_en = '<p>Foot</p>', location_en = 'Hall 1' WHERE id = $1`, src, tt.nameEN)
			wantStatus(t, post(t, app, c, fmt.Sprintf("/admin/events/%d/duplicate", src), nil), http.StatusSeeOther)
			got := scalar[string](t, app, `SELECT concat_ws('|', name, name_en, description_en, footer_en, location_en) FROM events
				WHERE name LIKE $1 AND id <> $2`, "Sommerfest "+tag+"%", src)
			if want := "Sommerfest " + tag + " (Kopie)|" + tt.wantNameEN + "|<p>Party</p>|<p>Foot</p>|Hall 1"; got != want {
				t.Fatalf("copy is %q, want %q", got, want)
			}
		})
	}
}
