package web

import (
	"bufio"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzip"
)

// Compress gzips answers of the given content types for clients that
// accept it. Its gzip is klauspost/compress's (a module memberdb already
// had through the Prometheus client): on the pages rendered for every
// request it takes about half the CPU of the standard library's, which had
// been a third of the event list's cost without the page cache.
func Compress(types ...string) func(http.Handler) http.Handler {
	// The level is the one chi's own deflate encoder (for clients that
	// ask for deflate only) uses; gzip's encoder below has its own.
	c := middleware.NewCompressor(gzip.BestSpeed, types...)
	c.SetEncoder("gzip", func(w io.Writer, _ int) io.Writer {
		return newBufferedGzip(w)
	})
	return c.Handler
}

// gzipBlock is how much of an answer is compressed at once.
const gzipBlock = 32 << 10

// bufferedGzip compresses an answer in blocks of up to gzipBlock with
// klauspost's stateless level. A page is rendered into a buffer and
// written at once, so it is compressed in one go; the stateless encoder
// keeps no hash table between answers, which on a busy machine had cost
// more than the compression itself (the table falls out of the CPU's
// cache between requests): a quarter less CPU for the same size. The
// buffer keeps streamed answers (the CSV export writes row by row) from
// being compressed in tiny blocks.
type bufferedGzip struct {
	buf *bufio.Writer
	gz  *gzip.Writer
}

func newBufferedGzip(w io.Writer) *bufferedGzip {
	gz, _ := gzip.NewWriterLevel(w, gzip.StatelessCompression)
	return &bufferedGzip{buf: bufio.NewWriterSize(gz, gzipBlock), gz: gz}
}

func (b *bufferedGzip) Write(p []byte) (int, error) { return b.buf.Write(p) }

// Flush sends what was written so far, for answers that stream.
func (b *bufferedGzip) Flush() error {
	if err := b.buf.Flush(); err != nil {
		return err
	}
	return b.gz.Flush()
}

func (b *bufferedGzip) Close() error {
	if err := b.buf.Flush(); err != nil {
		return err
	}
	return b.gz.Close()
}

// Reset readies a pooled encoder for the next answer.
func (b *bufferedGzip) Reset(w io.Writer) {
	b.gz.Reset(w)
	b.buf.Reset(b.gz)
}
