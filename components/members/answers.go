package members

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// FlattenAnswers turns stored answers into label/value pairs; nested
// objects' fields are labelled with their path.
func FlattenAnswers(data []byte) []Answer {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return []Answer{{Label: "data", Value: string(data)}}
	}
	var out []Answer
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				label := k
				if prefix != "" {
					label = prefix + " › " + k
				}
				walk(label, t[k])
			}
		case []any:
			parts := make([]string, len(t))
			for i, e := range t {
				b, _ := json.Marshal(e)
				parts[i] = strings.Trim(string(b), `"`)
			}
			out = append(out, Answer{Label: prefix, Value: strings.Join(parts, ", ")})
		case string:
			out = append(out, Answer{Label: prefix, Value: t})
		case bool:
			out = append(out, Answer{Label: prefix, Value: strconv.FormatBool(t)})
		case nil:
			out = append(out, Answer{Label: prefix, Value: ""})
		default:
			b, _ := json.Marshal(t)
			out = append(out, Answer{Label: prefix, Value: string(b)})
		}
	}
	walk("", v)
	return out
}
