package web

import (
	"context"
	"io"
	"log/slog"

	"github.com/go-chi/chi/v5/middleware"
)

// NewLogger returns memberdb's logger writing to w in format: "json" for
// slog's JSON handler (one object a line, for log collectors), anything
// else for its text handler. Every line logged with a request's context
// carries the request's id, so all lines of one request can be found.
// On a LogBuffer, warnings and errors are written at once.
func NewLogger(w io.Writer, format string) *slog.Logger {
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, nil)
	} else {
		h = slog.NewTextHandler(w, nil)
	}
	buf, _ := w.(*LogBuffer)
	return slog.New(requestIDHandler{h, buf})
}

// requestIDHandler adds the request id of a record's context, unless the
// record names it already (the access log does), and flushes buf (when
// logging to one) after a warning or an error.
type requestIDHandler struct {
	slog.Handler
	buf *LogBuffer
}

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := middleware.GetReqID(ctx); id != "" && !hasAttr(r, "request_id") {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	err := h.Handler.Handle(ctx, r)
	if h.buf != nil && r.Level >= slog.LevelWarn {
		if ferr := h.buf.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs), h.buf}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name), h.buf}
}

func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
