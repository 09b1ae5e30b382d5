// Package i18n holds the message catalogs and picks the language of a
// request. German is the default; every key exists in English too.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Lang is a supported UI language.
type Lang string

// The languages memberdb speaks; the first is the default.
const (
	DE Lang = "de"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{DE, EN}

// Catalog files are named <domain>.<lang>.json so each domain keeps its own
// texts; keys are prefixed with the domain by convention.
//
//go:embed locales/*.json
var files embed.FS

var catalogs = mustLoad()

func mustLoad() map[Lang]map[string]string {
	out := map[Lang]map[string]string{DE: {}, EN: {}}
	names, err := fs.Glob(files, "locales/*.json")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		parts := strings.Split(path.Base(name), ".")
		lang := Lang(parts[len(parts)-2])
		cat, ok := out[lang]
		if !ok {
			panic("i18n: unknown language in " + name)
		}
		b, _ := files.ReadFile(name)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", name, err))
		}
		for k, v := range m {
			if _, dup := cat[k]; dup {
				panic(fmt.Sprintf("i18n: key %q defined twice for %s", k, lang))
			}
			cat[k] = v
		}
	}
	return out
}

// Keys returns every key of lang's catalog, for completeness tests.
func Keys(lang Lang) map[string]string { return catalogs[lang] }

// Has reports whether the catalog of ctx's language has key itself, for
// texts with a particular wording that fall back to a general one.
func Has(ctx context.Context, key string) bool {
	_, ok := catalogs[LangOf(ctx)][key]
	return ok
}

type ctxKey struct{}

// WithLang stores the request's language in ctx.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// LangOf returns the language stored in ctx, German when none is.
func LangOf(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return DE
}

// Formality is how German texts address the reader: du, the default, or
// Sie. An event chooses it for everything its participants read. English
// has no such distinction and ignores it.
type Formality string

// The forms of address; the values are those stored with an event.
const (
	Du  Formality = "du"
	Sie Formality = "sie"
)

// Formalities lists the forms of address, the default first.
var Formalities = []Formality{Du, Sie}

// FormalSuffix ends the key of a text's formal variant: "events.x.formal" is
// what T shows for "events.x" in a context addressing the reader with Sie.
// Texts without the variant read the same either way.
const FormalSuffix = ".formal"

type formalityKey struct{}

// WithFormality stores the form of address of what the request shows.
func WithFormality(ctx context.Context, f Formality) context.Context {
	return context.WithValue(ctx, formalityKey{}, f)
}

// FormalityOf returns the form of address stored in ctx, du when none is.
func FormalityOf(ctx context.Context) Formality {
	if f, ok := ctx.Value(formalityKey{}).(Formality); ok {
		return f
	}
	return Du
}

// T translates key into the language and the form of address of ctx;
// args fill fmt verbs.
func T(ctx context.Context, key string, args ...any) string {
	return InF(LangOf(ctx), FormalityOf(ctx), key, args...)
}

// Pick is a text the association wrote in both languages as a reader of
// lang reads it: the English for English readers where there is one,
// else the German.
func Pick(lang Lang, de, en string) string {
	if lang == EN && en != "" {
		return en
	}
	return de
}

// In translates key into lang. A missing key shows itself, so it is seen
// in review rather than rendering as an empty string.
func In(lang Lang, key string, args ...any) string {
	return InF(lang, Du, key, args...)
}

// InF translates key into lang addressing the reader as f: the key's
// formal variant (key+FormalSuffix) when f is Sie and the catalog has one.
func InF(lang Lang, f Formality, key string, args ...any) string {
	s, ok := "", false
	if f == Sie {
		// Only lang's own: English has no formal variants, and German
		// ones must not stand in for them.
		s, ok = catalogs[lang][key+FormalSuffix]
	}
	if !ok {
		s, ok = lookup(lang, key)
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func lookup(lang Lang, key string) (string, bool) {
	s, ok := catalogs[lang][key]
	if !ok {
		s, ok = catalogs[DE][key]
	}
	return s, ok
}

// N translates a message about n things: key+".one" when n is 1, else
// key+".other" (German and English need no other forms). n fills the
// first verb, args the ones after it.
func N(ctx context.Context, key string, n int, args ...any) string {
	return InF(LangOf(ctx), FormalityOf(ctx), PluralKey(key, n), append([]any{n}, args...)...)
}

// InN is N for lang.
func InN(lang Lang, key string, n int, args ...any) string {
	return In(lang, PluralKey(key, n), append([]any{n}, args...)...)
}

// PluralKey is the key of the form of key's message that fits n things,
// for messages translated later than they are made.
func PluralKey(key string, n int) string {
	if n == 1 {
		return key + ".one"
	}
	return key + ".other"
}

// Parse returns the supported language named by s, or false.
func Parse(s string) (Lang, bool) {
	for _, l := range Langs {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}

var matcher = language.NewMatcher([]language.Tag{language.German, language.English})

// FromAcceptLanguage picks the best supported language for the header value.
func FromAcceptLanguage(header string) Lang {
	return accepted.lang(header)
}

// matchAcceptLanguage is FromAcceptLanguage without the cache.
func matchAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return DE
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return DE
	}
	return Langs[idx]
}

// Decimal writes a number as stored (a point before its fraction) the way
// lang's readers write it: "1,85" in German, on pages, in mails and in
// the CSV, whose semicolons are German spreadsheets' too. It does not
// group thousands: answers may be years.
func Decimal(lang Lang, number string) string {
	if lang == DE {
		return strings.Replace(number, ".", ",", 1)
	}
	return number
}

// Day writes a date as stored (2026-12-07, as a form's date field keeps
// it) the way lang's readers write a day; anything else stays as it is.
func Day(lang Lang, iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return d.Format(DayLayout(lang))
}

// DayTime writes a local date and time as a form keeps it
// (2026-12-07T10:00) the way lang's readers write it; anything else stays
// as it is.
func DayTime(lang Lang, local string) string {
	t, err := time.Parse("2006-01-02T15:04", local)
	if err != nil {
		return local
	}
	return t.Format(DayTimeLayout(lang))
}

// DayTimeLayout is the time layout of a day and a time in lang, to the
// minute: "07.12.2026 10:00", "7 Dec 2026 10:00".
func DayTimeLayout(lang Lang) string { return DayLayout(lang) + " 15:04" }

// dayLayouts write a calendar day as lang's readers do.
var dayLayouts = map[Lang]string{DE: "02.01.2006", EN: "2 Jan 2006"}

// DayLayout is the time layout of a calendar day in lang: "07.12.2026",
// "7 Dec 2026".
func DayLayout(lang Lang) string {
	if l, ok := dayLayouts[lang]; ok {
		return l
	}
	return dayLayouts[DE]
}
