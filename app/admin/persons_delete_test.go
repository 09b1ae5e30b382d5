package admin_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// A person whom something other than an account keeps (a revoked
// mandate, a paid fee) is refused with that reason, on the confirmation
// page already and after a click, and pointed to anonymising; not told
// of an account they do not have.
func TestPersonDeleteNamesWhatKeepsThem(t *testing.T) {
	app := apptest.Start(t)
	c, _ := app.ClientWith(t, "person_admin")
	mandate := func(p int64) {
		exec(t, app, `INSERT INTO sepa_mandates (person_id, reference, account_holder, iban_sealed, iban_masked, signed_on, revoked_at)
			VALUES ($1, $2, 'Kontoinhaberin', '\x00'::bytea, 'DE** **** 1234', DATE '2024-01-01', now())`, p, unique("REF"))
	}
	fee := func(p int64) {
		exec(t, app, `INSERT INTO fees (person_id, year, cents, status) VALUES ($1, 2024, 2000, 'paid')`, p)
	}
	account := func(p int64) {
		u := app.NewUser(t)
		exec(t, app, `UPDATE users SET person_id = $1 WHERE id = $2`, p, u.ID)
	}
	tests := []struct {
		name     string
		setup    []func(int64)
		lang     string
		want     []string
		wantNot  []string
		instead  bool
		anonymed bool
	}{
		{name: "a revoked mandate", setup: []func(int64){mandate},
			want:    []string{"1 SEPA-Mandat (es bleibt für die Buchhaltung, auch widerrufen)", "Anonymisiere die Person stattdessen"},
			wantNot: []string{"Benutzerkonto „", "hat ein Benutzerkonto", "Lösche zuerst"}, instead: true},
		{name: "mandates and a fee", setup: []func(int64){mandate, mandate, fee},
			want:    []string{"2 SEPA-Mandate", "1 Beitrag (Rechnung oder Lastschrift)"},
			wantNot: []string{"Benutzerkonto „", "hat ein Benutzerkonto", "Lösche zuerst"}, instead: true},
		{name: "a fee, in English", setup: []func(int64){fee}, lang: "en",
			want:    []string{"cannot be deleted while", "1 fee (invoice or direct debit)", "Anonymise the person instead"},
			wantNot: []string{"User account “", "has a user account", "Delete the user account"}, instead: true},
		{name: "an account and a mandate", setup: []func(int64){account, mandate},
			want: []string{"Benutzerkonto „user", `href="/admin/users/`, "1 SEPA-Mandat"}, instead: true},
		{name: "an anonymised person's fee", setup: []func(int64){fee}, anonymed: true,
			want: []string{"1 Beitrag", "schon anonymisiert"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPerson(t, app, "Kai Kept", unique("kept")+"@example.org")
			for _, f := range tt.setup {
				f(p)
			}
			if tt.anonymed {
				exec(t, app, `UPDATE persons SET anonymised_at = now() WHERE id = $1`, p)
			}
			path := fmt.Sprintf("/admin/persons/%d/delete", p)
			var headers []string
			if tt.lang != "" {
				headers = []string{"Accept-Language", tt.lang}
			}
			anonymise := fmt.Sprintf(`href="/admin/persons/%d/anonymise"`, p)
			check := func(resp apptest.Response) {
				t.Helper()
				wantBody(t, resp, append([]string{`data-testid="blocked"`, `data-testid="blocked-by"`}, tt.want...)...)
				notBody(t, resp, append([]string{`data-testid="confirm"`}, tt.wantNot...)...)
				if tt.instead {
					wantBody(t, resp, `data-testid="instead"`, anonymise)
				} else {
					notBody(t, resp, `data-testid="instead"`)
				}
			}
			ask := app.Get(t, c, path, headers...)
			wantStatus(t, ask, http.StatusOK)
			check(ask)
			del := post(t, app, c, path, nil, headers...)
			wantStatus(t, del, http.StatusConflict)
			check(del)
			if n := scalar[int](t, app, `SELECT count(*) FROM persons WHERE id = $1`, p); n != 1 {
				t.Fatal("the person was deleted")
			}
		})
	}
}
