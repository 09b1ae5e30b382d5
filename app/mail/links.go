package mail

import (
	"reflect"
	"strings"
	"text/template/parse"
	"unicode"
	"unicode/utf8"
)

// A personal link (a placeholder named …Link) opens someone's data, their
// registration or a password reset. A texts admin who could run one into
// another site's address ("https://elsewhere.example/?u={{.Link}}"), or
// spell it out character by character ({{index .Link 0}}), or compare it
// with guesses ({{if lt .Link "…"}}), would have it sent there at one
// click. So a text may only print a link as a word of its own and ask
// whether there is one; Check refuses anything else, and a stored text
// that does it gives way to the default when a mail is sent.

// isLink reports whether a placeholder's name is that of a personal link,
// or of a ticket's code, which lets its holder in at the door.
func isLink(name string) bool { return strings.HasSuffix(name, "Link") || name == "Ticket" }

// openers may stand right before a link, closers after it: "(link)."
const (
	openers = `(<["'„“‚«`
	closers = `)>]"'»“”‘’.,;:!?`
)

// isSpace is white space every mail reader ends an address at; a
// no-break space, another Unicode space or a form feed (which a reader
// drops from an address it joins) is not.
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

// runsInto reports whether link, where text has it, is not a word of its
// own: after the start or white space, at most one opening bracket or
// quote, the link, then closing brackets, quotes or punctuation and white
// space or the end. Anything else could make it part of another address,
// and so could an angle bracket or straight quote around it that holds
// more (joined).
func runsInto(text, link string) bool {
	for offset := 0; ; {
		i := strings.Index(text[offset:], link)
		if i < 0 {
			return false
		}
		at, end := offset+i, offset+i+len(link)
		if !wordStart(text[:at]) || !wordEnd(text[end:]) || joined(text, at, end) {
			return true
		}
		offset = end
	}
}

// joined reports whether the link at text[at:end] stands between an angle
// bracket or a straight double quote and the next "<", ">" or `"` with
// anything but white space and closers beside it: a mail reader
// (Thunderbird) takes from the nearest of those before an address to the
// next one after it as one address, white space dropped, so
// `13" … "https://elsewhere.example/?u= link"` sends the link elsewhere.
func joined(text string, at, end int) bool {
	b := strings.LastIndexAny(text[:at], `<>"`)
	if b < 0 || text[b] == '>' {
		return false
	}
	a := strings.IndexAny(text[end:], `<>"`)
	if a < 0 {
		return false
	}
	other := func(r rune) bool { return !unicode.IsSpace(r) }
	closing := func(r rune) bool { return !unicode.IsSpace(r) && !strings.ContainsRune(closers, r) }
	return strings.IndexFunc(text[b+1:at], other) >= 0 || strings.IndexFunc(text[end:end+a], closing) >= 0
}

func wordStart(before string) bool {
	if before == "" || isSpace(before[len(before)-1]) {
		return true
	}
	for _, o := range openers {
		if rest, ok := strings.CutSuffix(before, string(o)); ok {
			return rest == "" || isSpace(rest[len(rest)-1])
		}
	}
	return false
}

func wordEnd(after string) bool {
	for after != "" && !isSpace(after[0]) {
		r, size := utf8.DecodeRuneInString(after)
		if !strings.ContainsRune(closers, r) {
			return false
		}
		after = after[size:]
	}
	return true
}

// linksIn are the personal links in a mail's data: its fields named
// …Link, and those of the elements of its lists ({{range .Links}}).
func linksIn(data map[string]any) []string {
	var out []string
	var visit func(name string, v reflect.Value)
	visit = func(name string, v reflect.Value) {
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.String:
			if isLink(name) && v.String() != "" {
				out = append(out, v.String())
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				visit("", v.Index(i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					visit(v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Map:
			if v.Type().Key().Kind() == reflect.String {
				for _, k := range v.MapKeys() {
					visit(k.String(), v.MapIndex(k))
				}
			}
		}
	}
	for k, v := range data {
		visit(k, reflect.ValueOf(v))
	}
	return out
}

// linkRunsInto reports whether text has one of data's personal links
// other than as a word of its own.
func linkRunsInto(text string, data map[string]any) bool {
	for _, link := range linksIn(data) {
		if runsInto(text, link) {
			return true
		}
	}
	return false
}

// linkMisused is the first node of tree that does something with a
// personal link other than print it ({{.Link}}) or ask whether there is
// one ({{if .Link}}), or nil.
func linkMisused(tree *parse.Tree) parse.Node {
	if tree == nil {
		return nil
	}
	var bad parse.Node
	var walkList func(n parse.Node)
	// alone is a pipeline of nothing but one link: allowed to print or to
	// test.
	alone := func(p *parse.PipeNode) bool {
		if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
			return false
		}
		return namesLink(p.Cmds[0].Args[0])
	}
	usesLink := func(p *parse.PipeNode) bool {
		if p == nil {
			return false
		}
		for _, c := range p.Cmds {
			for _, a := range c.Args {
				if namesLink(a) || linkIn(a) {
					return true
				}
			}
		}
		return false
	}
	check := func(n parse.Node, p *parse.PipeNode, printOrTest bool) {
		if bad == nil && usesLink(p) && !(printOrTest && alone(p)) {
			bad = n
		}
	}
	walkList = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walkList(c)
			}
		case *parse.ActionNode:
			check(n, n.Pipe, true)
		case *parse.IfNode:
			check(n, n.Pipe, true)
			walkList(n.List)
			walkList(n.ElseList)
		case *parse.RangeNode:
			check(n, n.Pipe, false)
			walkList(n.List)
			walkList(n.ElseList)
		case *parse.WithNode:
			check(n, n.Pipe, false)
			walkList(n.List)
			walkList(n.ElseList)
		}
	}
	walkList(tree.Root)
	return bad
}

// namesLink reports whether n is a field (.Link, $.Link, .Org.X…) whose
// last name is a link's.
func namesLink(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.FieldNode:
		return isLink(n.Ident[len(n.Ident)-1])
	case *parse.VariableNode:
		return len(n.Ident) > 1 && isLink(n.Ident[len(n.Ident)-1])
	case *parse.ChainNode:
		return len(n.Field) > 0 && isLink(n.Field[len(n.Field)-1])
	}
	return false
}

// linkIn reports whether a parenthesised pipeline uses a link anywhere.
func linkIn(n parse.Node) bool {
	p, ok := n.(*parse.PipeNode)
	if !ok {
		return false
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			if namesLink(a) || linkIn(a) {
				return true
			}
		}
	}
	return false
}
