package schema

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pepalumni/memberdb/components/i18n"
)

// In is the form as lang's readers see it: for English, the labels and
// hints the schema gives in English (label_en, error_hint_en) and its
// choices' English (enum_en), each without them keeping its German. The
// answers' names, values and checks are the same. The form is shared; callers must not change it. Call it
// on the form ParseCached returns: the English form has no German.
func (fm *Form) In(lang i18n.Lang) *Form {
	if lang == i18n.EN && fm.en != nil {
		return fm.en
	}
	return fm
}

// EnglishChoices are the choices of enum as English readers read them:
// en's text where it has one (en in enum's order, shorter or with ""
// for those left German), enum's otherwise. ok is false when readers
// would see two alike, which they could not tell apart.
func EnglishChoices(enum, en []string) (labels []string, ok bool) {
	labels = make([]string, len(enum))
	for i, s := range enum {
		labels[i] = s
		if i < len(en) {
			labels[i] = cmp.Or(strings.TrimSpace(en[i]), s)
		}
	}
	return labels, len(slices.Compact(slices.Sorted(slices.Values(labels)))) == len(labels)
}

// english builds the English form, or nil when no field has English.
func (fm *Form) english() *Form {
	fields, any := englishFields(fm.Fields)
	if !any {
		return nil
	}
	return &Form{Fields: fields, Raw: fm.Raw, compiled: fm.compiled}
}

func englishFields(fields []*Field) ([]*Field, bool) {
	out := make([]*Field, len(fields))
	any := false
	for i, f := range fields {
		c := *f
		if f.labelEN != "" {
			c.Label, any = f.labelEN, true
			c.shortLabel = "" // worked out again from the English
			c.shortLabel = c.ShortLabel()
			c.labelName, c.labelHelp = SplitLabel(c.Label)
			// Help not given in English is read in German, as the
			// builder says.
			if c.labelHelp == "" {
				c.labelHelp = f.labelHelp
			}
		}
		// A hint written in German only is left out: the English check's
		// own message follows instead of a sentence in each language.
		c.ErrorHint = f.errorHintEN
		if f.errorHintEN != "" {
			any = true
		}
		if slices.ContainsFunc(f.enumEN, func(s string) bool { return s != "" }) {
			c.choiceLabels, _ = EnglishChoices(f.Enum, f.enumEN)
			any = true
		}
		if len(f.Children) > 0 {
			var childAny bool
			c.Children, childAny = englishFields(f.Children)
			any = any || childAny
		}
		out[i] = &c
	}
	return out, any
}
