package i18n

import (
	"context"
	"strings"
	"testing"
)

// Every text must exist in every language, with the same placeholders.
func TestCatalogsAreComplete(t *testing.T) {
	for key, de := range Keys(DE) {
		en, ok := Keys(EN)[key]
		if !ok {
			t.Errorf("%q has no English text", key)
			continue
		}
		if strings.Count(de, "%") != strings.Count(en, "%") {
			t.Errorf("%q: placeholders differ: %q vs %q", key, de, en)
		}
	}
	for key := range Keys(EN) {
		if _, ok := Keys(DE)[key]; !ok {
			t.Errorf("%q has no German text", key)
		}
	}
}

func TestLanguageChoice(t *testing.T) {
	tests := map[string]Lang{
		"":                     DE,
		"en":                   EN,
		"en-US,en;q=0.9":       EN,
		"de-AT":                DE,
		"fr-FR,en;q=0.5":       EN,
		"fr":                   DE,
		"garbage;;;":           DE,
		"de;q=0.4,en-GB;q=0.8": EN,
	}
	for header, want := range tests {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
	ctx := WithLang(context.Background(), EN)
	if T(ctx, "layout.nav.events") != "Events" || T(context.Background(), "layout.nav.events") != "Veranstaltungen" {
		t.Error("T does not follow the context's language")
	}
	if T(ctx, "no.such.key") != "no.such.key" {
		t.Error("a missing key should show itself")
	}
}
