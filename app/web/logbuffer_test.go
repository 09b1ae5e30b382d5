package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest/wait"
	"github.com/pepalumni/memberdb/app/web"
)

// Info lines wait for the next flush; a warning is written at once with
// every line before it, in order; the lines left are written when Run
// ends.
func TestLogBufferWritesWarningsAtOnceAndTheRestSoon(t *testing.T) {
	// A file, which the buffer may write while the test reads it.
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := logFile(f.Name())
	buf := web.NewLogBuffer(f)
	logger := web.NewLogger(buf, "text")

	logger.Info("first request")
	logger.Info("second request")
	if out.String() != "" {
		t.Fatalf("info lines were written at once: %q", out.String())
	}
	logger.Warn("mail server unreachable")
	got := out.String()
	first, second, warn := strings.Index(got, "first request"), strings.Index(got, "second request"), strings.Index(got, "mail server unreachable")
	if first < 0 || second < first || warn < second {
		t.Fatalf("a warning did not write itself and the lines before it, in order:\n%s", got)
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { buf.Run(ctx); close(done) }()
	logger.Info("third request")
	wait.Until(t, 10*web.LogFlushEvery, "the info line written by Run", func() bool {
		return strings.Contains(out.String(), "third request")
	})
	// Written by a tick or by the end of Run: there once Run has ended.
	logger.Info("last request")
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end with its context")
	}
	if !strings.Contains(out.String(), "last request") {
		t.Fatalf("the line logged before Run ended is missing:\n%s", out.String())
	}
}

// logFile reads the log written so far.
type logFile string

func (l logFile) String() string {
	b, _ := os.ReadFile(string(l))
	return string(b)
}

// failingOnce fails its first write, as a full disk would.
type failingOnce struct {
	failed bool
	lines  strings.Builder
}

func (f *failingOnce) Write(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, os.ErrClosed
	}
	return f.lines.Write(p)
}

// A write that failed once does not end the log.
func TestLogBufferLogsAgainAfterAFailedWrite(t *testing.T) {
	out := &failingOnce{}
	buf := web.NewLogBuffer(out)
	logger := web.NewLogger(buf, "text")
	logger.Warn("lost with the failed write")
	logger.Warn("written after it")
	if !strings.Contains(out.lines.String(), "written after it") {
		t.Fatalf("the log stayed broken after one failed write: %q", out.lines.String())
	}
}
