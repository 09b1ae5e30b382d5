package apptest

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is Debian's browser, installed by .ci/run.
const chromium = "/usr/bin/chromium"

// Browser is a headless Chromium tab with the page's console recorded.
type Browser struct {
	Ctx context.Context
	mu  sync.Mutex
	log []chromedp.ConsoleMessage
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
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	b := &Browser{Ctx: ctx}
	viewport := chromedp.EmulateViewport(int64(width), int64(height))
	if width < 600 {
		viewport = chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, viewport); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
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
