package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/pepalumni/memberdb/components/events"
	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/ui"
)

// Problem is one reason a schema is refused.
type Problem struct {
	// Location names the offending part of the schema, keys joined with
	// ".", e.g. "properties.languages.properties.python"; "" is the root.
	Location string
	// Key is the message's catalog key; Args fill its verbs.
	Key  string
	Args []any
	// Detail is what the library that found the problem (encoding/json,
	// the JSON Schema compiler, regexp) says about it, in its English:
	// shown smaller after the translated text, never instead of it.
	Detail string
}

// Text is the problem in lang, prefixed with its location; the Detail is
// not part of it.
func (p Problem) Text(lang i18n.Lang) string {
	msg := i18n.In(lang, p.Key, p.Args...)
	if p.Location == "" {
		return msg
	}
	return p.Location + ": " + msg
}

// View is the problem as a page shows it, in lang.
func (p Problem) View(lang i18n.Lang) events.Problem {
	return events.Problem{Text: p.Text(lang), Detail: p.Detail}
}

// ParseError lists every problem Parse found. The admin's schema editor
// shows them (Problem.Text) and refuses to save.
type ParseError struct {
	Problems []Problem
}

// Error lists the problems in English, for logs.
func (e *ParseError) Error() string {
	texts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		texts[i] = p.Text(i18n.EN)
		if p.Detail != "" {
			texts[i] += " (" + p.Detail + ")"
		}
	}
	return "schema: " + strings.Join(texts, "; ")
}

// Names of the top-level form fields that every registration form has; a
// schema property must not take them.
var reservedNames = []string{"name", "email"}

// schemaURL names the schema inside the compiler; nothing is ever loaded
// from it.
const schemaURL = "urn:memberdb:registration-schema"

// maxDepth bounds nesting: a form deeper than this is unreadable anyway.
const maxDepth = 6

// MaxBytes bounds a schema as the admin console stores it (indented); the
// largest form used for real (the toolbox workshop's) has 4 kB.
const MaxBytes = 100_000

// maxParseBytes is what Parse reads at most: room beyond MaxBytes for a
// schema stored otherwise (imported from the old system).
const maxParseBytes = 4 * MaxBytes

// Parse checks a registration schema and returns its form. It accepts only
// valid JSON that is a valid draft 7 JSON Schema and uses only constructs
// the form renderer supports; otherwise the error is a *ParseError with
// every problem and its location. $ref is refused, and the compiler never
// loads anything from the network or the file system.
func Parse(raw []byte) (*Form, error) { return parse(raw, false) }

// ParseNew is Parse for a schema about to be saved: its texts may hold no
// control characters either (an escaped NUL failed the mails quoting it).
// Stored schemas are read with Parse, which a stricter rule cannot break.
func ParseNew(raw []byte) (*Form, error) { return parse(raw, true) }

func parse(raw []byte, strict bool) (*Form, error) {
	// Refused before any work: every editor's preview parses what is typed.
	if len(raw) > maxParseBytes {
		return nil, fail("", "events.schema.too_long", maxParseBytes)
	}
	root, err := decodeOrdered(raw, strict)
	if err != nil {
		var dup errDuplicateKey
		if errors.As(err, &dup) {
			return nil, fail("", "events.schema.duplicate", dup.key)
		}
		if errors.Is(err, errTooDeep) {
			return nil, fail("", i18n.PluralKey("events.schema.too_deep", maxDepth), maxDepth)
		}
		var ctl errControl
		if errors.As(err, &ctl) {
			shown := strings.Map(func(r rune) rune {
				if hasControl(string(r)) {
					return '�'
				}
				return r
			}, ctl.text)
			if utf8.RuneCountInString(shown) > 40 {
				shown = string([]rune(shown)[:40]) + "…"
			}
			return nil, fail("", "events.schema.control", shown)
		}
		return nil, &ParseError{Problems: []Problem{jsonProblem(raw, err)}}
	}
	p := &parser{}
	fields := p.root(root)
	if len(p.problems) > 0 {
		return nil, &ParseError{Problems: p.problems}
	}
	compiled, err := compile(raw)
	if err != nil {
		return nil, err
	}
	fm := &Form{Fields: fields, Raw: append([]byte(nil), raw...), compiled: compiled}
	fm.en = fm.english()
	return fm, nil
}

func fail(location, key string, args ...any) *ParseError {
	return &ParseError{Problems: []Problem{{Location: location, Key: key, Args: args}}}
}

