package organisers_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// page is a parsed HTML answer, queried by data-testid the way a reader
// finds things: by what they are, not by markup details.
type page struct{ root *html.Node }

func parsePage(t *testing.T, body string) page {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return page{n}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// all returns the elements below n (or the page) with data-testid id.
func (p page) all(id string) []*html.Node { return findAll(p.root, id) }

func findAll(n *html.Node, id string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "data-testid") == id {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// textOf is the visible text of n with whitespace collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (p page) texts(id string) []string {
	var out []string
	for _, n := range p.all(id) {
		out = append(out, textOf(n))
	}
	return out
}

func (p page) text(t *testing.T, id string) string {
	t.Helper()
	nodes := p.all(id)
	if len(nodes) != 1 {
		t.Fatalf("want one element data-testid=%q, found %d", id, len(nodes))
	}
	return textOf(nodes[0])
}

// elements returns every element named tag below n.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}
