package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// Search quality as the board uses it: umlauts typed or not, parts of
// addresses, and typos among similar names, which must rank the closest
// name first however many similar ones there are.
func TestPersonSearchQuality(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	tag := unique("zqq")
	joerg := newPerson(t, app, "Jörg Krüger "+tag, "joerg.k@"+tag+".example.org")
	schmidt := newPerson(t, app, "Hanna Schmidt "+tag, "hanna@uni-"+tag+".example.org")
	schmitz := newPerson(t, app, "Hanna Schmitz "+tag, "hs@"+tag+".example.org")
	feynman := newPerson(t, app, "Richard Feynman", "rf@"+tag+".example.org")
	quasten := newPerson(t, app, "Karla Quastenflösser", "kq@"+tag+".example.org")
	// Many persons with a name like the one mistyped below, so that the
	// closest must be ranked, not merely found.
	for i := range 30 {
		newPerson(t, app, "Hanna Schmied "+tag, "hm"+string(rune('a'+i))+"@"+tag+".example.org")
	}

	tests := []struct {
		name, q   string
		want      []int64
		wantFirst int64
		similar   bool
	}{
		{"umlaut typed", "krüger " + tag, []int64{joerg}, 0, false},
		{"umlaut left out", "kruger " + tag, []int64{joerg}, 0, false},
		{"first name with umlaut, capitals", "JÖRG " + tag, []int64{joerg}, 0, false},
		{"part of an address", "uni-" + tag, []int64{schmidt}, 0, false},
		{"local part and domain", "hs@" + tag, []int64{schmitz}, 0, false},
		// The closest by trigrams, as before the search was made to scale.
		{"typo among many similar names", "Hanna Schmidz " + tag, nil, schmidt, true},
		{"swapped letters", "Hanna Schmitd " + tag, nil, schmitz, true},
		// One word is looked up among the words of names.
		{"typo, one word", "Quastenflosr", nil, quasten, true},
		{"typo with an umlaut, one word", "quastenflössr", nil, quasten, true},
		{"typo without the umlaut, one word", "Quastenflossr", nil, quasten, true},
		// Alone, a swap shares too few trigrams to count as similar.
		{"swapped letters, one word", "Fenyman", nil, feynman, true},
		{"swapped letters, twice in a word", "Feymnan", nil, feynman, true},
		{"swapped letters, begun", "Fenym", nil, feynman, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, "/admin/persons?q="+url.QueryEscape(tt.q), htmx...)
			wantStatus(t, resp, http.StatusOK)
			got := rowOrder(resp.Body)
			if tt.similar {
				wantBody(t, resp, `data-testid="note"`)
				if len(got) == 0 || got[0] != personRowID(tt.wantFirst) {
					t.Fatalf("rows %v, want %s first", got, personRowID(tt.wantFirst))
				}
				return
			}
			var want []string
			for _, id := range tt.want {
				want = append(want, personRowID(id))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("rows %v, want %v", got, want)
			}
			notBody(t, resp, `data-testid="note"`)
		})
	}
	// The other words still count beside a swapped one.
	resp := app.Get(t, c, "/admin/persons?q="+url.QueryEscape("Zelda Fenyman"), htmx...)
	if got := rowOrder(resp.Body); slices.Contains(got, personRowID(feynman)) {
		t.Errorf("Zelda Fenyman lists Richard Feynman: %v", got)
	}
}

// Bad input is refused in the user's own page: logged in, with their
// navigation, not a visitor's.
func TestBadInputIsRefusedInTheUsersPage(t *testing.T) {
	app := apptest.Start(t)
	c, user := app.ClientWith(t, "person_admin")
	resp := app.Get(t, c, "/admin/persons?q=a%00b")
	wantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(resp.Body, `data-testid="nav-user"`) || !strings.Contains(resp.Body, user.Username) {
		t.Error("the refusal shows a visitor's navigation")
	}
}
