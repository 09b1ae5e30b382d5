package admin

import "strings"

// brokenMath reports whether s holds a formula KaTeX cannot typeset for
// want of a closing delimiter: an odd number of $ (or $$), or a formula
// whose braces do not pair. Members would see KaTeX's English error where
// the label should be, so the organiser is asked before saving it.
func brokenMath(s string) bool {
	var math strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			if in {
				math.WriteString(s[i : i+2])
			}
			i++
		case s[i] == '$':
			if i+1 < len(s) && s[i+1] == '$' {
				i++
			}
			if in && !bracesPair(math.String()) {
				return true
			}
			in = !in
			math.Reset()
		case in:
			math.WriteByte(s[i])
		}
	}
	return in
}

// bracesPair reports whether the unescaped braces of a formula pair up.
func bracesPair(f string) bool {
	depth := 0
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
