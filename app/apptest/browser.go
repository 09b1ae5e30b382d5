package apptest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pepalumni/memberdb/app/apptest/wait"
)

// browserWait is how long a browser helper waits for the page.
const browserWait = 10 * time.Second

// chromium is Debian's browser, installed by .ci/run.
const chromium = "/usr/bin/chromium"

// Browser is a headless Chromium tab with the page's console recorded and
// every page it opens checked for accessibility (checkOpened).
type Browser struct {
	Ctx           context.Context
	width, height int // of the window, in CSS pixels

	mu      sync.Mutex
	log     []chromedp.ConsoleMessage
	flushes atomic.Int64

	loads   atomic.Int64 // load events of the tab's pages
	checked atomic.Int64 // loads up to the last accessibility check
	opened  []string     // address of each document the tab opened (under mu)
	seen    int          // opened[:seen] were checked or missed (under mu)
	missed  []string     // documents left before they could be checked (under mu)
}

// NewBrowser starts headless Chromium for t, sized like a phone when
// width and height are given (e.g. 360, 740). Without Chromium the test
// fails, on a developer's machine as in CI, saying how to install it.
func NewBrowser(t testing.TB, size ...int) *Browser {
	t.Helper()
	path := chromium
	if _, err := os.Stat(path); err != nil {
		p, err := exec.LookPath("chromium")
		if err != nil {
			// A skipped browser test would let `make test` pass without
			// the flows people click through, so a missing browser fails.
			t.Fatalf("browser tests need Chromium: install it with `apt-get install chromium` (looked for %s and chromium on PATH)", chromium)
		}
		path = p
	}
	width, height := 1280, 900
	if len(size) == 2 {
		width, height = size[0], size[1]
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	viewport := chromedp.EmulateViewport(int64(width), int64(height))
	if width < 600 {
		viewport = chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	var ctx context.Context
	for try := 1; ; try++ {
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(t.TempDir()))...)
		var cancelCtx, cancelTimeout context.CancelFunc
		ctx, cancelCtx = chromedp.NewContext(allocCtx)
		ctx, cancelTimeout = context.WithTimeout(ctx, 90*time.Second)
		t.Cleanup(func() {
			cancelTimeout()
			cancelCtx()
			cancelAlloc()
		})
		err := chromedp.Do(ctx, viewport)
		if err == nil {
			break
		}
		// On a loaded machine Chromium has crashed while starting, before
		// any page; a second process is tried, a second crash fails.
		if try == 2 || !strings.Contains(err.Error(), "chrome failed to start") {
			t.Fatalf("starting chromium: %v", err)
		}
		t.Logf("chromium crashed while starting; starting another: %v", err)
	}
	b := &Browser{Ctx: ctx, width: width, height: height}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.log = append(b.log, m)
			b.mu.Unlock()
		}
	}()
	// Pages are counted as they load; the helpers check each one.
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventFrameNavigated:
			if ev.Frame.ParentID == "" {
				b.mu.Lock()
				b.opened = append(b.opened, ev.Frame.URL)
				b.mu.Unlock()
			}
		case *page.EventLoadEventFired:
			b.loads.Add(1)
		}
	})
	if err != nil {
		t.Fatalf("listening to chromium: %v", err)
	}
	// Registered after the cancels, so it runs while the browser still
	// lives: the page the test ended on is checked too, and a page the test
	// left before any helper could check it is named.
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		b.checkOpened(t)
		b.mu.Lock()
		missed := b.missed
		b.mu.Unlock()
		if len(missed) > 0 {
			t.Errorf("pages left before their accessibility check (open them through Browser.Do, whose steps each check a loaded page):\n%s",
				strings.Join(missed, "\n"))
		}
	})
	return b
}

// Errors returns console errors and uncaught exceptions seen so far.
func (b *Browser) Errors() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []chromedp.ConsoleMessage
	for _, m := range b.log {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, m)
		}
	}
	return out
}

// Login gives the browser the session of a fresh user holding levels, as
// if the user had logged in, and returns the user.
func (b *Browser) Login(t testing.TB, app *App, levels ...string) TestUser {
	t.Helper()
	c, u := app.ClientWith(t, levels...)
	base, err := url.Parse(app.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(base) {
		if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: app.URL}); err != nil {
			t.Fatalf("giving the browser the session: %v", err)
		}
	}
	return u
}

// Language makes the browser's pages at base be in lang, as the language
// switch's cookie does. The cookie is set through the browser: written by
// a page's script it reaches the network only a moment later, and the
// next navigation may go without it.
func (b *Browser) Language(t testing.TB, base, lang string) {
	t.Helper()
	if _, err := chromedp.Call(b.Ctx, network.SetCookie, network.SetCookieParams{Name: "memberdb_lang", Value: lang, URL: base}); err != nil {
		t.Fatalf("setting the language: %v", err)
	}
}

