package events

import (
	"encoding/json"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
)

// A save keeps what the changed form cannot show, in groups too, and a
// choice the form no longer offers until another is made.
func TestKeepFormerAnswers(t *testing.T) {
	fm, err := schema.ParseCached([]byte(`{"type": "object", "properties": {
		"course": {"type": "string", "enum": ["Physik", "Chemie"]},
		"address": {"type": "object", "properties": {"city": {"type": "string"}}}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	old := `{"course": "Astronomie", "note": "alt", "address": {"city": "Dortmund", "street": "Otto-Hahn-Str. 4"}}`
	for _, tt := range []struct {
		name  string
		typed map[string]any
		want  string
	}{
		{"nothing chosen", map[string]any{"address": map[string]any{"city": "Bochum"}},
			`{"address":{"city":"Bochum","street":"Otto-Hahn-Str. 4"},"course":"Astronomie","note":"alt"}`},
		{"a new choice wins", map[string]any{"course": "Chemie"},
			`{"address":{"street":"Otto-Hahn-Str. 4"},"course":"Chemie","note":"alt"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keepFormerAnswers(fm, old, tt.typed)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			_ = json.Unmarshal(got, &a)
			_ = json.Unmarshal([]byte(tt.want), &b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) {
				t.Errorf("saved %s, want %s", ga, gb)
			}
		})
	}
	// The stored answers were read, not changed.
	var stored map[string]any
	_ = json.Unmarshal([]byte(old), &stored)
	if unshownAnswers(fm, stored); stored["address"].(map[string]any)["city"] != "Dortmund" {
		t.Error("looking for unshown answers changed the answers")
	}
}
