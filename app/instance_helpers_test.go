package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest"
)

// The tests of several instances run memberdb as the operator does: built
// binaries, started as processes on one database, one of them killed.

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// memberdbBinary builds memberdb once per test run.
func memberdbBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "memberdb-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "memberdb")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// instance is one running memberdb process: `memberdb serve` unless
// started with other arguments (startCommand).
type instance struct {
	URL  string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

// startInstance runs memberdb serve with env (and a listen address of its
// own) until t ends.
func startInstance(t *testing.T, env map[string]string) *instance {
	t.Helper()
	return startCommand(t, env, "serve")
}

// startCommand runs memberdb with args and env (and a listen address of
// its own) until t ends.
func startCommand(t *testing.T, env map[string]string, args ...string) *instance {
	t.Helper()
	addr := freeAddr(t)
	vars := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LISTEN_ADDR=" + addr}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	in := &instance{URL: "http://" + addr, logs: &syncBuffer{}, done: make(chan struct{})}
	bin, dir := memberdbBinary(t), t.TempDir()
	started := make(chan error, 1)
	// The child gets SIGKILL if the test process dies; Pdeathsig follows
	// the thread that started it, which stays locked until the child ends.
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, vars, in.logs, in.logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		in.cmd = cmd
		started <- nil
		_ = cmd.Wait()
		close(in.done)
	}()
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.stop()
		if t.Failed() {
			t.Logf("log of the instance at %s:\n%s", in.URL, in.logs.String())
		}
	})
	return in
}

func (in *instance) stop() {
	select {
	case <-in.done:
		return
	default:
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(30 * time.Second):
		in.kill()
	}
}

// kill ends the instance as a crash does: no shutdown, claims left behind.
func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	<-in.done
}

// waitReady waits until /readyz answers 200.
func (in *instance) waitReady(t *testing.T, timeout time.Duration) {
	t.Helper()
	apptest.Eventually(t, timeout, in.URL+"/readyz to answer 200", func() bool {
		select {
		case <-in.done:
			t.Fatalf("the instance at %s exited:\n%s", in.URL, in.logs.String())
		default:
		}
		resp, err := http.Get(in.URL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// jsonLines parses the instance's log, failing t on a line that is not a
// JSON object.
func (in *instance) jsonLines(t *testing.T) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(in.logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		lines = append(lines, rec)
	}
	return lines
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is a log written by a child process and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ctxTimeout is a context for a test's own database work.
func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
