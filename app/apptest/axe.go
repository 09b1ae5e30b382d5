package apptest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (testdata/axe-core/README.md). It is embedded
// here, in a package only tests import, so the app never carries it.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeTags select the rules of WCAG 2.0 and 2.1 at levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeRun settles the page and runs axe on it. Fonts change what counts as
// large text, and a toast still fading in would count as low contrast, so
// both finish first (an endless animation, such as a spinner, is not
// waited for).
const axeRun = `(async function (tags) {
	await document.fonts.ready;
	var finite = document.getAnimations().filter(function (a) {
		return a.effect && isFinite(a.effect.getComputedTiming().endTime);
	});
	await Promise.race([
		Promise.all(finite.map(function (a) { return a.finished.catch(function () {}); })),
		new Promise(function (done) { setTimeout(done, 2000); })
	]);
	var r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
	return {url: location.href, violations: r.violations.map(function (v) {
		return {id: v.id, impact: v.impact || "", help: v.help, count: v.nodes.length,
			nodes: v.nodes.slice(0, 3).map(function (n) {
				return {target: n.target.map(String).join(" "), html: n.html.slice(0, 200),
					summary: (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 300)};
			})};
	})};
})(%s)`

// axeResult is what axeRun returns.
type axeResult struct {
	URL        string
	Violations []struct {
		ID, Impact, Help string
		Count            int
		Nodes            []struct{ Target, HTML, Summary string }
	}
}

// Accessible runs axe-core on the page as it is and fails t for every
// violation of a WCAG 2.1 A or AA rule, naming the rule, its impact and
// the first elements that break it. Tests rarely call it themselves: the
// browser's helpers check each page they open (checkOpened) and
// NoConsoleErrors checks the page as the test leaves it.
func (b *Browser) Accessible(t testing.TB) {
	t.Helper()
	// A page that navigates away during the check is looked at again once
	// the next one has loaded.
	for range 3 {
		if b.accessible(t) {
			return
		}
	}
	t.Errorf("the accessibility check found no page that stayed until it was done (last %s)", b.currentURL())
}

// accessible checks the loaded page and reports false when the browser
// went to another page meanwhile, so the result may be of either.
func (b *Browser) accessible(t testing.TB) bool {
	t.Helper()
	b.waitTrue(t, "the page to load", `document.readyState === "complete"`)
	loads := b.loads.Load()
	b.mu.Lock()
	opened := len(b.opened)
	b.mu.Unlock()
	left := func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.loads.Load() != loads || len(b.opened) != opened
	}

	present, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof axe.run === "function"`))
	// The page's Content-Security-Policy forbids inline scripts, but it
	// does not apply to what DevTools evaluates.
	if err == nil && !present {
		_, err = chromedp.Run(b.Ctx, chromedp.Evaluate[chromedp.Void](axeSource))
	}
	var res axeResult
	if err == nil {
		tags, _ := json.Marshal(axeTags)
		res, err = chromedp.Run(b.Ctx, chromedp.Evaluate[axeResult](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	}
	if left() {
		return false
	}
	if err != nil {
		t.Errorf("running axe-core on %s: %v", b.currentURL(), err)
		return true
	}
	b.checked.Store(loads)
	b.mu.Lock()
	// Every document opened before this one was left unchecked.
	if opened > b.seen {
		b.missed = append(b.missed, b.opened[b.seen:opened-1]...)
		b.seen = opened
	}
	b.mu.Unlock()
	if len(res.Violations) == 0 {
		return true
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "%s at %dx%d breaks %d WCAG 2.1 A/AA rules (axe-core):", res.URL, b.width, b.height, len(res.Violations))
	for _, v := range res.Violations {
		fmt.Fprintf(&msg, "\n  %s (%s, %d elements): %s", v.ID, v.Impact, v.Count, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&msg, "\n    %s: %s", n.Target, n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&msg, "\n      %s", n.Summary)
			}
		}
	}
	t.Error(msg.String())
	return true
}

// checkOpened checks the page when one has loaded since the last check.
// The browser counts the load events of its pages (NewBrowser), and every
// helper that drives or reads the page calls checkOpened first, Do also
// after each of its actions: so each page a test opens is checked once it
// has loaded, before the test acts on it, whether the test opened it
// with a helper, a link, a form or a redirect. A page left before any
// helper ran is reported when the test ends (NewBrowser's cleanup).
func (b *Browser) checkOpened(t testing.TB) {
	t.Helper()
	if b.loads.Load() > b.checked.Load() {
		b.Accessible(t)
	}
}

// currentURL is where the browser is, for messages.
func (b *Browser) currentURL() string {
	u, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return u
}
