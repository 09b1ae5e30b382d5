package admin

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/events/schema"
)

// A schema is shown indented as stored; text nested deeper than any form
// is shown as typed: indenting ten thousand "[" wrote 200 MB for one
// request of the events form.
func TestIndentJSONLeavesDeepTextAsTyped(t *testing.T) {
	if got := indentJSON(`{"a":[1,{"b":"[[[{"}]}`); got != "{\n    \"a\": [\n        1,\n        {\n            \"b\": \"[[[{\"\n        }\n    ]\n}" {
		t.Errorf("indented:\n%s", got)
	}
	deep := strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000)
	if got := indentJSON(deep); got != deep {
		t.Errorf("deep text changed to %d bytes", len(got))
	}
}

// What the console stores is what the registration page can read: a
// compact schema within the size limit grew past it when stored indented,
// and its form answered 500.
func TestStoredSchemaStaysReadable(t *testing.T) {
	fields := make([]string, 0, 2000)
	for i := range 2000 {
		fields = append(fields, `"f`+strconv.Itoa(i)+`":{"type":"string"}`)
	}
	compact := `{"type":"object","properties":{` + strings.Join(fields, ",") + `}}`
	small := `{"type":"object","properties":{"a":{"type":"string"}}}`
	for name, raw := range map[string]string{"compact": compact, "small": small} {
		stored, problem, err := schemaParser(context.Background(), nil, raw)
		if err != nil {
			t.Fatal(err)
		}
		if problem != "" {
			if name == "small" {
				t.Errorf("the small schema is refused: %s", problem)
			}
			continue
		}
		if _, err := schema.Parse(stored.(json.RawMessage)); err != nil {
			t.Errorf("the %s schema was stored (%d bytes) but cannot be read: %v", name, len(stored.(json.RawMessage)), err)
		}
	}
	if len(compact) > schema.MaxBytes {
		t.Fatalf("the compact schema has %d bytes; it must fit the limit as typed", len(compact))
	}
}
