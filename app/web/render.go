package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/pepalumni/memberdb/components/i18n"
	"github.com/pepalumni/memberdb/components/layout"
)

// IsFragment reports whether htmx asked for a fragment: an htmx request that
// is neither boosted nor a history restore, which need the whole page.
func IsFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" &&
		r.Header.Get("HX-Boosted") != "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true"
}

// Render answers with content inside the page shell, or with content alone
// when htmx asked for a fragment.
func (s *Site) Render(w http.ResponseWriter, r *http.Request, status int, title string, content templ.Component) {
	if IsFragment(r) {
		s.RenderFragment(w, r, status, content)
		return
	}
	s.write(w, r, status, layout.Page(s.Shell(r, title), content))
}

// RenderFragment answers with fragment alone; pending flash messages travel
// along as toasts in HX-Trigger.
func (s *Site) RenderFragment(w http.ResponseWriter, r *http.Request, status int, fragment templ.Component) {
	if flashes := s.popFlashes(r); len(flashes) > 0 {
		SetToasts(w, flashes...)
	}
	s.write(w, r, status, fragment)
}

// Shell builds the page shell for r.
func (s *Site) Shell(r *http.Request, title string) layout.Shell {
	sh := layout.Shell{
		Title:   title,
		Lang:    i18n.LangOf(r.Context()),
		Path:    returnPath(r),
		Dev:     s.Dev,
		Org:     s.Org,
		Flashes: s.popFlashes(r),
	}
	for _, hook := range s.ShellHooks {
		hook(r, &sh)
	}
	return sh
}

// returnPath is where the page's language switch brings the reader back:
// the page itself, or, for the answer to a form (a POST, whose address
// may answer no GET), the page the form was on; without a Referer (pages
// that send none) the form's own address if it answers GET, else home.
func returnPath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if u, err := url.Parse(r.Referer()); err == nil && r.Referer() != "" && u.Host == r.Host {
		return u.RequestURI()
	}
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.Routes != nil && rc.Routes.Match(chi.NewRouteContext(), http.MethodGet, r.URL.Path) {
		return r.URL.RequestURI()
	}
	return "/"
}

// write renders into a buffer first so a template error never sends half a
// page, and varies on HX-Request because the same URL answers both ways.
func (s *Site) write(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	if err := s.tryWrite(w, r, status, c); err != nil {
		s.ServerError(w, r, err)
	}
}

// tryWrite renders c and sends it, or reports why it could not render; it
// sends nothing then. A client that has gone gets nothing at all.
func (s *Site) tryWrite(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	if err := r.Context().Err(); err != nil {
		return err
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	h := w.Header()
	h.Add("Vary", "HX-Request")
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}

// renderBuffers keeps the buffers pages are rendered into: a page grown
// afresh each time reallocates its buffer a dozen times on the way.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putRenderBuffer returns buf to the pool unless an exceptional page (a
// long participants list) made it too large to keep around.
func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 256<<10 {
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

// SetToasts adds toasts to an htmx response through HX-Trigger.
func SetToasts(w http.ResponseWriter, toasts ...layout.Flash) {
	AddTrigger(w, "showToast", map[string]any{"items": toastItems(toasts)})
}

// AddTrigger adds an event for htmx to fire on the page (HX-Trigger),
// keeping those already set: a response may carry toasts and an update of
// the navigation's counts together.
func AddTrigger(w http.ResponseWriter, name string, detail any) {
	triggers := map[string]any{}
	if cur := w.Header().Get("HX-Trigger"); cur != "" {
		_ = json.Unmarshal([]byte(cur), &triggers)
	}
	triggers[name] = detail
	payload, _ := json.Marshal(triggers)
	w.Header().Set("HX-Trigger", asciiJSON(payload))
}

// asciiJSON escapes every non-ASCII rune as \uXXXX: browsers read header
// values as Latin-1, so "Jürgen" sent raw would arrive as "JÃ¼rgen".
// Non-ASCII can only occur inside JSON strings, where the escape is valid.
func asciiJSON(b []byte) string {
	var sb strings.Builder
	for _, r := range string(b) {
		if r < 0x80 {
			sb.WriteRune(r)
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&sb, `\u%04x`, u)
		}
	}
	return sb.String()
}

func toastItems(fs []layout.Flash) []map[string]string {
	out := make([]map[string]string, len(fs))
	for i, f := range fs {
		out[i] = map[string]string{"kind": f.Kind, "text": f.Text}
	}
	return out
}

// JSON writes v as a JSON response.
func JSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Redirect sends the browser to url after a POST: 303, or for htmx an
// HX-Redirect, which makes htmx load the page as a whole (a 303 would be
// followed by the XMLHttpRequest and its page swapped into the target).
func Redirect(w http.ResponseWriter, r *http.Request, url string) {
	if IsFragment(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}