// jsonProblem says where raw stops being JSON, in words of our own; the
// decoder's message is the detail.
func jsonProblem(raw []byte, err error) Problem {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		line, column := position(raw, int(syn.Offset))
		return Problem{Key: "events.schema.json", Args: []any{line, column}, Detail: syn.Error()}
	case len(bytes.TrimSpace(raw)) == 0:
		return Problem{Key: "events.schema.empty"}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Problem{Key: "events.schema.json_end", Detail: "unexpected end of JSON input"}
	case errors.Is(err, errTrailingData):
		return Problem{Key: "events.schema.json_trailing", Detail: err.Error()}
	}
	return Problem{Key: "events.schema.json_other", Detail: err.Error()}
}

// position is the line and the column (in characters, from 1) of the
// character at offset in raw, where a json.Decoder stopped.
func position(raw []byte, offset int) (line, column int) {
	before := raw[:min(max(offset, 0), len(raw))]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
}

// refuseLoading is the compiler's loader: a schema must be self-contained.
type refuseLoading struct{}

func (refuseLoading) Load(url string) (any, error) {
	return nil, fmt.Errorf("loading %s is not allowed", url)
}

// compile checks raw against the draft 7 meta-schema and compiles it for
// validating answers.
func compile(raw []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, &ParseError{Problems: []Problem{{Key: "events.schema.json_other", Detail: err.Error()}}}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(refuseLoading{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("schema: add resource: %w", err)
	}
	compiled, err := c.Compile(schemaURL)
	if err == nil {
		return compiled, nil
	}
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		var verr *jsonschema.ValidationError
		if errors.As(sve.Err, &verr) {
			return nil, &ParseError{Problems: metaProblems(verr)}
		}
	}
	return nil, &ParseError{Problems: []Problem{{Key: "events.schema.meta", Detail: err.Error()}}}
}

var english = message.NewPrinter(language.English)

func metaProblems(verr *jsonschema.ValidationError) []Problem {
	var out []Problem
	for _, leaf := range leaves(verr) {
		out = append(out, Problem{
			Location: strings.Join(leaf.InstanceLocation, "."),
			Key:      "events.schema.meta",
			Detail:   leaf.ErrorKind.LocalizedString(english),
		})
	}
	return out
}

