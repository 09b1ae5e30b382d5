package events_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

func TestEventJSONAndCORS(t *testing.T) {
	app := apptest.Start(t, apptest.Env("CORS_ORIGINS", "https://pep-dortmund.org, https://www.pep-dortmund.org"))
	limited := createEvent(t, app, testEvent{name: "Begrenzt", max: places(10)})
	addRegistration(t, app, limited.id, "A", unique("a")+"@example.org", "confirmed", 0)
	addRegistration(t, app, limited.id, "B", unique("b")+"@example.org", "waitinglist", 0)
	unlimited := createEvent(t, app, testEvent{name: "Offen"})
	c := app.Client()

	tests := []struct {
		name, path string
		wantFree   *int
	}{
		{"by id", "/events/" + itoa(limited.id) + "/", places(9)},
		{"by shortlink", "/events/" + limited.shortlink + "/", places(9)},
		{"unlimited", "/events/" + unlimited.shortlink + "/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.Get(t, c, tt.path)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("GET %s = %d %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			free, present := got["free_places"]
			if !present {
				t.Fatal("no free_places")
			}
			if tt.wantFree == nil && free != nil {
				t.Errorf("free_places = %v, want null", free)
			}
			if tt.wantFree != nil && free != float64(*tt.wantFree) {
				t.Errorf("free_places = %v, want %d", free, *tt.wantFree)
			}
		})
	}

	path := "/events/" + limited.shortlink + "/"
	for origin, want := range map[string]string{
		"https://pep-dortmund.org":     "https://pep-dortmund.org",
		"https://www.pep-dortmund.org": "https://www.pep-dortmund.org",
		"https://evil.example":         "",
		"":                             "",
	} {
		var resp apptest.Response
		if origin == "" {
			resp = app.Get(t, c, path)
		} else {
			resp = app.Get(t, c, path, "Origin", origin)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("Origin %q: Access-Control-Allow-Origin %q, want %q", origin, got, want)
		}
		if resp.Header.Get("Vary") == "" || !containsVary(resp.Header.Values("Vary"), "Origin") {
			t.Errorf("Origin %q: no Vary: Origin", origin)
		}
	}
}

func containsVary(values []string, name string) bool {
	for _, v := range values {
		if v == name {
			return true
		}
	}
	return false
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// The JSON keeps force_tu_mail for its old readers, true whenever an
// allowed-addresses pattern is set, and names the pattern.
func TestEventJSONAllowedAddresses(t *testing.T) {
	app := apptest.Start(t)
	tests := []struct {
		name        string
		ev          testEvent
		wantForce   bool
		wantPattern string
	}{
		{"anyone", testEvent{}, false, ""},
		{"PeP's TU rule", testEvent{forceTU: true}, true, `^[a-z-]+\.[a-z-]+@tu-dortmund\.de$`},
		{"own pattern", testEvent{allowed: `@b\.example$`}, true, `@b\.example$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := createEvent(t, app, tt.ev)
			var got struct {
				ForceTUMail      bool   `json:"force_tu_mail"`
				AllowedAddresses string `json:"allowed_addresses"`
			}
			if err := json.Unmarshal([]byte(app.Get(t, app.Client(), "/events/"+itoa(ev.id)+"/").Body), &got); err != nil {
				t.Fatal(err)
			}
			if got.ForceTUMail != tt.wantForce || got.AllowedAddresses != tt.wantPattern {
				t.Errorf("force_tu_mail %v, allowed_addresses %q; want %v, %q", got.ForceTUMail, got.AllowedAddresses, tt.wantForce, tt.wantPattern)
			}
		})
	}
}
