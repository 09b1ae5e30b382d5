package organisers

import (
	"slices"
	"testing"

	"github.com/pepalumni/memberdb/app/events"
)

// The search finds every word in any order, ignoring case and accents,
// as the persons search and the door do; a word must be in one field.
func TestSearchIgnoresCaseAccentsAndOrder(t *testing.T) {
	cols := []column{{Path: []string{"street"}}, {Path: []string{"diet"}}}
	regs := []events.Registration{
		{Name: "Anna Müller", Email: "anna@example.org", Status: "confirmed", Data: []byte(`{"street": "Hauptstraße 1"}`)},
		{Name: "Þóra Sigurðardóttir", Email: "thora@example.is", Status: "confirmed", Data: []byte(`{"diet": "VEGAN"}`)},
		{Name: "Björn Bäcker", Email: "bjoern@example.org", Status: "confirmed", Data: []byte(`{}`)},
		{Name: "Emmy Noether", Email: "emmy@example.org", Status: "confirmed", Data: []byte(`{}`)},
		{Name: "Manuel Engel", Email: "annaengel@example.net", Status: "confirmed", Data: []byte(`{}`)},
	}
	rows := buildList(cols, regs)
	for q, want := range map[string][]string{
		"muller":            {"Anna Müller"},
		"müller anna":       {"Anna Müller"},
		"MULLER ANNA":       {"Anna Müller"},
		"hauptstrasse":      {"Anna Müller"},
		"thora sigurdar":    {"Þóra Sigurðardóttir"},
		"vegan thora":       {"Þóra Sigurðardóttir"},
		"backer":            {"Björn Bäcker"},
		"bäcker björn":      {"Björn Bäcker"},
		"example.org":       {"Anna Müller", "Björn Bäcker", "Emmy Noether"},
		"mueller anna":      {"Anna Müller"},
		"baecker":           {"Björn Bäcker"},
		"björn":             {"Björn Bäcker"},
		"nöther":            {"Emmy Noether"},
		"noether":           {"Emmy Noether"},
		"nuel":              {"Manuel Engel"},
		"annaengel":         {"Manuel Engel"},
		"aengel":            {"Manuel Engel"},
		"müller björn":      nil,
		"example.isvegan":   nil,
		"\u0301":            nil,
		"anna@example.orgx": nil,
	} {
		f := filterOf(map[string][]string{"q": {q}})
		var got []string
		for _, p := range f.apply(rows) {
			got = append(got, p.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
	}
}
