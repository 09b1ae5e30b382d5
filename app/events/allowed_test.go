package events_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/apptest"
)

// An event's allowed-addresses pattern refuses other addresses with the
// organiser's message in the reader's language, and stores nothing.
func TestAllowedAddressesRefuseWithTheOrganisersMessage(t *testing.T) {
	app := apptest.Start(t)
	ev := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {}}`,
		allowed: `^[a-z0-9]+@verein-b\.example$`, allowedDE: "Nur Adressen von Verein B.", allowedEN: "Club B addresses only."})
	tests := []struct {
		name, lang, email string
		wantStatus        int
		wantText          string
	}{
		{name: "German reader", lang: "de", email: unique("x") + "@gmail.com", wantStatus: http.StatusUnprocessableEntity,
			wantText: "Nur Adressen von Verein B."},
		{name: "English reader", lang: "en", email: unique("x") + "@gmail.com", wantStatus: http.StatusUnprocessableEntity,
			wantText: "Club B addresses only."},
		{name: "matching, any case", lang: "de", email: "ADA" + strings.ReplaceAll(unique("a"), "-", "") + "@Verein-B.example",
			wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := registerVia(t, app, app.Client(), ev.regPath(), "Ada Lovelace", tt.email, url.Values{}, "Accept-Language", tt.lang)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			if tt.wantText != "" && !strings.Contains(html.UnescapeString(resp.Body), tt.wantText) {
				t.Errorf("answer lacks %q", tt.wantText)
			}
			var n int
			if err := app.Pool.QueryRow(t.Context(), `SELECT count(*) FROM registrations r JOIN persons p ON p.id = r.person_id
				WHERE r.event_id = $1 AND lower(p.email) = lower($2)`, ev.id, tt.email).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.wantStatus == http.StatusOK]; n != want {
				t.Errorf("%d registrations stored, want %d", n, want)
			}
		})
	}
}

// Without an organiser's message the refusal is a generic one in the
// reader's language; an event without a pattern takes anyone.
func TestAllowedAddressesDefaults(t *testing.T) {
	app := apptest.Start(t)
	restricted := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {}}`, allowed: `@tu-dortmund\.de$`})
	resp := registerVia(t, app, app.Client(), restricted.regPath(), "Ada Lovelace", unique("x")+"@gmail.com", url.Values{}, "Accept-Language", "en")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(resp.Body, "This event accepts only certain addresses") {
		t.Errorf("status %d, want 422 with the generic message:\n%s", resp.StatusCode, resp.Body)
	}
	open := createEvent(t, app, testEvent{schema: `{"type": "object", "properties": {}}`})
	resp = registerVia(t, app, app.Client(), open.regPath(), "Ada Lovelace", unique("x")+"@gmail.com", url.Values{})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("open event: status %d, want 200", resp.StatusCode)
	}
}
