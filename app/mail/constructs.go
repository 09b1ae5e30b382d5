package mail

import (
	"text/template"
	"text/template/parse"
)

// A mail text is written by staff but runs in the server, when it is
// previewed, saved and sent. text/template can loop over any number
// ({{range 100000000000}}), pad a value to any width ({{printf "%0999999999d" 1}})
// and call itself ({{define}}, {{template}}); one such text would keep a
// core busy for hours or fill the memory. A text may therefore use its
// placeholders, {{if}}/{{else}}/{{with}}, the comparisons, and one level
// of {{range}} over a placeholder of its own; nothing else. No function
// may build a longer value ({{with print . .}} doubles it at every
// level), and no variable may be set ({{$x = print $x $x}}).

// textFuncs are the template functions a text may call: tests, none of
// which makes a value longer.
var textFuncs = map[string]bool{
	"and": true, "or": true, "not": true, "len": true, "index": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
}

// refusedConstruct is the first node of tmpl a mail text may not use, or
// nil. isList says whether a placeholder is a list a {{range}} may walk;
// nil allows any single placeholder.
func refusedConstruct(tmpl *template.Template, isList func(string) bool) parse.Node {
	if len(tmpl.Templates()) > 1 {
		// {{define}} and {{block}} add templates; the node of the first
		// is as good a place as any to point at.
		for _, t := range tmpl.Templates() {
			if t != tmpl && t.Tree != nil {
				return t.Tree.Root
			}
		}
	}
	if tmpl.Tree == nil {
		return nil
	}
	return refusedIn(tmpl.Tree.Root, false, isList)
}

func refusedIn(n parse.Node, inRange bool, isList func(string) bool) parse.Node {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if bad := refusedIn(c, inRange, isList); bad != nil {
				return bad
			}
		}
	case *parse.ActionNode:
		return refusedIn(n.Pipe, inRange, isList)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		if n.IsAssign || len(n.Decl) > 0 {
			return n
		}
		for _, c := range n.Cmds {
			for _, a := range c.Args {
				if bad := refusedIn(a, inRange, isList); bad != nil {
					return bad
				}
			}
		}
	case *parse.IdentifierNode:
		if !textFuncs[n.Ident] {
			return n
		}
	case *parse.ChainNode:
		return refusedIn(n.Node, inRange, isList)
	case *parse.IfNode:
		return refusedInBranch(&n.BranchNode, inRange, inRange, isList)
	case *parse.WithNode:
		return refusedInBranch(&n.BranchNode, inRange, inRange, isList)
	case *parse.RangeNode:
		if inRange || !rangesOverPlaceholder(n.Pipe, isList) {
			return n
		}
		// {{range $i, $a := .Answers}} names the element: the one
		// declaration a text may make.
		if bad := refusedIn(n.List, true, isList); bad != nil {
			return bad
		}
		return refusedIn(n.ElseList, false, isList)
	case *parse.TemplateNode:
		return n
	}
	return nil
}

func refusedInBranch(b *parse.BranchNode, inRange, inBody bool, isList func(string) bool) parse.Node {
	if bad := refusedIn(b.Pipe, inRange, isList); bad != nil {
		return bad
	}
	if bad := refusedIn(b.List, inBody, isList); bad != nil {
		return bad
	}
	return refusedIn(b.ElseList, inRange, isList)
}

// rangesOverPlaceholder: {{range .Answers}}, not over a number, a
// function's result or the dot; its declaration, if any, only names the
// index and element.
func rangesOverPlaceholder(p *parse.PipeNode, isList func(string) bool) bool {
	if p.IsAssign || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && (isList == nil || isList(f.Ident[0]))
}

// constructError locates node n of tmpl as an *ErrText of kind
// "construct".
func constructError(tmpl *template.Template, n parse.Node) *ErrText {
	tree := tmpl.Tree
	for _, t := range tmpl.Templates() {
		if t.Tree != nil && t.Tree.Root == n {
			tree = t.Tree
		}
	}
	loc, _ := tree.ErrorContext(n)
	return located("construct", "", loc)
}
