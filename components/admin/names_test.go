package admin

import (
	"slices"
	"strings"
	"testing"
)

func TestNamePartsBreakAfterUnderscoresAndDots(t *testing.T) {
	tests := map[string][]string{
		"persons, person_search_words": {"persons, person_", "search_", "words"},
		"events.notify_email":          {"events.", "notify_", "email"},
		"audit_log":                    {"audit_", "log"},
		"sessions":                     {"sessions"},
		"trailing_":                    {"trailing_"},
		"":                             nil,
	}
	for in, want := range tests {
		if got := nameParts(in); !slices.Equal(got, want) {
			t.Errorf("nameParts(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStoredInEscapesItsParts(t *testing.T) {
	var b strings.Builder
	if err := storedIn("a_<b>.c").Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "a_<wbr>&lt;b&gt;.<wbr>c"; got != want {
		t.Errorf("storedIn = %q, want %q", got, want)
	}
}
