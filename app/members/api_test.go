package members_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func postJSON(t *testing.T, app *apptest.App, c *http.Client, path, body string, headers ...string) apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return apptest.Do(t, c, req)
}

type apiList struct {
	Status  string
	Persons []map[string]any
	Members []map[string]any
}

func TestJSONListsOfPersonsAndMembers(t *testing.T) {
	app := apptest.Start(t)
	member := newAddress(t)
	memberID := insertPerson(t, app, "API Mitglied", member, "confirmed", "ordentlich")
	if _, err := app.Pool.Exec(context.Background(), `UPDATE persons SET date_of_birth = '1985-03-04',
		tu_status_id = (SELECT id FROM tu_status WHERE name = 'Alumna/Alumnus') WHERE id = $1`, memberID); err != nil {
		t.Fatal(err)
	}
	guest := newAddress(t)
	insertPerson(t, app, "API Gast", guest, "", "")
	reader, _ := app.ClientWith(t, "get_persons", "get_members")

	persons := app.Get(t, reader, "/persons", "Accept", "application/json")
	var pl apiList
	if persons.StatusCode != http.StatusOK || json.Unmarshal([]byte(persons.Body), &pl) != nil || pl.Status != "success" {
		t.Fatalf("GET /persons = %d %s", persons.StatusCode, persons.Body)
	}
	found := map[string]map[string]any{}
	for _, p := range pl.Persons {
		found[p["email"].(string)] = p
	}
	m, g := found[member], found[guest]
	if m == nil || g == nil {
		t.Fatalf("GET /persons lacks the member or the guest")
	}
	if m["joining_date"] != "2020-02-02" || m["date_of_birth"] != "1985-03-04" || m["membership_status"] != "confirmed" ||
		m["membership_type"] != "ordentlich" || m["tu_status"] != "Alumna/Alumnus" || m["name"] != "API Mitglied" {
		t.Errorf("member = %v", m)
	}
	if g["membership_status"] != nil || g["joining_date"] != nil {
		t.Errorf("guest = %v", g)
	}

	members := app.Get(t, reader, "/members/", "Accept", "application/json")
	var ml apiList
	if members.StatusCode != http.StatusOK || json.Unmarshal([]byte(members.Body), &ml) != nil || ml.Status != "success" {
		t.Fatalf("GET /members/ = %d %s", members.StatusCode, members.Body)
	}
	for _, p := range ml.Members {
		if p["membership_status"] != "confirmed" {
			t.Errorf("/members/ lists a non-member: %v", p)
		}
		if p["email"] == guest {
			t.Errorf("/members/ lists the guest")
		}
	}
	if !strings.Contains(members.Body, member) {
		t.Errorf("/members/ lacks the member")
	}

	t.Run("access", func(t *testing.T) {
		anon := app.Get(t, app.Client(), "/persons", "Accept", "application/json")
		if anon.StatusCode != http.StatusUnauthorized || !strings.Contains(anon.Body, `"access_denied"`) {
			t.Errorf("anonymous GET /persons = %d %s", anon.StatusCode, anon.Body)
		}
		onlyMembers, _ := app.ClientWith(t, "get_members")
		if resp := app.Get(t, onlyMembers, "/persons", "Accept", "application/json"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("get_members reads /persons: %d", resp.StatusCode)
		}
		onlyPersons, _ := app.ClientWith(t, "get_persons")
		if resp := app.Get(t, onlyPersons, "/members/", "Accept", "application/json"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("get_persons reads /members/: %d", resp.StatusCode)
		}
	})
}

func TestJSONCreatePerson(t *testing.T) {
	app := apptest.Start(t)
	admin, _ := app.ClientWith(t, "person_admin")
	existing := newAddress(t)
	insertPerson(t, app, "Schon Da", existing, "", "")
	fresh := newAddress(t)

	tests := []struct {
		name        string
		body        string
		wantStatus  int
		wantMessage string
	}{
		{"missing name", `{"email": "` + newAddress(t) + `"}`, 422, "Namen"},
		{"missing email", `{"name": "Ohne Adresse"}`, 422, "E-Mail-Adresse"},
		{"invalid email", `{"name": "X", "email": "kaputt"}`, 422, "keine gültige"},
		{"exists (other case)", `{"name": "Doppelt", "email": "` + strings.ToUpper(existing) + `"}`, 422, "gibt es schon"},
		{"not JSON", `name=x`, 400, "kein gültiges JSON"},
		{"created", `{"name": "Neu Angelegt", "email": "` + fresh + `"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postJSON(t, app, admin, "/persons", tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			var out struct {
				Status, Message string
				Person          map[string]any
			}
			if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
				t.Fatalf("body %q: %v", resp.Body, err)
			}
			if tt.wantStatus == 200 {
				if out.Status != "success" || out.Person["email"] != fresh || out.Person["name"] != "Neu Angelegt" {
					t.Errorf("created = %+v", out)
				}
				return
			}
			if out.Status != "error" || !strings.Contains(out.Message, tt.wantMessage) {
				t.Errorf("answer %+v, want a message containing %q", out, tt.wantMessage)
			}
		})
	}
	if p := loadPerson(t, app, existing); p.Name != "Schon Da" {
		t.Errorf("the existing person was changed to %q", p.Name)
	}
	var n int
	_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE name IN ('Ohne Adresse', 'X', 'Doppelt')`).Scan(&n)
	if n != 0 {
		t.Errorf("refused requests stored %d persons", n)
	}

	t.Run("access", func(t *testing.T) {
		body := `{"name": "Unbefugt", "email": "` + newAddress(t) + `"}`
		if resp := postJSON(t, app, app.Client(), "/persons", body); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous POST /persons = %d, want 401", resp.StatusCode)
		}
		reader, _ := app.ClientWith(t, "get_persons")
		if resp := postJSON(t, app, reader, "/persons", body); resp.StatusCode != http.StatusForbidden {
			t.Errorf("get_persons POST /persons = %d, want 403 (it needs person_admin now)", resp.StatusCode)
		}
		var n int
		_ = app.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons WHERE name = 'Unbefugt'`).Scan(&n)
		if n != 0 {
			t.Errorf("a refused POST stored a person")
		}
	})
}
