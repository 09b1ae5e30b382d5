package site_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pepalumni/memberdb/app/site"
)

// Real attack samples: each must come out without what makes it an
// attack, or be refused whole.
func TestSanitizeSVGRemovesAttacks(t *testing.T) {
	for _, tc := range []struct {
		name, svg string
		// forbidden must not appear in the output (lower case).
		forbidden []string
		// kept must still be there: the drawing survives.
		kept []string
	}{
		{"script element", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="5"/></svg>`,
			[]string{"script", "alert"}, []string{"<circle"}},
		{"script in another namespace prefix", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script><rect width="1"/></svg>`,
			[]string{"script", "alert"}, []string{"<rect"}},
		{"onload on the root", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" viewBox="0 0 10 10"><path d="M0 0h10"/></svg>`,
			[]string{"onload", "alert"}, []string{`viewBox="0 0 10 10"`, `d="M0 0h10"`}},
		{"event handlers everywhere", `<svg xmlns="http://www.w3.org/2000/svg"><g onclick="x()" onmouseover="y()"><rect onfocus="z()" width="2"/></g></svg>`,
			[]string{"onclick", "onmouseover", "onfocus"}, []string{`<rect width="2">`}},
		{"xlink:href javascript", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><text>click</text></a><use xlink:href="javascript:alert(2)"/></svg>`,
			[]string{"javascript", "alert", "<a"}, nil},
		{"href with entity-encoded javascript", `<svg xmlns="http://www.w3.org/2000/svg"><use href="&#106;avascript:alert(1)"/></svg>`,
			[]string{"javascript", "alert"}, []string{"<use"}},
		{"foreignObject with HTML", `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"/><img src="x" onerror="alert(1)"/></body></foreignObject><circle r="1"/></svg>`,
			[]string{"foreignobject", "iframe", "evil", "onerror", "<img", "<body"}, []string{"<circle"}},
		{"external image", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png" width="10" height="10"/><rect width="3"/></svg>`,
			[]string{"<image", "tracker"}, []string{"<rect"}},
		{"outside url in fill and style", `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://evil.example/#g)" style="fill:url(//evil.example/x)" width="1"/><rect fill="url(#grad)" width="2"/></svg>`,
			[]string{"evil"}, []string{`fill="url(#grad)"`}},
		{"use of an outside document", `<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/sprite.svg#x"/></svg>`,
			[]string{"evil"}, nil},
		{"style element with import", `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style><circle r="2"/></svg>`,
			[]string{"@import", "evil", "<style"}, []string{"<circle"}},
		{"animate setting href", `<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>`,
			[]string{"animate", "javascript"}, nil},
		{"set element", `<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="onmouseover" to="alert(1)"/></svg>`,
			[]string{"<set", "alert"}, nil},
		{"data URL", `<svg xmlns="http://www.w3.org/2000/svg"><use href="data:image/svg+xml;base64,PHN2Zz4="/><path fill="url(data:x)" d="M0 0"/></svg>`,
			[]string{"data:"}, []string{`d="M0 0"`}},
		{"comments and processing instructions", `<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/s.css"?><!-- <script>alert(1)</script> --><svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>`,
			[]string{"evil", "script", "<?", "<!--"}, []string{"<circle"}},
		{"editor metadata", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.0"><sodipodi:namedview/><metadata><x/></metadata><path d="M1 1" inkscape:label="a"/></svg>`,
			[]string{"sodipodi", "inkscape", "metadata"}, []string{`<path d="M1 1">`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := site.SanitizeSVG([]byte(tc.svg))
			if err != nil {
				t.Fatalf("refused a document that can be cleaned: %v", err)
			}
			low := strings.ToLower(string(out))
			for _, f := range tc.forbidden {
				if strings.Contains(low, f) {
					t.Errorf("output holds %q:\n%s", f, out)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(string(out), k) {
					t.Errorf("output lost %q:\n%s", k, out)
				}
			}
			if !strings.HasPrefix(string(out), `<svg xmlns="http://www.w3.org/2000/svg"`) {
				t.Errorf("output does not start as an SVG document: %s", out)
			}
		})
	}
}

// Entities are refused whole: a billion laughs, an outside entity (XXE),
// an undeclared one. So are documents that are no SVG.
func TestSanitizeSVGRefuses(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>`
	for _, tc := range []struct{ name, svg string }{
		{"billion laughs", laughs},
		{"outside entity", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>`},
		{"undeclared entity", `<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>`},
		{"doctype alone", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>`},
		{"HTML", `<html><body><script>alert(1)</script></body></html>`},
		{"not XML", `GIF89a`},
		{"unclosed", `<svg xmlns="http://www.w3.org/2000/svg"><g>`},
		{"two roots", `<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"/>`},
		{"too deep", `<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g>", 100) + strings.Repeat("</g>", 100) + `</svg>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := site.SanitizeSVG([]byte(tc.svg))
			if !errors.Is(err, site.ErrSVG) {
				t.Fatalf("accepted: %s (err %v)", out, err)
			}
		})
	}
}

// A logo made with an editor keeps its drawing: gradients, references
// inside the document, text with escaped characters.
func TestSanitizeSVGKeepsDrawing(t *testing.T) {
	in := `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40" viewBox="0 0 120 40">
  <title>PeP &amp; Co</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/><stop offset="1" stop-color="#abcdef"/></linearGradient>
  <symbol id="s"><circle cx="5" cy="5" r="5"/></symbol></defs>
  <rect width="120" height="40" fill="url(#g)" style="stroke:#000;stroke-width:2"/>
  <use xlink:href="#s" x="10" y="10"/>
  <text x="30" y="25" font-family="sans-serif">Verein &lt;B&gt;</text>
</svg>`
	out, err := site.SanitizeSVG([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`viewBox="0 0 120 40"`, `<linearGradient id="g">`, `stop-color="#123456"`, `fill="url(#g)"`,
		`style="stroke:#000;stroke-width:2"`, `<use href="#s" x="10" y="10">`, `Verein &lt;B&gt;`, `<title>PeP &amp; Co</title>`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("lost %s:\n%s", want, out)
		}
	}
	again, err := site.SanitizeSVG(out)
	if err != nil || string(again) != string(out) {
		t.Errorf("cleaning twice changes the logo: %v\n%s\n%s", err, out, again)
	}
}
