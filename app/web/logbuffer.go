package web

import (
	"bufio"
	"context"
	"io"
	"sync"
	"time"
)

// LogFlushEvery is how long a log line of `memberdb serve` may wait in
// its LogBuffer.
const LogFlushEvery = 200 * time.Millisecond

// LogBuffer collects the server's log lines and writes them in batches.
// Writing each access log line as it came cost a system call per request,
// as much CPU on a small machine as compressing the page. A logger made by
// NewLogger on a LogBuffer writes warnings and errors at once, together
// with every line before them; Run writes the rest within LogFlushEvery.
// A process killed outright loses at most that much of its info lines.
type LogBuffer struct {
	mu  sync.Mutex
	out io.Writer
	w   *bufio.Writer
}

// NewLogBuffer buffers writes to w.
func NewLogBuffer(w io.Writer) *LogBuffer {
	return &LogBuffer{out: w, w: bufio.NewWriterSize(w, 32<<10)}
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.recover(b.w.Write(p))
}

// Flush writes what is buffered.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.recover(0, b.w.Flush())
	return err
}

// recover starts afresh after a failed write (a full disk, a closed
// pipe): a bufio.Writer keeps its first error for good, which would end
// the log until a restart. The lines it held are lost.
func (b *LogBuffer) recover(n int, err error) (int, error) {
	if err != nil {
		b.w.Reset(b.out)
	}
	return n, err
}

// Run flushes every LogFlushEvery until ctx ends, and once more then.
func (b *LogBuffer) Run(ctx context.Context) {
	t := time.NewTicker(LogFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = b.Flush()
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}
