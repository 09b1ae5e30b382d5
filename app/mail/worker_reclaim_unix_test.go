//go:build linux

package mail

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/pepalumni/memberdb/app/apptest/wait"
)

// A process killed but not yet reaped (a zombie, as right after kill -9
// when the new worker starts at once) is not running: its claims can be
// taken back.
func TestZombieIsNotRunning(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if !processRunning(pid) {
		t.Fatal("a sleeping child is not running")
	}
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	// Not waited for: the child stays a zombie until Wait below.
	wait.Until(t, 10*time.Second, "the killed child to become a zombie", func() bool { return zombie(pid) })
	if processRunning(pid) {
		t.Error("a zombie counts as running")
	}
	_ = cmd.Wait()
	if processRunning(pid) {
		t.Error("a reaped process counts as running")
	}
}
