package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/components/i18n"
)

// countingPage renders its render count, in the request's language, as a
// large enough page to be worth compressing.
type countingPage struct {
	renders atomic.Int64
	status  int
	cookie  bool
	vary    string
}

func (p *countingPage) serve(w http.ResponseWriter, r *http.Request) {
	n := p.renders.Add(1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if p.cookie {
		http.SetCookie(w, &http.Cookie{Name: "x", Value: "y"})
	}
	if p.vary != "" {
		w.Header().Add("Vary", p.vary)
	}
	w.Header().Add("Vary", "HX-Request")
	if origin := r.Header.Get("Origin"); origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	if p.status != 0 {
		w.WriteHeader(p.status)
	}
	fmt.Fprintf(w, "render %d lang %s fragment %t %s", n, i18n.LangOf(r.Context()), IsFragment(r), strings.Repeat("Veranstaltung ", 200))
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestCache(p *countingPage) (*PageCache, *fakeClock, http.HandlerFunc) {
	clock := &fakeClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	c := NewPageCache(time.Second, "memberdb_session")
	c.now = clock.now
	h := c.Handler(p.serve)
	withLang := func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
		h(w, r.WithContext(i18n.WithLang(r.Context(), lang)))
	}
	return c, clock, withLang
}

func get(h http.HandlerFunc, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h(w, r)
	return w
}

func body(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Header().Get("Content-Encoding") != "gzip" {
		return w.Body.String()
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPageCacheServesOneRenderPerTTL(t *testing.T) {
	p := &countingPage{}
	_, clock, h := newTestCache(p)
	for range 5 {
		w := get(h, "/events/", "Accept-Language", "de")
		if got := body(t, w); !strings.HasPrefix(got, "render 1 lang de") {
			t.Fatalf("within the TTL: %.30q", got)
		}
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("cached answer: %d %v", w.Code, w.Header())
		}
	}
	clock.t = clock.t.Add(time.Second)
	if got := body(t, get(h, "/events/", "Accept-Language", "de")); !strings.HasPrefix(got, "render 2 ") {
		t.Errorf("after the TTL: %.30q", got)
	}
}

func TestPageCacheKeepsLanguagesAddressesAndFragmentsApart(t *testing.T) {
	p := &countingPage{}
	_, _, h := newTestCache(p)
	get(h, "/events/", "Accept-Language", "de")
	if got := body(t, get(h, "/events/", "Accept-Language", "en")); !strings.Contains(got, "lang en") {
		t.Errorf("English visitor got %.30q", got)
	}
	if got := body(t, get(h, "/events/", "Accept-Language", "de", "HX-Request", "true")); !strings.Contains(got, "fragment true") {
		t.Errorf("fragment request got %.30q", got)
	}
	if got := body(t, get(h, "/events/?x=1", "Accept-Language", "de")); !strings.HasPrefix(got, "render 4 ") {
		t.Errorf("another address got %.30q", got)
	}
	for _, origin := range []string{"https://pep-dortmund.org", "https://other.example"} {
		w := get(h, "/events/", "Accept-Language", "de", "Origin", origin)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("origin %s got Access-Control-Allow-Origin %q", origin, got)
		}
	}
	if got := get(h, "/events/", "Accept-Language", "de").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a request without Origin got Access-Control-Allow-Origin %q", got)
	}
}

func TestPageCacheIsBypassedForSessionsCredentialsAndWrites(t *testing.T) {
	p := &countingPage{}
	_, _, h := newTestCache(p)
	get(h, "/events/")
	tests := []struct {
		name   string
		method string
		header []string
	}{
		{"session cookie", http.MethodGet, []string{"Cookie", "memberdb_session=abc"}},
		{"basic auth", http.MethodGet, []string{"Authorization", "Basic b3JnYTpwdw=="}},
		{"POST", http.MethodPost, nil},
		{"HEAD", http.MethodHead, nil},
	}
	for _, tt := range tests {
		before := p.renders.Load()
		r := httptest.NewRequest(tt.method, "/events/", nil)
		for i := 0; i+1 < len(tt.header); i += 2 {
			r.Header.Set(tt.header[i], tt.header[i+1])
		}
		h(httptest.NewRecorder(), r)
		if p.renders.Load() != before+1 {
			t.Errorf("%s was served from the cache", tt.name)
		}
	}
}

func TestPageCacheStoresOnlyPlainSuccesses(t *testing.T) {
	for name, p := range map[string]*countingPage{
		"not found":            {status: http.StatusNotFound},
		"set cookie":           {cookie: true},
		"varies on User-Agent": {vary: "Accept, User-Agent"},
	} {
		_, _, h := newTestCache(p)
		first := get(h, "/events/")
		get(h, "/events/")
		if p.renders.Load() != 2 {
			t.Errorf("%s: rendered %d times for two requests, want 2", name, p.renders.Load())
		}
		if p.status != 0 && first.Code != p.status {
			t.Errorf("%s: status %d passed on as %d", name, p.status, first.Code)
		}
		if p.cookie && first.Header().Get("Set-Cookie") == "" {
			t.Errorf("%s: cookie not passed on", name)
		}
	}
}

