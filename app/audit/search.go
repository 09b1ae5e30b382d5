package audit

import (
	"slices"
	"strings"
	"sync"

	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Codes are what the log stores for the words a reader sees: a search for
// "Eingelassen" must find the field checked_in_at, "Warteliste" the status
// waitinglist.
type Codes struct {
	// Fields are named alike in every table; TableFields ("table.field")
	// only in theirs, as FieldName words them.
	Fields, TableFields, Tables, Actors []string
	// Values mean the same in any field (the code's phrases, yes and no,
	// states); FieldValues ("field=value") only in theirs: a language
	// code, a relation's id, a type's key.
	Values, FieldValues []string
	// Created, Deleted, Anonymised: the word is how the log names an
	// entry about a whole row (RowEvent).
	Created, Deleted, Anonymised bool
}

// word is one catalog text the log shows for a stored code.
type word struct {
	text string // lower case
	kind byte   // 'f'ield, 'F' table.field, 't'able, 'v'alue, 'V' field=value, 'a'ctor, 'r'ow event
	code string
}

var (
	wordsOnce sync.Once
	wordsOf   map[i18n.Lang][]word
)

// CodesFor are the codes whose words, in lang, contain the typed word
// (case ignored).
func CodesFor(lang i18n.Lang, typed string) Codes {
	wordsOnce.Do(loadWords)
	typed = strings.ToLower(typed)
	var c Codes
	for _, w := range wordsOf[lang] {
		if !strings.Contains(w.text, typed) {
			continue
		}
		switch w.kind {
		case 'f':
			c.Fields = appendNew(c.Fields, w.code)
		case 'F':
			c.TableFields = appendNew(c.TableFields, w.code)
		case 'V':
			c.FieldValues = appendNew(c.FieldValues, w.code)
		case 't':
			c.Tables = appendNew(c.Tables, w.code)
		case 'v':
			c.Values = appendNew(c.Values, w.code)
		case 'a':
			c.Actors = appendNew(c.Actors, w.code)
		case 'r':
			c.Created = c.Created || w.code == "created"
			c.Deleted = c.Deleted || w.code == "deleted"
			c.Anonymised = c.Anonymised || w.code == "anonymised"
		}
	}
	return c
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// loadWords reads the catalog's keys the log's wording uses (TableName,
// FieldName, ValueName, the actors) back into their codes.
func loadWords() {
	wordsOf = map[i18n.Lang][]word{}
	for _, lang := range []i18n.Lang{i18n.DE, i18n.EN} {
		var list []word
		for key, text := range i18n.Keys(lang) {
			text = strings.ToLower(text)
			add := func(kind byte, code string) { list = append(list, word{text: text, kind: kind, code: code}) }
			switch {
			case key == rowKeys+"created" || key == rowKeys+"deleted" || key == rowKeys+"anonymised":
				add('r', strings.TrimPrefix(key, rowKeys))
			case strings.HasPrefix(key, languageKeys):
				add('V', "language="+strings.TrimPrefix(key, languageKeys))
			case choiceKey(key) != "":
				add('V', choiceKey(key))
			case strings.HasPrefix(key, fieldKeys):
				add('f', strings.TrimPrefix(key, fieldKeys))
			case strings.HasPrefix(key, tableKeys):
				add('t', strings.TrimPrefix(key, tableKeys))
			case strings.HasPrefix(key, actorKeys):
				add('a', strings.ReplaceAll(strings.TrimPrefix(key, actorKeys), "_", " "))
			case strings.HasPrefix(key, valueKeys):
				add('v', strings.ReplaceAll(strings.TrimPrefix(key, valueKeys), "_", " "))
			case strings.HasPrefix(key, statusKeys):
				add('v', strings.TrimPrefix(key, statusKeys))
			case strings.HasPrefix(key, memberKeys):
				add('v', strings.TrimPrefix(key, memberKeys))
			case strings.HasPrefix(key, events.StatusKeyPrefix):
				add('v', strings.TrimPrefix(key, events.StatusKeyPrefix))
			case key == "admin.yes":
				add('v', "true")
			case key == "admin.no":
				add('v', "false")
			case strings.HasPrefix(key, "admin.") && strings.HasSuffix(key, ".title"):
				add('t', strings.TrimSuffix(strings.TrimPrefix(key, "admin."), ".title"))
			case strings.Count(key, ".") == 2 && strings.HasPrefix(key, "admin."):
				// admin.<table>.<field>, FieldName's first choice.
				add('F', strings.TrimPrefix(key, "admin."))
			}
		}
		wordsOf[lang] = list
	}
}

// Matching are the stored values ("field=value") of the relations and
// types whose names contain the typed word (case ignored).
func (n Names) Matching(typed string) []string {
	typed = strings.ToLower(typed)
	var out []string
	for id, name := range n.relations {
		if strings.Contains(strings.ToLower(name), typed) {
			out = append(out, "tu_status="+id, "tu_status_id="+id)
		}
	}
	for key, name := range n.types {
		if strings.Contains(strings.ToLower(name), typed) {
			out = append(out, "membership_type="+key)
		}
	}
	return out
}

// choiceKey is the "field=value" code a choice's catalog key words, or "".
func choiceKey(key string) string {
	for field, prefix := range choiceKeys {
		if value, ok := strings.CutPrefix(key, prefix); ok {
			return field + "=" + value
		}
	}
	return ""
}
