package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/singleflight"

	"github.com/pepalumni/memberdb/components/i18n"
)

// PageCache keeps public pages as anonymous visitors see them for a
// moment. When registration for a popular event opens, hundreds of phones
// load the event list and the form within seconds; each page is then
// rendered and compressed once per TTL instead of once per visitor. What
// it shows (free places, open or closed) is at most TTL old; every POST
// still checks the current state.
//
// Only visitors without a session or credentials are served from it: they
// all see the same page for the same address and language (a chosen
// language is part of the key). Anyone logged in or with a flash message
// has a session cookie and gets a freshly rendered page.
type PageCache struct {
	ttl     time.Duration
	session string // name of the session cookie
	now     func() time.Time

	flights singleflight.Group
	misses  atomic.Int64 // for tests: requests that found no page

	mu         sync.RWMutex
	pages      map[pageKey]*cachedPage
	bytes      int    // of every page's bodies
	generation uint64 // counts Forget calls
}

// The cache is bounded against addresses made up to fill it (a query
// string makes a new key); the real public pages are a few per event and
// rarely more than 50 kB.
const (
	maxCachedPages = 512
	maxCachedBytes = 16 << 20
	maxCachedBody  = 256 << 10
)

// pageKey holds what a cacheable page may vary on; storable refuses a page
// that says it varies on anything else.
type pageKey struct {
	uri      string
	lang     i18n.Lang
	fragment bool
	origin   string // the event JSON answers CORS per origin
}

// keyedVary are the request headers the key (or the serving of a page)
// covers, as a page names them in Vary.
var keyedVary = []string{"Accept-Language", "Hx-Request", "Origin", "Accept-Encoding"}

type cachedPage struct {
	expires time.Time
	header  http.Header
	body    []byte
	gzipped []byte
}

// NewPageCache returns a cache keeping pages for ttl; sessionCookie names
// the cookie whose presence bypasses it. A ttl of zero or less turns it off.
func NewPageCache(ttl time.Duration, sessionCookie string) *PageCache {
	return &PageCache{ttl: ttl, session: sessionCookie, now: time.Now, pages: make(map[pageKey]*cachedPage)}
}

// Handler serves next through the cache. It must run inside the Language
// middleware, whose choice is part of the key. A nil cache passes through.
//
// Requests that miss the same page at the same moment wait for one render
// of it (a rush starts with every phone missing at once).
func (c *PageCache) Handler(next http.HandlerFunc) http.HandlerFunc {
	if c == nil || c.ttl <= 0 {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if !c.cacheable(r) {
			next(w, r)
			return
		}
		key := pageKey{uri: r.URL.RequestURI(), lang: i18n.LangOf(r.Context()), fragment: IsFragment(r), origin: r.Header.Get("Origin")}
		now := c.now()
		c.mu.RLock()
		p, gen := c.pages[key], c.generation
		c.mu.RUnlock()
		if p == nil || !now.Before(p.expires) {
			c.misses.Add(1)
			flight := fmt.Sprintf("%d\x00%s\x00%s\x00%t\x00%s", gen, key.uri, key.lang, key.fragment, key.origin)
			v, _, _ := c.flights.Do(flight, func() (any, error) {
				rec := &pageRecorder{request: r, header: make(http.Header), status: http.StatusOK}
				next(rec, r)
				if !rec.storable() {
					return rec, nil
				}
				page := &cachedPage{expires: now.Add(c.ttl), header: rec.header, body: rec.body.Bytes(), gzipped: compress(rec.body.Bytes())}
				c.store(key, page, now, gen)
				return page, nil
			})
			switch v := v.(type) {
			case *cachedPage:
				p = v
			case *pageRecorder:
				if v.request != r {
					// Not a page to share (an error, a cookie): this
					// request renders its own.
					next(w, r)
					return
				}
				v.replay(w)
				return
			}
		}
		p.serve(w, acceptsGzip(r))
	}
}

// Forget drops every page at once. A registration, a cancellation or an
// edited event changes what the public pages show; the writes that cause
// them call it through ForgetAfterWrites.
func (c *PageCache) Forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.pages)
	c.bytes = 0
	c.generation++
}

// ForgetAfterWrites drops the cached pages after every successful unsafe
// request (a POST that was not refused), so nobody is shown "1 place
// left" after the last place has gone.
func (c *PageCache) ForgetAfterWrites(next http.Handler) http.Handler {
	if c == nil || c.ttl <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if ww.Status() < http.StatusBadRequest {
			c.Forget()
		}
	})
}

func (c *PageCache) cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet || r.Header.Get("Authorization") != "" {
		return false
	}
	_, err := r.Cookie(c.session)
	_, flash := r.Cookie(FlashCookie)
	return err != nil && flash != nil
}

// store keeps p unless the pages were forgotten since its render began
// (gen): it may show what a write has changed since.
func (c *PageCache) store(key pageKey, p *cachedPage, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	if old := c.pages[key]; old != nil {
		c.bytes -= old.size()
		delete(c.pages, key)
	}
	if len(c.pages) >= maxCachedPages || c.bytes+p.size() > maxCachedBytes {
		for k, old := range c.pages {
			if !now.Before(old.expires) {
				c.bytes -= old.size()
				delete(c.pages, k)
			}
		}
		if len(c.pages) >= maxCachedPages || c.bytes+p.size() > maxCachedBytes {
			clear(c.pages)
			c.bytes = 0
		}
	}
	c.pages[key] = p
	c.bytes += p.size()
}

func (p *cachedPage) size() int { return len(p.body) + len(p.gzipped) }

func (p *cachedPage) serve(w http.ResponseWriter, gz bool) {
	copyHeader(w.Header(), p.header)
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	body := p.body
	if gz && p.gzipped != nil {
		// The compression middleware passes an encoded body through.
		h.Set("Content-Encoding", "gzip")
		body = p.gzipped
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// compress gzips a page once for all the visitors who get it; nil when it
// does not get smaller.
func compress(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(body)
	if zw.Close() != nil || buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// acceptsGzip reads Accept-Encoding as browsers send it; a refusal with
// q=0 counts as not accepted.
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// pageRecorder holds an answer until it is known whether it may be cached.
type pageRecorder struct {
	request *http.Request // whose render this is
	header  http.Header
	status  int
	body    bytes.Buffer
}

func (rec *pageRecorder) Header() http.Header { return rec.header }

func (rec *pageRecorder) WriteHeader(status int) { rec.status = status }

func (rec *pageRecorder) Write(b []byte) (int, error) { return rec.body.Write(b) }

// storable: a complete 200 answer that sets no cookie, small enough, and
// varies on nothing the key misses.
func (rec *pageRecorder) storable() bool {
	if rec.status != http.StatusOK || len(rec.header.Values("Set-Cookie")) > 0 ||
		rec.header.Get("Content-Encoding") != "" || rec.body.Len() > maxCachedBody {
		return false
	}
	for _, v := range rec.header.Values("Vary") {
		for name := range strings.SplitSeq(v, ",") {
			if !slices.Contains(keyedVary, http.CanonicalHeaderKey(strings.TrimSpace(name))) {
				return false
			}
		}
	}
	return true
}

func (rec *pageRecorder) replay(w http.ResponseWriter) {
	copyHeader(w.Header(), rec.header)
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// copyHeader sets the recorded header fields on dst, adding to the Vary
// the middleware set already. Values are copied: a cached page's header is
// shared by every request it serves.
func copyHeader(dst, src http.Header) {
	for k, v := range src {
		if k == "Vary" {
			dst[k] = append(dst[k], v...)
			continue
		}
		dst[k] = slices.Clone(v)
	}
}
