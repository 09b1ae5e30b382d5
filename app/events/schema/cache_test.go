package schema

import (
	"fmt"
	"testing"
)

func TestParseCachedSharesOneFormPerSchema(t *testing.T) {
	a := []byte(`{"type":"object","properties":{"diet":{"type":"string","title":"Essen"}}}`)
	b := []byte(`{"type":"object","properties":{"diet":{"type":"string","title":"Ernährung"}}}`)
	first, err := ParseCached(a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseCached(append([]byte(nil), a...))
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("the same schema text was parsed twice")
	}
	other, err := ParseCached(b)
	if err != nil {
		t.Fatal(err)
	}
	if other == first || other.Fields[0].Label != "Ernährung" {
		t.Errorf("a changed schema gave the old form: label %q", other.Fields[0].Label)
	}
}

func TestParseCachedReturnsErrorsAndStaysBounded(t *testing.T) {
	bad := []byte(`{"type":"object","properties":{"name":{"type":"string"}}}`)
	for range 2 {
		if _, err := ParseCached(bad); err == nil {
			t.Fatal("a schema using the reserved name was accepted")
		}
	}
	for i := range 2 * cacheSize {
		raw := fmt.Appendf(nil, `{"type":"object","properties":{"f%d":{"type":"string"}}}`, i)
		if _, err := ParseCached(raw); err != nil {
			t.Fatal(err)
		}
	}
	forms.RLock()
	n := len(forms.byRaw)
	forms.RUnlock()
	if n > cacheSize {
		t.Errorf("cache holds %d forms, bound is %d", n, cacheSize)
	}
}
