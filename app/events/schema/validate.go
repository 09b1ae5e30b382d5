package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/pepalumni/memberdb/app/mail"
	"github.com/pepalumni/memberdb/components/i18n"
)

// Errors maps a field's path to the message shown next to it.
type Errors map[string]string

// Validate reads the answers to fm's fields from submitted form values
// (field names are the fields' paths) and checks them by the form rules and
// against the schema. Answers are typed as the schema says: strings,
// integers as int64, numbers as float64, booleans as bool, objects as
// nested maps; empty optional fields are left out. errs is empty when the
// answers may be stored; messages are in lang, or the field's error_hint.
func Validate(fm *Form, values url.Values, lang i18n.Lang) (answers map[string]any, errs Errors) {
	errs = Errors{}
	answers = readObject(fm.Fields, values, errs, lang)
	for path, msg := range CheckAnswers(fm, answers, lang) {
		if _, seen := errs[path]; !seen {
			errs[path] = msg
		}
	}
	return answers, errs
}

func readObject(fields []*Field, values url.Values, errs Errors, lang i18n.Lang) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if f.Type == "object" {
			out[f.Name] = readObject(f.Children, values, errs, lang)
			continue
		}
		if f.Hidden {
			// Not shown, so not sent: whatever comes is not an answer.
			if f.Default != nil {
				out[f.Name] = f.Default
			}
			continue
		}
		v, prob := readField(f, values.Get(f.Path), lang)
		if prob.key != "" {
			errs[f.Path] = hintOr(f, lang, prob)
		}
		if v != nil {
			out[f.Name] = v
		}
	}
	return out
}

// problem is a message key with its arguments, translated late so the
// field's error_hint can win.
type problem struct {
	key  string
	args []any
}

func problemOf(key string, args ...any) problem { return problem{key: key, args: args} }

// countProblem is a message about n things (i18n.N: key.one or key.other).
func countProblem(key string, n int) problem {
	return problem{key: i18n.PluralKey(key, n), args: []any{n}}
}

// hintOr is the message for problem p of field f: the organiser's
// error_hint, written for what they expected to go wrong. Balanced $ and
// a length limit (the server's default one, or the organiser's, which
// the message states as precisely) speak for themselves: "Der Titel
// fehlt" answered a title with a lone $. A number out of range
// or not a number gets the hint and the range, since a hint such as
// "Höchstens 8" said nothing to someone who typed 0.
func hintOr(f *Field, lang i18n.Lang, p problem) string {
	own := i18n.In(lang, p.key, p.args...)
	if f == nil || f.ErrorHint == "" || p.key == "events.field.latex" || strings.HasPrefix(p.key, "events.field.maxlength") {
		return own
	}
	switch p.key {
	case "events.field.integer", "events.field.integer_marks", "events.field.number", "events.field.number_marks", "events.field.between", "events.field.min", "events.field.max":
		return f.ErrorHint + " " + own
	}
	return f.ErrorHint
}

// readField types one submitted value, numbers as lang's readers write
// them; a problem with an empty key means the value is fine.
func readField(f *Field, raw string, lang i18n.Lang) (any, problem) {
	if f.Type == "boolean" {
		checked := raw != "" && raw != "false" && raw != "0" && raw != "off"
		if f.MustTick() && !checked {
			return checked, problemOf("events.field.tick")
		}
		return checked, problem{}
	}
	if f.Format == "multiline" {
		raw = strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	} else {
		raw = strings.TrimSpace(raw)
	}
	if raw == "" {
		if f.Required && len(f.Enum) > 0 {
			return nil, problemOf("events.field.choose")
		}
		if f.Required {
			return nil, problemOf("events.field.required")
		}
		return nil, problem{}
	}
	switch f.Type {
	case "integer":
		plain, ok := plainNumber(raw, lang, true)
		if !ok {
			return nil, numberProblem(raw, "events.field.integer", "events.field.integer_marks")
		}
		i, err := strconv.ParseInt(plain, 10, 64)
		if err != nil {
			return nil, problemOf("events.field.integer")
		}
		return i, rangeProblem(f, float64(i), lang)
	case "number":
		plain, ok := plainNumber(raw, lang, false)
		if !ok {
			return nil, numberProblem(raw, "events.field.number", "events.field.number_marks")
		}
		x, err := strconv.ParseFloat(plain, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, problemOf("events.field.number")
		}
		if x == 0 {
			x = 0 // "-0" is stored and shown as 0
		}
		return x, rangeProblem(f, x, lang)
	}
	return raw, stringProblem(f, raw)
}

