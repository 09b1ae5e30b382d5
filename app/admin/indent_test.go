package admin

import (
	"strings"
	"testing"
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
	for text, want := range map[string]int{`{}`: 1, `[[],[[]]]`: 3, `"[[["`: 0, `{"a\"[": [1]}`: 2, `[[[`: 3} {
		if got := nesting(text); got != want {
			t.Errorf("nesting(%s) = %d, want %d", text, got, want)
		}
	}
}
