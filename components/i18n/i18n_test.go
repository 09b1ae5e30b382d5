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

// A message about a count has its singular and its plural, and N picks
// the one that fits: "1 Mail", "2 Mails", never "1 Mails".
func TestCountsHaveSingularAndPlural(t *testing.T) {
	for _, lang := range Langs {
		for key := range Keys(lang) {
			// (A ".one" that counts nothing, like "Anmeldung %s", is a name.)
			if base, ok := strings.CutSuffix(key, ".one"); ok && strings.Contains(Keys(lang)[key], "%d") {
				if _, has := Keys(lang)[base+".other"]; !has {
					t.Errorf("%s: %q has no %q", lang, key, base+".other")
				}
			}
			if base, ok := strings.CutSuffix(key, ".other"); ok {
				if _, has := Keys(lang)[base+".one"]; !has {
					t.Errorf("%s: %q has no %q", lang, key, base+".one")
				}
			}
		}
	}
	de := WithLang(context.Background(), DE)
	en := WithLang(context.Background(), EN)
	for _, tt := range []struct {
		got, want string
	}{
		{N(de, "mail.admin.count", 1), "1 Mail"},
		{N(de, "mail.admin.count", 2), "2 Mails"},
		{N(de, "mail.admin.count", 0), "0 Mails"},
		{N(en, "mail.admin.count", 1), "1 mail"},
		{N(de, "members.validity.minutes", 1), "1 Minute"},
		{N(de, "members.validity.minutes", 30), "30 Minuten"},
		{N(en, "members.validity.hours", 1), "1 hour"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