// leaves returns the innermost errors, which say what is actually wrong.
func leaves(verr *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(verr.Causes) == 0 {
		return []*jsonschema.ValidationError{verr}
	}
	var out []*jsonschema.ValidationError
	for _, c := range verr.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// parser walks the decoded schema and collects problems instead of
// stopping at the first, so the admin can fix them all at once.
type parser struct {
	problems []Problem
}

func (p *parser) add(location, key string, args ...any) {
	p.problems = append(p.problems, Problem{Location: location, Key: key, Args: args})
}

var rootKeys = []string{"$schema", "$comment", "title", "description", "type", "properties", "required", "additionalProperties"}

func (p *parser) root(n *node) []*Field {
	if n.typ != kindObject {
		p.add("", "events.schema.root_object")
		return nil
	}
	for _, key := range n.keys {
		if !slices.Contains(rootKeys, key) {
			p.add(key, "events.schema.unsupported_key", key)
		}
	}
	if s, ok := n.obj["$schema"]; ok {
		if s.typ != kindString || !isDraft7(s.str) {
			p.add("$schema", "events.schema.draft")
		}
	}
	if t, ok := n.obj["type"]; !ok || t.typ != kindString || t.str != "object" {
		p.add("type", "events.schema.root_object")
		return nil
	}
	fields := p.object(n, "", "", 0)
	for _, f := range fields {
		if slices.Contains(reservedNames, f.Name) {
			p.add("properties."+f.Name, "events.schema.reserved", f.Name)
		}
	}
	return fields
}

func isDraft7(url string) bool {
	url = strings.TrimSuffix(url, "#")
	return url == "http://json-schema.org/draft-07/schema" || url == "https://json-schema.org/draft-07/schema"
}

// object parses the properties and required list of an object schema at
// location whose fields live under pathPrefix.
func (p *parser) object(n *node, location, pathPrefix string, depth int) []*Field {
	if depth >= maxDepth {
		p.add(location, i18n.PluralKey("events.schema.too_deep", maxDepth), maxDepth)
		return nil
	}
	at := func(key string) string {
		if location == "" {
			return key
		}
		return location + "." + key
	}
	if ap, ok := n.obj["additionalProperties"]; ok && ap.typ != kindBool {
		p.add(at("additionalProperties"), "events.schema.bool", "additionalProperties")
	}
	props, ok := n.obj["properties"]
	if !ok {
		props = &node{typ: kindObject, obj: map[string]*node{}}
	}
	if props.typ != kindObject {
		p.add(at("properties"), "events.schema.properties")
		return nil
	}
	var required []string
	if req, ok := n.obj["required"]; ok {
		if req.typ != kindArray {
			p.add(at("required"), "events.schema.required_list")
		}
		for _, r := range req.arr {
			if r.typ != kindString {
				p.add(at("required"), "events.schema.required_list")
				continue
			}
			if _, exists := props.obj[r.str]; !exists {
				p.add(at("required"), "events.schema.required_unknown", r.str)
			}
			required = append(required, r.str)
		}
	}
	var fields []*Field
	for _, name := range props.keys {
		loc := at("properties." + name)
		if !validName(name) {
			p.add(loc, "events.schema.name", name)
			continue
		}
		path := name
		if pathPrefix != "" {
			path = pathPrefix + "." + name
		}
		if f := p.field(props.obj[name], loc, path, name, depth); f != nil {
			f.Required = slices.Contains(required, name)
			if f.Hidden && f.Required && f.Default == nil {
				// Nobody could answer it.
				p.add(loc, "events.schema.hidden_required")
			}
			fields = append(fields, f)
		}
	}
	return fields
}

// validName keeps names usable as form field names and answer keys:
// "." joins nested names, so it cannot be part of one.
func validName(name string) bool {
	if name == "" || len(name) > 100 || strings.ContainsAny(name, ". \t\r\n\"'<>&") {
		return false
	}
	return true
}

var (
	commonKeys = []string{"type", "label", "title", "description", "default", "error_hint", "hidden", "$comment",
		"label_en", "error_hint_en"}
	typeKeys = map[string][]string{
		"string":  {"enum", "enum_en", "format", "pattern", "minLength", "maxLength"},
		"integer": {"minimum", "maximum"},
		"number":  {"minimum", "maximum"},
		"boolean": {"const"},
		"object":  {"properties", "required", "additionalProperties"},
	}
	formats = []string{"date", "email", "latex", "multiline", "radio"}
)

func (p *parser) field(n *node, loc, path, name string, depth int) *Field {
	at := func(key string) string { return loc + "." + key }
	if n.typ != kindObject {
		p.add(loc, "events.schema.field_object")
		return nil
	}
	t, ok := n.obj["type"]
	if !ok || t.typ != kindString || typeKeys[t.str] == nil {
		got := ""
		if ok && t.typ == kindString {
			got = t.str
		}
		p.add(at("type"), "events.schema.type", got)
		return nil
	}
	f := &Field{Path: path, Name: name, Type: t.str}
	for _, key := range n.keys {
		if !slices.Contains(commonKeys, key) && !slices.Contains(typeKeys[f.Type], key) {
			p.add(at(key), "events.schema.unsupported_key", key)
		}
	}
	f.Label = p.text(n, "label", at)
	if f.Label == "" {
		f.Label = p.text(n, "title", at)
	}
	if f.Label == "" {
		f.Label = name
	}
	f.Label = Sanitize(f.Label)
	f.shortLabel = f.ShortLabel()
	f.labelName, f.labelHelp = SplitLabel(f.Label)
	f.ErrorHint = p.text(n, "error_hint", at)
	// What English readers see instead, where the organiser wrote it.
	if en := p.text(n, "label_en", at); en != "" {
		f.labelEN = Sanitize(en)
	}
	f.errorHintEN = p.text(n, "error_hint_en", at)
	// description is plain schema documentation; the form shows the label.
	_ = p.text(n, "description", at)

	switch f.Type {
	case "object":
		f.Children = p.object(n, loc, path, depth+1)
	case "string":
		p.stringField(n, f, at)
	case "integer", "number":
		f.Minimum = p.number(n, "minimum", f.Type == "integer", at)
		f.Maximum = p.number(n, "maximum", f.Type == "integer", at)
		if f.Minimum != nil && f.Maximum != nil && *f.Minimum > *f.Maximum {
			p.add(at("minimum"), "events.schema.range")
		}
	case "boolean":
		if c, ok := n.obj["const"]; ok {
			if c.typ != kindBool || !c.b {
				p.add(at("const"), "events.schema.const")
			} else {
				f.Const = true
			}
		}
	}
	if d, ok := n.obj["default"]; ok {
		f.Default = p.defaultValue(d, f, at("default"))
	}
	if h, ok := n.obj["hidden"]; ok {
		switch {
		case h.typ != kindBool:
			p.add(at("hidden"), "events.schema.bool", "hidden")
		case f.Type == "object":
			p.add(at("hidden"), "events.schema.unsupported_key", "hidden")
		default:
			f.Hidden = h.b
		}
	}
	return f
}

func (p *parser) text(n *node, key string, at func(string) string) string {
	v, ok := n.obj[key]
	if !ok {
		return ""
	}
	if v.typ != kindString {
		p.add(at(key), "events.schema.string", key)
		return ""
	}
	return v.str
}

// englishChoices reads enum_en: one English text for each choice of
// enum, in its order; an empty one (or blanks) leaves that choice in
// German. Two choices English readers cannot tell apart would be one.
func (p *parser) englishChoices(e *node, f *Field, hasEnum bool, at func(string) string) {
	if len(f.Enum) == 0 {
		// A broken enum is said at enum.
		if !hasEnum {
			p.add(at("enum_en"), "events.schema.enum_en")
		}
		return
	}
	var en []string
	for _, v := range e.arr {
		if v.typ != kindString {
			break
		}
		en = append(en, strings.TrimSpace(v.str))
	}
	if _, ok := EnglishChoices(f.Enum, en); e.typ != kindArray || len(en) != len(e.arr) || len(en) != len(f.Enum) || !ok {
		p.add(at("enum_en"), "events.schema.enum_en")
		return
	}
	f.enumEN = en
}

func (p *parser) stringField(n *node, f *Field, at func(string) string) {
	f.Format = p.text(n, "format", at)
	if f.Format != "" && !slices.Contains(formats, f.Format) {
		p.add(at("format"), "events.schema.format", f.Format)
	}
	if e, ok := n.obj["enum"]; ok {
		if e.typ != kindArray || len(e.arr) == 0 {
			p.add(at("enum"), "events.schema.enum")
		}
		for _, v := range e.arr {
			if v.typ != kindString {
				p.add(at("enum"), "events.schema.enum")
				break
			}
			f.Enum = append(f.Enum, v.str)
		}
	}
	if e, ok := n.obj["enum_en"]; ok {
		_, hasEnum := n.obj["enum"]
		p.englishChoices(e, f, hasEnum, at)
	}
	if f.Format == "radio" && len(f.Enum) == 0 {
		p.add(at("format"), "events.schema.radio_enum")
	}
	if len(f.Enum) > 0 && f.Format != "" && f.Format != "radio" {
		p.add(at("format"), "events.schema.enum_format", f.Format)
	}
	f.Pattern = p.text(n, "pattern", at)
	if f.Pattern != "" {
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			p.problems = append(p.problems, Problem{Location: at("pattern"), Key: "events.schema.pattern", Detail: err.Error()})
			f.Pattern = ""
		}
		f.pattern = re
	}
	f.MinLength = p.count(n, "minLength", at)
	f.MaxLength = p.count(n, "maxLength", at)
	if f.MaxLength == nil && len(f.Enum) == 0 {
		limit := defaultMaxLength(f.Format)
		f.MaxLength = &limit
	}
}