// Do runs actions and fails t with what was being done when one fails.
// A page loaded by an action is checked for accessibility before the
// next action (checkOpened).
func (b *Browser) Do(t testing.TB, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	b.checkOpened(t)
	for _, a := range actions {
		if err := chromedp.Do(b.Ctx, a); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		b.checkOpened(t)
	}
}

// Eval evaluates the JavaScript expression js in b's page and returns its
// value, failing t when it cannot.
func Eval[T any](t testing.TB, b *Browser, js string) T {
	t.Helper()
	b.checkOpened(t)
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// WaitTrue polls the JavaScript expression js until it is truthy and fails
// t naming what it waited for, and where the browser is, when it is not
// within a few seconds. Unlike chromedp.Poll it goes on across a
// navigation: a look while the page changes counts as false. A page
// loaded before or while it waits is checked for accessibility.
func (b *Browser) WaitTrue(t testing.TB, what, js string) {
	t.Helper()
	b.checkOpened(t)
	b.waitTrue(t, what, js)
	b.checkOpened(t)
}

// waitTrue is WaitTrue without the accessibility checks.
func (b *Browser) waitTrue(t testing.TB, what, js string) {
	t.Helper()
	var last error
	if wait.Poll(browserWait, func() bool {
		ok, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		last = err
		return err == nil && ok
	}) {
		return
	}
	page, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 400) : "")`))
	if err != nil {
		page = err.Error()
	}
	if last != nil {
		page += "\n(the last look failed: " + last.Error() + ")"
	}
	t.Fatalf("waited %v for %s; the browser shows %s", browserWait, what, page)
}

// AsksBeforeLeaving reports whether leaving the page now would ask
// first (a beforeunload handler that prevents the default), without
// leaving it.
func (b *Browser) AsksBeforeLeaving(t testing.TB) bool {
	t.Helper()
	return Eval[bool](t, b, `(function () { var e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented })()`)
}

// FitsWidth fails t when the page is wider than the window, naming the
// elements that stick out: on a phone a page must never scroll sideways.
func (b *Browser) FitsWidth(t testing.TB) {
	t.Helper()
	b.checkOpened(t)
	width := Eval[int](t, b, `document.documentElement.scrollWidth`)
	if width <= b.width {
		return
	}
	page := Eval[string](t, b, `location.pathname + location.search`)
	wide := Eval[string](t, b, fmt.Sprintf(`Array.from(document.querySelectorAll('body *')).filter(function (e) {
		return e.getBoundingClientRect().right > %d + 1;
	}).slice(0, 8).map(function (e) {
		var cls = typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '';
		return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + cls + ' reaches ' + Math.round(e.getBoundingClientRect().right) + ' px';
	}).join('\n')`, b.width))
	t.Errorf("%s is %d px wide in a %d px window; sticking out:\n%s", page, width, b.width, wide)
}

// NoConsoleErrors fails t for every console error and uncaught exception
// of the browser so far, once the page and its fonts have loaded and every
// message written until then has arrived. A console error (never an
// exception) containing one of allowed is expected: Chromium logs every
// 4xx answer, so a test that provokes a 422 allows "status of 422".
// The page as the test leaves it is checked for accessibility first, so
// what the test swapped into it is checked too, and a script error of the
// check itself would show.
func (b *Browser) NoConsoleErrors(t testing.TB, allowed ...string) {
	t.Helper()
	b.waitTrue(t, "the page and its fonts to load", `document.readyState === "complete" && document.fonts.status === "loaded"`)
	b.Accessible(t)
	b.flushConsole(t)
	for _, m := range b.Errors() {
		if !m.IsException() && slices.ContainsFunc(allowed, func(a string) bool { return strings.Contains(m.Text, a) }) {
			continue
		}
		t.Errorf("console %v", m)
	}
}

// flushConsole writes a marker to the console and waits until it is
// recorded: the browser reports console messages in order, so every
// message written before it has arrived too.
func (b *Browser) flushConsole(t testing.TB) {
	t.Helper()
	marker := "apptest: console flushed " + strconv.FormatInt(b.flushes.Add(1), 10)
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[chromedp.Void](`console.debug(`+strconv.Quote(marker)+`)`)); err != nil {
		t.Fatalf("writing to the console: %v", err)
	}
	Eventually(t, browserWait, "the browser's console to reach the test", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return slices.ContainsFunc(b.log, func(m chromedp.ConsoleMessage) bool { return m.Text == marker })
	})
}

// Screenshot saves the page as name.png when MEMBERDB_SCREENSHOTS names a
// directory, for looking at a layout by eye; otherwise it does nothing.
func (b *Browser) Screenshot(t testing.TB, name string) {
	t.Helper()
	b.checkOpened(t)
	dir := os.Getenv("MEMBERDB_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "-")+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}