// rangeProblem names the allowed range, so the message says what to enter.
func rangeProblem(f *Field, x float64, lang i18n.Lang) problem {
	if inRange(x, f) {
		return problem{}
	}
	return rangeMessage(f, lang)
}

// rangeMessage writes the bounds as lang's readers write numbers, as
// they are asked to type them.
func rangeMessage(f *Field, lang i18n.Lang) problem {
	switch {
	case f.Minimum != nil && f.Maximum != nil:
		return problemOf("events.field.between", FormatNumber(*f.Minimum, lang), FormatNumber(*f.Maximum, lang))
	case f.Minimum != nil:
		return problemOf("events.field.min", FormatNumber(*f.Minimum, lang))
	case f.Maximum != nil:
		return problemOf("events.field.max", FormatNumber(*f.Maximum, lang))
	}
	return problemOf("events.field.invalid")
}

func stringProblem(f *Field, s string) problem {
	n := utf8.RuneCountInString(s)
	switch {
	case len(f.Enum) > 0 && !slices.Contains(f.Enum, s):
		return problemOf("events.field.choice")
	case f.MinLength != nil && n < *f.MinLength:
		return countProblem("events.field.minlength", *f.MinLength)
	case f.MaxLength != nil && n > *f.MaxLength:
		return countProblem("events.field.maxlength", *f.MaxLength)
	case f.pattern != nil && !f.pattern.MatchString(s):
		return problemOf("events.field.pattern")
	case f.Format == "email" && !mail.ValidAddress(s):
		return problemOf("events.field.email")
	case f.Format == "latex" && !Balanced(s):
		return problemOf("events.field.latex")
	case f.Format == "date" && !validDate(s):
		return problemOf("events.field.date")
	}
	return problem{}
}

// validDate is a calendar date as a date input sends it: the JSON
// Schema library does not assert formats, so the form does.
func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// Balanced reports whether the $ delimiters of s pair up the way KaTeX's
// auto-render reads them: $…$ inline, $$…$$ display, \$ a literal dollar.
// assets/js/events.js applies the same rule in the browser.
func Balanced(s string) bool {
	open := ""
	for i := 0; i < len(s); {
		switch {
		case s[i] == '\\':
			i += 2
		case s[i] != '$':
			i++
		case open == "$":
			open = ""
			i++
		case strings.HasPrefix(s[i:], "$$"):
			if open == "$$" {
				open = ""
			} else {
				open = "$$"
			}
			i += 2
		case open == "$$":
			return false // a lone $ inside display math
		default:
			open = "$"
			i++
		}
	}
	return open == ""
}

