package organisers

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pepalumni/memberdb/app/events"
)

func TestColumnsOf(t *testing.T) {
	tests := []struct {
		name       string
		schema     string
		wantKeys   []string
		wantLabels []string
		wantTypes  []string
	}{
		{
			name: "nested objects become columns of their own, labels as text",
			schema: `{"type": "object", "properties": {
				"guests": {"type": "integer", "label": "Gäste<br><small>inklusive <b>dir</b></small>"},
				"languages": {"type": "object", "label": "Sprachen", "properties": {
					"cpp": {"type": "boolean", "label": "C++ &amp; C"},
					"python": {"type": "boolean"}
				}},
				"title": {"type": "string", "label": "<script>alert(1)</script>Titel <i>der</i> Arbeit"}
			}}`,
			wantKeys:   []string{"guests", "languages.cpp", "languages.python", "title"},
			wantLabels: []string{"Gäste", "Sprachen: C++ & C", "Sprachen: python", "Titel der Arbeit"},
			wantTypes:  []string{"integer", "boolean", "boolean", "string"},
		},
		{
			name:   "empty schema",
			schema: `{}`,
		},
		{
			// The registration form refuses a property called email; a
			// schema stored before that check still lists its answers.
			name:       "schema the form parser refuses is read loosely",
			schema:     `{"type": "object", "properties": {"email": {"type": "string", "label": "<b>Zweite</b> Adresse"}, "n": {"type": "number"}}}`,
			wantKeys:   []string{"email", "n"},
			wantLabels: []string{"Zweite Adresse", "n"},
			wantTypes:  []string{"string", "number"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, err := columnsOf([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			var keys, labels, types []string
			for _, c := range cols {
				keys, labels, types = append(keys, c.Key()), append(labels, c.Label), append(types, c.Type)
			}
			if !slices.Equal(keys, tt.wantKeys) || !slices.Equal(labels, tt.wantLabels) || !slices.Equal(types, tt.wantTypes) {
				t.Errorf("keys %q labels %q types %q\nwant %q %q %q", keys, labels, types, tt.wantKeys, tt.wantLabels, tt.wantTypes)
			}
		})
	}
}

func TestLabelDetailKeepsTheWholeLabel(t *testing.T) {
	short, full := labelText("Handynummer<br><small>Nur für Notfälle</small>", "phone")
	if short != "Handynummer" || full != "Handynummer Nur für Notfälle" {
		t.Errorf("short %q full %q", short, full)
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1":      "'=1+1",
		"+49 231":   "'+49 231",
		"-x":        "'-x",
		"@SUM(A1)":  "'@SUM(A1)",
		"\tx":       "'\tx",
		"\rx":       "'\rx",
		"plain":     "plain",
		"":          "",
		"a=1":       "a=1",
		"äöü = 1":   "äöü = 1",
		" =spaced":  " =spaced",
		"'=quoted":  "'=quoted",
		"1,5 Liter": "1,5 Liter",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTotals(t *testing.T) {
	cols := []column{
		{Path: []string{"guests"}, Type: "integer"},
		{Path: []string{"amount"}, Type: "number"},
		{Path: []string{"ok"}, Type: "boolean"},
		{Path: []string{"text"}, Type: "string"},
		{Path: []string{"height"}, Type: "number"},
		{Path: []string{"age"}, Type: "integer"},
		{Path: []string{"rating"}, Type: "integer"},
	}
	regs := []events.Registration{
		{Data: []byte(`{"guests": 2, "amount": 0.1, "ok": true, "text": "a"}`)},
		{Data: []byte(`{"guests": 3, "amount": 0.2, "ok": false}`)},
		{Data: []byte(`{"guests": "viele", "ok": true}`)},
		{Data: []byte(`not json`)},
		{Data: []byte(`{"height": -0.01}`)},
		{Data: []byte(`{"height": 0.02, "rating": 4}`)},
	}
	got := totals(cols, buildList(cols, regs))
	// A mean of 0.005 is written 0, not 0.0 or -0. Nobody gave an age: no
	// sum of 0 for it. One rating has no mean beside it.
	want := []total{{Shown: true, Text: "5", Mean: "2.5"}, {Shown: true, Text: "0.3", Mean: "0.2"}, {Shown: true, Text: "2"}, {},
		{Shown: true, Text: "0.01", Mean: "0"}, {Text: "0"}, {Shown: true, Text: "4"}}
	if !slices.Equal(got, want) {
		t.Errorf("totals %v, want %v", got, want)
	}
}

func TestLegacyParticipantsKeepsNumbersAsWritten(t *testing.T) {
	out := legacyEntryOf(&events.Registration{ID: 1, Email: "a@example.org", Name: "Lise", Status: "pending",
		Data: []byte(`{"contribution": 0.0, "big": 12345678901234567890, "email": "typed@example.org"}`)})
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":1,"event_id":0,"person_id":0,"status_name":"pending",` +
		`"data":{"big":12345678901234567890,"contribution":0.0,"email":"typed@example.org","name":"Lise"},"timestamp":null,"checked_in_at":null}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