// defaultMaxLength is the limit of a free-text answer of format whose
// schema sets none.
func defaultMaxLength(format string) int {
	switch format {
	case "multiline":
		return LongTextMaxLength
	case "email":
		return ui.MaxEmailLength
	}
	return DefaultMaxLength
}

func (p *parser) number(n *node, key string, integer bool, at func(string) string) *float64 {
	v, ok := n.obj[key]
	if !ok {
		return nil
	}
	if v.typ != kindNumber {
		p.add(at(key), "events.schema.number", key)
		return nil
	}
	x, err := v.num.Float64()
	if err != nil || math.IsInf(x, 0) || (integer && x != math.Trunc(x)) {
		p.add(at(key), "events.schema.number", key)
		return nil
	}
	return &x
}

func (p *parser) count(n *node, key string, at func(string) string) *int {
	v, ok := n.obj[key]
	if !ok {
		return nil
	}
	i, err := v.num.Int64()
	if v.typ != kindNumber || err != nil || i < 0 || i > 1<<20 {
		p.add(at(key), "events.schema.count", key)
		return nil
	}
	c := int(i)
	return &c
}

// defaultValue types the default as the field and checks it fits.
func (p *parser) defaultValue(d *node, f *Field, loc string) any {
	bad := func() any { p.add(loc, "events.schema.default"); return nil }
	switch f.Type {
	case "string":
		if d.typ != kindString || (len(f.Enum) > 0 && !slices.Contains(f.Enum, d.str)) {
			return bad()
		}
		return d.str
	case "integer":
		i, err := d.num.Int64()
		if d.typ != kindNumber || err != nil || !inRange(float64(i), f) {
			return bad()
		}
		return i
	case "number":
		x, err := d.num.Float64()
		if d.typ != kindNumber || err != nil || !inRange(x, f) {
			return bad()
		}
		return x
	case "boolean":
		if d.typ != kindBool {
			return bad()
		}
		return d.b
	}
	return bad() // objects take their children's defaults
}

func inRange(x float64, f *Field) bool {
	return (f.Minimum == nil || x >= *f.Minimum) && (f.Maximum == nil || x <= *f.Maximum)
}