// CheckAnswers validates typed answers (as Validate returns them, or as
// stored and decoded from JSON) against the schema and the server-side
// rules (default length limits, balanced $ in latex fields). The admin
// console uses it for answers edited directly. The result maps paths to
// messages; "" is the root.
func CheckAnswers(fm *Form, answers map[string]any, lang i18n.Lang) Errors {
	errs := Errors{}
	for _, f := range fm.Flatten() {
		s, ok := lookup(answers, f.Path).(string)
		switch {
		case !ok:
		// The schema's required asks for the key only; the form asks
		// for an answer.
		case f.Required && !f.Hidden && strings.TrimSpace(s) == "" && len(f.Enum) == 0:
			errs[f.Path] = hintOr(f, lang, problemOf("events.field.required"))
		case f.MaxLength != nil && utf8.RuneCountInString(s) > *f.MaxLength:
			errs[f.Path] = hintOr(f, lang, countProblem("events.field.maxlength", *f.MaxLength))
		case f.Format == "latex" && !Balanced(s):
			errs[f.Path] = hintOr(f, lang, problemOf("events.field.latex"))
		case f.Format == "date" && !validDate(s):
			errs[f.Path] = hintOr(f, lang, problemOf("events.field.date"))
		}
	}
	b, err := json.Marshal(answers)
	if err != nil {
		errs[""] = i18n.In(lang, "events.field.invalid")
		return errs
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		errs[""] = i18n.In(lang, "events.field.invalid")
		return errs
	}
	err = fm.compiled.Validate(inst)
	var verr *jsonschema.ValidationError
	if err == nil || !errors.As(err, &verr) {
		return errs
	}
	for _, leaf := range leaves(verr) {
		loc := strings.Join(leaf.InstanceLocation, ".")
		f := fm.Field(loc)
		p := problemOf("events.field.invalid")
		switch k := leaf.ErrorKind.(type) {
		case *kind.Required:
			for _, missing := range k.Missing {
				path := missing
				if loc != "" {
					path = loc + "." + missing
				}
				setOnce(errs, path, hintOr(fm.Field(path), lang, problemOf("events.field.required")))
			}
			continue
		case *kind.Minimum, *kind.Maximum:
			if f != nil {
				p = rangeMessage(f, lang)
			}
		case *kind.Pattern:
			p = problemOf("events.field.pattern")
		case *kind.Format:
			p = problemOf("events.field.email")
		case *kind.Const:
			p = problemOf("events.field.tick")
		case *kind.Enum:
			p = problemOf("events.field.choice")
		}
		setOnce(errs, loc, hintOr(f, lang, p))
	}
	return errs
}

func setOnce(errs Errors, path, msg string) {
	if _, ok := errs[path]; !ok {
		errs[path] = msg
	}
}

// lookup returns the answer at a dotted path, nil when absent.
func lookup(answers map[string]any, path string) any {
	var cur any = answers
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// Lookup returns the answer to the field at path from stored answers (nil
// when not answered), e.g. for a cell of the participants table.
func Lookup(answers map[string]any, path string) any { return lookup(answers, path) }

// Values turns stored answers back into form values, so a saved
// registration shows in its form, numbers as lang's readers write them
// (and Validate reads them back). Fields without an answer are left out.
func Values(fm *Form, answers map[string]any, lang i18n.Lang) url.Values {
	out := url.Values{}
	for _, f := range fm.Flatten() {
		v := lookup(answers, f.Path)
		if v == nil {
			continue
		}
		if s := FormatAnswer(v); s != "" {
			if b, ok := v.(bool); ok {
				if b {
					out.Set(f.Path, "on")
				}
				continue
			}
			out.Set(f.Path, formValue(v, s, lang))
		}
	}
	return out
}

// Defaults are the form values of a new registration: the schema's
// defaults, numbers as lang's readers write them.
func Defaults(fm *Form, lang i18n.Lang) url.Values {
	out := url.Values{}
	for _, f := range fm.Flatten() {
		switch d := f.Default.(type) {
		case nil:
		case bool:
			if d {
				out.Set(f.Path, "on")
			}
		default:
			out.Set(f.Path, formValue(d, FormatAnswer(d), lang))
		}
	}
	return out
}

// formValue is answer v, written s by FormatAnswer, as a form field
// shows it: a number with lang's decimal mark, so that a German 1.125
// is not read back as 1125.
func formValue(v any, s string, lang i18n.Lang) string {
	switch v.(type) {
	case float64, json.Number:
		return i18n.Decimal(lang, s)
	}
	return s
}

// FormatNumber writes a number as lang's readers write it, e.g. a bound
// of a number field in a message: 2,5 in German.
func FormatNumber(x float64, lang i18n.Lang) string {
	return i18n.Decimal(lang, FormatAnswer(x))
}

// FormatAnswer writes one answer as text: numbers without exponent or
// trailing zeros, booleans as true/false.
func FormatAnswer(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		// Past 1e21 with an exponent, as JSON writes it: an answer like
		// 1e300 is not three hundred digits wide in a mail or a list.
		if math.Abs(x) >= 1e21 {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}
