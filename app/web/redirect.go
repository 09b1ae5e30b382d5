package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// LocalPath returns p when a browser sent there stays on this site, else
// fallback. Every redirect target taken from a request (login's next, the
// language switcher's return) goes through it.
//
// p is judged as the browser will read it after http.Redirect has cleaned
// it: "/./\evil.example" is cleaned to "/\evil.example", which browsers
// read as "//evil.example". So a backslash anywhere, a control character
// (browsers drop tabs and line breaks from URLs), a scheme, a host, or a
// path that is not absolute, raw or decoded, sends the user to fallback.
func LocalPath(p, fallback string) string {
	if p == "" || len(p) > 2000 || p[0] != '/' || badText(p) || strings.ContainsAny(p, "\\\t\r\n ") {
		return fallback
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	decoded := u.Path
	if !strings.HasPrefix(decoded, "/") || strings.Contains(decoded, "//") ||
		strings.HasPrefix(path.Clean(decoded), "//") || badText(decoded) ||
		strings.ContainsAny(decoded, "\\\t\r\n") {
		return fallback
	}
	return p
}

// AddSlash redirects a GET of a page's path without its last slash to the
// page, and DropSlash one with a slash too many: links typed by hand or
// cut by a mail client still arrive. Only the path is kept; it is one
// that a route matched, so it stays on this site.
func AddSlash(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, LocalPath(r.URL.EscapedPath()+"/", "/"), http.StatusMovedPermanently)
}

// DropSlash: see AddSlash.
func DropSlash(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, LocalPath(strings.TrimSuffix(r.URL.EscapedPath(), "/"), "/"), http.StatusMovedPermanently)
}
