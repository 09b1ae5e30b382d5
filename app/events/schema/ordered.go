package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pepalumni/memberdb/app/text"
)

// node is a decoded JSON value that keeps the order of object keys, which
// encoding/json's maps lose: the form shows fields in schema order.
type node struct {
	typ  jsonKind
	keys []string         // object keys in document order
	obj  map[string]*node // object members
	arr  []*node
	str  string
	num  json.Number
	b    bool
}

type jsonKind int

const (
	kindNull jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
)

func (k jsonKind) String() string {
	return [...]string{"null", "object", "array", "string", "number", "boolean"}[k]
}

// errDuplicateKey is returned for an object naming a key twice: which of
// the two a validator sees is undefined, so such a schema is refused.
type errDuplicateKey struct{ key string }

func (e errDuplicateKey) Error() string { return fmt.Sprintf("duplicate key %q", e.key) }

// errTrailingData refuses text after the top-level value.
var errTrailingData = errors.New("unexpected data after the top-level value")

// errTooDeep stops decoding at MaxNesting: each level is a call and a
// node, and a megabyte of "[" took a gigabyte of memory before any check
// of the form's depth could see it.
var errTooDeep = errors.New("nested too deeply")

// errControl is a text holding a control character (an escaped NUL):
// PostgreSQL stores no NUL in text, so the mail quoting it failed, and no
// page shows the others. Only a schema saved anew is held to it: one
// stored before keeps working.
type errControl struct{ text string }

func (e errControl) Error() string { return fmt.Sprintf("control character in %q", e.text) }

// hasControl reports text no person types (text.Bad): a control
// character, a bidirectional override (a choice "e1\u202efdp.exe" was
// offered, and refused when picked).
func hasControl(s string) bool { return text.Bad(s) }

// MaxNesting bounds the nesting of a schema's JSON. A form of maxDepth
// levels of groups needs about four per level (the field, its
// properties, items, their properties), so this refuses no form Parse
// would accept.
const MaxNesting = 8 * maxDepth

// Nesting is how deep the arrays and objects of a JSON text go, strings
// left out; it reads text that is no JSON too, without building anything.
func Nesting(s string) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

func decodeOrdered(raw []byte, strict bool) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := decodeNode(dec, 0, strict)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errTrailingData
	}
	return n, nil
}

// decodeNode reads one value; strict refuses texts with control
// characters (what is saved anew).
func decodeNode(dec *json.Decoder, depth int, strict bool) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= MaxNesting {
			return nil, errTooDeep
		}
		switch t {
		case '{':
			n := &node{typ: kindObject, obj: map[string]*node{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := kt.(string)
				if strict && hasControl(key) {
					return nil, errControl{key}
				}
				val, err := decodeNode(dec, depth+1, strict)
				if err != nil {
					return nil, err
				}
				if _, dup := n.obj[key]; dup {
					return nil, errDuplicateKey{key}
				}
				n.keys = append(n.keys, key)
				n.obj[key] = val
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &node{typ: kindArray}
			for dec.More() {
				val, err := decodeNode(dec, depth+1, strict)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, val)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
	case string:
		if strict && hasControl(t) {
			return nil, errControl{t}
		}
		return &node{typ: kindString, str: t}, nil
	case json.Number:
		return &node{typ: kindNumber, num: t}, nil
	case bool:
		return &node{typ: kindBool, b: t}, nil
	case nil:
		return &node{typ: kindNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}