func TestPageCacheCompressesForClientsThatAskForIt(t *testing.T) {
	p := &countingPage{}
	_, _, h := newTestCache(p)
	plain := get(h, "/events/")
	zipped := get(h, "/events/", "Accept-Encoding", "br, gzip")
	refused := get(h, "/events/", "Accept-Encoding", "gzip;q=0, identity")
	if plain.Header().Get("Content-Encoding") != "" || refused.Header().Get("Content-Encoding") != "" {
		t.Error("compressed for a client that did not ask for it")
	}
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzip answer: encoding %q, %d bytes against %d", zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), plain.Body.Len())
	}
	if body(t, zipped) != plain.Body.String() {
		t.Error("the compressed page differs from the plain one")
	}
	if !strings.Contains(strings.Join(zipped.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("Vary: %v", zipped.Header().Values("Vary"))
	}
}

func TestPageCacheSharesNoHeaderBetweenRequests(t *testing.T) {
	p := &countingPage{}
	_, _, h := newTestCache(p)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := get(h, "/events/", "Accept-Encoding", "gzip")
			w.Header().Add("Cache-Control", "private") // as later middleware might
		}()
	}
	wg.Wait()
	if got := get(h, "/events/").Header().Values("Cache-Control"); len(got) != 1 || got[0] != "no-cache" {
		t.Errorf("cached Cache-Control became %q", got)
	}
}

func TestPageCacheStaysBounded(t *testing.T) {
	p := &countingPage{}
	c, _, h := newTestCache(p)
	for i := range maxCachedPages + 50 {
		get(h, fmt.Sprintf("/events/?bust=%d", i))
	}
	c.mu.RLock()
	n, size := len(c.pages), c.bytes
	c.mu.RUnlock()
	if n > maxCachedPages {
		t.Errorf("%d pages cached, bound is %d", n, maxCachedPages)
	}
	if size <= 0 || size > maxCachedBytes {
		t.Errorf("cache holds %d bytes, bound is %d", size, maxCachedBytes)
	}
}

func TestPageCacheOffPassesThrough(t *testing.T) {
	p := &countingPage{}
	var nilCache *PageCache
	for _, c := range []*PageCache{nilCache, NewPageCache(0, "memberdb_session")} {
		h := c.Handler(p.serve)
		before := p.renders.Load()
		get(h, "/events/")
		get(h, "/events/")
		if p.renders.Load() != before+2 {
			t.Error("a cache that is off served a stored page")
		}
	}
}

func TestPageCacheStaysWithinItsByteBudget(t *testing.T) {
	c := NewPageCache(time.Minute, "memberdb_session")
	page := bytes.Repeat([]byte("<p>Veranstaltung</p>\n"), 200<<10/21)
	h := c.Handler(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s", r.URL.RawQuery, page)
	})
	for i := range maxCachedBytes/len(page) + 10 {
		get(h, fmt.Sprintf("/events/?bust=%d", i))
		c.mu.RLock()
		size := c.bytes
		c.mu.RUnlock()
		if size > maxCachedBytes {
			t.Fatalf("after %d pages the cache holds %d bytes, budget %d", i+1, size, maxCachedBytes)
		}
	}
	if got := get(h, "/events/?bust=0").Body.String(); !strings.HasPrefix(got, "bust=0 <p>") {
		t.Errorf("a page served after clearing: %.20q", got)
	}
}

// A write that went through (a registration, an edited event) drops the
// cached pages at once; a refused one does not.
func TestPageCacheForgetsAfterWrites(t *testing.T) {
	p := &countingPage{}
	c, _, h := newTestCache(p)
	status := http.StatusSeeOther
	write := c.ForgetAfterWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	post := func() {
		write.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/events/x/registration/", nil))
	}
	get(h, "/events/")
	status = http.StatusUnprocessableEntity
	post()
	if got := body(t, get(h, "/events/")); !strings.HasPrefix(got, "render 1 ") {
		t.Errorf("after a refused write: %.30q, want the cached page", got)
	}
	status = http.StatusSeeOther
	post()
	if got := body(t, get(h, "/events/")); !strings.HasPrefix(got, "render 2 ") {
		t.Errorf("after a write: %.30q, want a fresh page", got)
	}
}

// A page rendered while a write happened is not kept: it may show what
// the write changed.
func TestPageCacheKeepsNoPageRenderedAcrossAWrite(t *testing.T) {
	var c *PageCache
	var renders atomic.Int64
	slow := func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		c.Forget() // a write lands while this page renders
		fmt.Fprint(w, strings.Repeat("x", 100))
	}
	c = NewPageCache(time.Second, "memberdb_session")
	h := c.Handler(slow)
	get(h, "/events/")
	get(h, "/events/")
	if n := renders.Load(); n != 2 {
		t.Errorf("%d renders, want 2: a page rendered across a write was kept", n)
	}
}

// Visitors who miss the same page at the same moment share one render.
func TestPageCacheRendersOnceForSimultaneousMisses(t *testing.T) {
	var renders atomic.Int64
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	page := func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		entered <- struct{}{}
		<-release
		fmt.Fprint(w, "the list")
	}
	c := NewPageCache(time.Second, "memberdb_session")
	h := c.Handler(page)
	var wg sync.WaitGroup
	bodies := make([]string, 20)
	wg.Go(func() { bodies[0] = get(h, "/events/").Body.String() })
	<-entered // the first render has begun; the others miss the same page
	for i := 1; i < len(bodies); i++ {
		wg.Go(func() { bodies[i] = get(h, "/events/").Body.String() })
	}
	// Let the render finish once every visitor has missed and is about to
	// join its flight (a few instructions away; yield so they get there).
	for c.misses.Load() < int64(len(bodies)) {
		runtime.Gosched()
	}
	for range 100 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for %d simultaneous visitors, want 1", n, len(bodies))
	}
	for i, b := range bodies {
		if b != "the list" {
			t.Errorf("visitor %d got %q", i, b)
		}
	}
}
