// Package assets embeds the vendored front-end libraries and the app's own
// CSS and JS, and names them by a content hash so browsers may cache them
// forever.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed css img js vendor
var files embed.FS

// Version is a hash over every embedded file; it changes when any does.
var Version = hashAll()

func hashAll() string {
	h := sha256.New()
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := files.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Path is the URL of an embedded file, e.g. Path("css/app.css"). Relative
// URLs inside CSS (KaTeX's fonts) resolve under the same versioned prefix.
func Path(name string) string { return "/assets/" + Version + "/" + name }

// Handler serves /assets/{version}/… . Only the current version is cached
// for a year; an old page asking for an old version gets today's file. A
// file it does not have is notFound's to answer (the site's page, in the
// reader's language).
func Handler(notFound http.HandlerFunc) http.Handler {
	server := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/assets/")
		version, name, ok := strings.Cut(rest, "/")
		if !ok || name == "" || strings.HasSuffix(name, "/") {
			notFound(w, r)
			return
		}
		if info, err := fs.Stat(files, name); err != nil || info.IsDir() {
			notFound(w, r)
			return
		}
		if version == Version {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		server.ServeHTTP(w, r2)
	})
}
