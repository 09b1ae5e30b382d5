package web

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"
)

// Compress gzips answers of the given content types for clients that
// accept it, at the fastest level. Its gzip is klauspost/compress's (a
// module memberdb already had through the Prometheus client): on the pages
// rendered for every request it takes about half the CPU of the standard
// library's, which had been a third of the event list's cost without the
// page cache.
func Compress(types ...string) func(http.Handler) http.Handler {
	c := middleware.NewCompressor(gzip.BestSpeed, types...)
	c.SetEncoder("gzip", func(w io.Writer, level int) io.Writer {
		gw, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil
		}
		return gw
	})
	return c.Handler
}
