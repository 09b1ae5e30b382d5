package site

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// LogoPattern is the route of the logo; its address changes with its
// content (LogoPath).
const LogoPattern = "/site/logo/{file}"

// svgPolicy lets an SVG opened on its own draw and nothing else: no
// script, no outside resource, no form, in a sandbox. The sanitiser has
// removed all that already; this holds should it ever miss something.
const svgPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// ServeLogo answers GET LogoPattern: the current logo, which browsers may
// keep for good, as its address names its content. An old address is 404.
func (s *Store) ServeLogo(w http.ResponseWriter, r *http.Request) {
	st, err := s.Current(r.Context())
	if err != nil {
		if r.Context().Err() == nil {
			s.logger.Warn("logo: settings unavailable", "err", err)
		}
		http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if st.Logo == nil || chi.URLParam(r, "file") != st.LogoHash+extensions[st.LogoType] {
		http.Error(w, "404 Not Found", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", st.LogoType)
	h.Set("Content-Length", strconv.Itoa(len(st.Logo)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	if st.LogoType == "image/svg+xml" {
		h.Set("Content-Security-Policy", svgPolicy)
	}
	_, _ = w.Write(st.Logo)
}
