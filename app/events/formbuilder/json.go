package formbuilder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// member is one key of a JSON object with its value as written: keeping
// members in order, and values the builder does not manage untouched, is
// what makes loading and saving a schema lossless.
type member struct {
	Key string
	Val json.RawMessage
}

// members decodes a JSON object keeping the order of its keys.
func members(raw json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	var out []member
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		out = append(out, member{Key: kt.(string), Val: val})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("formbuilder: data after the object")
	}
	return out, nil
}

var errNotObject = errors.New("formbuilder: not a JSON object")

func get(ms []member, key string) (json.RawMessage, bool) {
	for _, m := range ms {
		if m.Key == key {
			return m.Val, true
		}
	}
	return nil, false
}

func getString(ms []member, key string) (string, bool) {
	raw, ok := get(ms, key)
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// encodeObject writes members as one compact JSON object.
func encodeObject(ms []member) json.RawMessage {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.Key)
		buf.Write(k)
		buf.WriteByte(':')
		_ = json.Compact(&buf, m.Val)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

// merge sets the managed keys of ms to want: a key keeps its place and,
// when its value is the same JSON, its original text; a key wanted nil is
// removed; new keys follow in the order of order. Keys not in order are
// kept as they are.
func merge(ms []member, want map[string]json.RawMessage, order []string) []member {
	out := make([]member, 0, len(ms)+len(want))
	seen := map[string]bool{}
	for _, m := range ms {
		w, managed := want[m.Key]
		if !isManaged(m.Key, order) {
			out = append(out, m)
			continue
		}
		seen[m.Key] = true
		switch {
		case !managed || w == nil:
		case sameJSON(m.Val, w):
			out = append(out, m)
		default:
			out = append(out, member{Key: m.Key, Val: w})
		}
	}
	for _, k := range order {
		if w := want[k]; w != nil && !seen[k] {
			out = append(out, member{Key: k, Val: w})
		}
	}
	return out
}

func isManaged(key string, order []string) bool {
	for _, k := range order {
		if k == key {
			return true
		}
	}
	return false
}

func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	return json.Compact(&ca, a) == nil && json.Compact(&cb, b) == nil && bytes.Equal(ca.Bytes(), cb.Bytes())
}

// mustJSON writes v without escaping <, > and &: labels hold HTML, and
// the JSON tab should show it as written.
func mustJSON(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only called with strings, bools, string slices and numbers
	}
	return bytes.TrimSpace(buf.Bytes())
}
