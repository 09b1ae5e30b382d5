package site

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
)

// ErrSVG is an SVG that cannot be made safe: not well-formed, with a
// DOCTYPE or entities (billion laughs), or not an <svg> document at all.
var ErrSVG = errors.New("site: the SVG cannot be read or declares entities")

const svgNS = "http://www.w3.org/2000/svg"

// svgElements are the drawing elements a logo may use. Anything else
// (script, foreignObject, image, a, animate and set, style, editors'
// metadata) is dropped with its content.
var svgElements = set("svg", "g", "defs", "symbol", "use", "title", "desc", "path", "rect", "circle", "ellipse",
	"line", "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "mask")

// svgAttributes are the presentation and geometry attributes a logo may
// use; no event handler (on…) is among them. href is kept only as a
// reference inside the document (#id).
var svgAttributes = set("id", "class", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy",
	"width", "height", "viewBox", "preserveAspectRatio", "points", "transform", "version",
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
	"stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "color",
	"clip-path", "clip-rule", "mask", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
	"spreadMethod", "clipPathUnits", "maskUnits", "maskContentUnits",
	"font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing",
	"style", "href", "role", "aria-label", "aria-hidden")

// safeValue allows what presentation values are made of; a url() may
// point only inside the document. Backslashes (CSS escapes), quotes,
// angle brackets and @ (imports) are refused, and so is every scheme.
var (
	safeValue   = regexp.MustCompile(`^[\p{L}\p{N}\s#%.,;:()+*/_-]*$`)
	outsideURL  = regexp.MustCompile(`(?i)url\(\s*[^#\s]`)
	anyScheme   = regexp.MustCompile(`(?i)(javascript|data|vbscript|https?|file)\s*:`)
	maxSVGDepth = 64
	maxSVGNodes = 20000
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// SanitizeSVG returns svg rewritten from an allow-list of elements and
// attributes: no scripts, no event handlers, no foreignObject, no
// reference outside the document, no javascript: or data: URL, no
// entities. It parses svg strictly and writes a new document, so no
// spelling trick of the input survives into the output.
func SanitizeSVG(svg []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	dec.Entity = nil // only the five predefined entities
	var (
		out     bytes.Buffer
		depth   int // of open elements written or skipped
		skip    int // depth at which a dropped element began; 0: none
		nodes   int
		sawRoot bool
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ErrSVG
		}
		switch t := tok.(type) {
		case xml.Directive: // <!DOCTYPE …>, <!ENTITY …>
			return nil, ErrSVG
		case xml.StartElement:
			depth++
			nodes++
			if depth > maxSVGDepth || nodes > maxSVGNodes {
				return nil, ErrSVG
			}
			if depth == 1 {
				if sawRoot || t.Name.Local != "svg" || (t.Name.Space != svgNS && t.Name.Space != "") {
					return nil, ErrSVG
				}
				sawRoot = true
			}
			if skip > 0 {
				continue
			}
			if !svgElements[t.Name.Local] || (t.Name.Space != svgNS && t.Name.Space != "") {
				skip = depth
				continue
			}
			writeStart(&out, t, depth == 1)
		case xml.EndElement:
			if skip == 0 {
				out.WriteString("</" + t.Name.Local + ">")
			} else if skip == depth {
				skip = 0
			}
			depth--
		case xml.CharData:
			if skip == 0 && depth > 0 {
				_ = xml.EscapeText(&out, t)
			}
		}
	}
	if !sawRoot {
		return nil, ErrSVG
	}
	return out.Bytes(), nil
}

func writeStart(out *bytes.Buffer, t xml.StartElement, root bool) {
	out.WriteString("<" + t.Name.Local)
	if root {
		out.WriteString(` xmlns="` + svgNS + `"`)
	}
	for _, a := range t.Attr {
		name, ok := attributeName(a.Name)
		if !ok || !safeAttribute(name, a.Value) {
			continue
		}
		out.WriteString(" " + name + `="`)
		_ = xml.EscapeText(out, []byte(a.Value))
		out.WriteString(`"`)
	}
	out.WriteString(">")
}

// attributeName is the name to write for a: plain SVG attributes, and
// xlink:href as href (browsers read both).
func attributeName(n xml.Name) (string, bool) {
	switch {
	case n.Space == "" && svgAttributes[n.Local]:
		return n.Local, true
	case n.Local == "href" && n.Space == "http://www.w3.org/1999/xlink":
		return "href", true
	}
	return "", false
}

func safeAttribute(name, value string) bool {
	if name == "href" {
		return strings.HasPrefix(value, "#") && safeValue.MatchString(value[1:]) && !strings.ContainsAny(value[1:], "():")
	}
	return safeValue.MatchString(value) && !outsideURL.MatchString(value) && !anyScheme.MatchString(value) &&
		!strings.Contains(strings.ToLower(value), "expression")
}
