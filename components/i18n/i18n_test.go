package i18n

import (
	"context"
	"strings"
	"testing"
)

// Every text must exist in every language, with the same placeholders.
// Formal variants (".formal") are German only and vary a text that exists.
func TestCatalogsAreComplete(t *testing.T) {
	for key, de := range Keys(DE) {
		if base, ok := strings.CutSuffix(key, FormalSuffix); ok {
			if plain, has := Keys(DE)[base]; !has {
				t.Errorf("%q varies %q, which does not exist", key, base)
			} else if strings.Count(de, "%") != strings.Count(plain, "%") {
				t.Errorf("%q: placeholders differ from %q", key, base)
			}
			continue
		}
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
		if strings.HasSuffix(key, FormalSuffix) {
			t.Errorf("%q: English has no formal address", key)
		}
	}
}

// Messages about a number of things have both forms, also where the
// number has never been 1 so far (limits from configuration or a schema).
func TestCountedMessagesHaveForms(t *testing.T) {
	for _, key := range []string{
		"events.list.free", "events.registration.free", "events.field.minlength", "events.field.maxlength",
		"events.schema.too_deep", "auth.reset.validity", "auth.error.too_short", "auth.newpw.rule",
		"members.error.name.long", "members.error.email.long", "members.error.message.long", "members.deletions.upcoming",
	} {
		for _, lang := range Langs {
			for _, form := range []string{".one", ".other"} {
				if !strings.Contains(Keys(lang)[key+form], "%d") {
					t.Errorf("%s: %q has no form %s counting with %%d", lang, key, form)
				}
			}
			if _, bare := Keys(lang)[key]; bare {
				t.Errorf("%s: %q still has a form for every number", lang, key)
			}
		}
	}
}

// A context addressing the reader with Sie gets a text's formal variant
// in German, where there is one, and the same English text.
func TestFormality(t *testing.T) {
	de := WithLang(context.Background(), DE)
	en := WithLang(context.Background(), EN)
	for _, tt := range []struct {
		ctx  context.Context
		key  string
		want string
	}{
		{de, "events.personal.answers", "Deine Angaben"},
		{WithFormality(de, Du), "events.personal.answers", "Deine Angaben"},
		{WithFormality(de, Sie), "events.personal.answers", "Ihre Angaben"},
		{WithFormality(en, Sie), "events.personal.answers", "Your answers"},
		// Without a formal variant the text reads the same.
		{WithFormality(de, Sie), "events.form.name", "Name"},
	} {
		if got := T(tt.ctx, tt.key); got != tt.want {
			t.Errorf("%s in %s/%s = %q, want %q", tt.key, LangOf(tt.ctx), FormalityOf(tt.ctx), got, tt.want)
		}
	}
	if got := InF(DE, Sie, "events.personal.waitinglist", 3); got != "Ausgebucht: Sie stehen auf Platz 3 der Warteliste." {
		t.Errorf("InF = %q", got)
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
	for range 2 { // the second round is answered from the cache
		for header, want := range tests {
			if got := FromAcceptLanguage(header); got != want {
				t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
			}
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
		{N(de, "events.list.free", 1), "1 Platz frei"},
		{N(de, "events.list.free", 2), "2 Plätze frei"},
		{N(en, "events.registration.free", 1), "1 place left"},
		{N(en, "events.field.maxlength", 1), "Please enter at most 1 character."},
		{N(de, "members.deletions.upcoming", 1), "Noch 1 Anmeldung zu einer anstehenden Veranstaltung."},
		{N(en, "auth.reset.validity", 1), "1 minute"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestDayWritesAStoredDateAsReadersDo(t *testing.T) {
	for _, tt := range []struct {
		lang     Lang
		in, want string
	}{
		{DE, "1990-05-17", "17.05.1990"},
		{EN, "1990-05-17", "17 May 1990"},
		{DE, "17.05.1990", "17.05.1990"},
		{DE, "", ""},
		{DE, "2026-02-30", "2026-02-30"},
	} {
		if got := Day(tt.lang, tt.in); got != tt.want {
			t.Errorf("Day(%s, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}
