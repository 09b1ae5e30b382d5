package events_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
	"github.com/pepalumni/memberdb/components/i18n"
)

// A number is stored as the reader of the form meant it, thousands
// separators and all, and shown back on their personal page as they
// write it; one that could be read two ways is refused, changing nothing.
func TestNumberAnswersReadInTheReadersLanguage(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{name: "Spendenlauf " + unique(""),
		schema: `{"type": "object", "properties": {"km": {"type": "number", "label": "Strecke"}, "euro": {"type": "integer", "label": "Spende"}}}`})
	tests := []struct {
		lang, km, euro string
		wantData       string // stored answers; "" refused
		wantShown      []string
	}{
		{"de", "1.500,5", "1.000", `{"km": 1500.5, "euro": 1000}`, []string{`value="1500,5"`, `value="1000"`}},
		{"en", "1,500.5", "1,000", `{"km": 1500.5, "euro": 1000}`, []string{`value="1500.5"`, `value="1000"`}},
		{"de", "1.5", "7", `{"km": 1.5, "euro": 7}`, []string{`value="1,5"`}},
		{"en", "1.5", "7", `{"km": 1.5, "euro": 7}`, []string{`value="1.5"`}},
		{"de", "1,000.5", "1", "", nil},
		{"en", "2", "1.000", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.km+" "+tt.euro, func(t *testing.T) {
			email := unique("zahl") + "@example.org"
			c := app.Client()
			resp := registerVia(t, app, c, ev.regPath(), "Zahl Leser", email, url.Values{"km": {tt.km}, "euro": {tt.euro}}, "Accept-Language", tt.lang)
			if tt.wantData == "" {
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", resp.StatusCode)
				}
				key := map[bool]string{true: "events.field.number_marks", false: "events.field.integer_marks"}[tt.km != "2"]
				mustContain(t, resp.Body, i18n.In(i18n.Lang(tt.lang), key))
				var n int
				if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM persons WHERE email = $1`, email).Scan(&n); err != nil || n != 0 {
					t.Errorf("a refused registration stored %d persons (%v)", n, err)
				}
				return
			}
			if resp.StatusCode >= 400 {
				t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
			}
			var same bool
			err := app.Pool.QueryRow(t.Context(), `SELECT r.data = $2::jsonb FROM registrations r JOIN persons p ON p.id = r.person_id
				WHERE p.email = $1 AND r.event_id = $3`, email, tt.wantData, ev.id).Scan(&same)
			if err != nil || !same {
				t.Errorf("stored answers are not %s (%v)", tt.wantData, err)
			}
			link := lastLink(t, app, email)
			post(t, app, c, link, "action", "confirm")
			page := app.Get(t, c, link, "Accept-Language", tt.lang)
			mustContain(t, page.Body, tt.wantShown...)
		})
	}
}
