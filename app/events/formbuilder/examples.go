package formbuilder

import (
	"embed"
	"path"
	"strings"
)

// The example forms of the spec, offered as templates for a new form.
//
//go:embed testdata/*.json
var examples embed.FS

// Examples names the example forms, in the order offered.
func Examples() []string {
	entries, err := examples.ReadDir("testdata")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	return out
}

// Example returns the example form named name.
func Example(name string) ([]byte, bool) {
	raw, err := examples.ReadFile(path.Join("testdata", name+".json"))
	return raw, err == nil && !strings.ContainsAny(name, "/.")
}
