package admin

import (
	"strings"

	"github.com/a-h/templ"
)

// storedIn writes table and column names so that a narrow column breaks
// them after an underscore or a dot, where a reader sees the parts of a
// name, rather than after whichever letter reaches the edge.
func storedIn(names string) templ.Component {
	parts := nameParts(names)
	for i, p := range parts {
		parts[i] = templ.EscapeString(p)
	}
	return templ.Raw(strings.Join(parts, "<wbr>"))
}

// nameParts splits table and column names after each underscore and dot,
// keeping them, so that storedIn can offer a line break there.
func nameParts(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '_' || s[i] == '.' {
			parts = append(parts, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		parts = append(parts, s[start:])
	}
	return parts
}
