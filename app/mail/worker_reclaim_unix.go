//go:build unix

package mail

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// processRunning reports whether a process with id pid exists on this
// host. Signal 0 only checks; EPERM means it exists under another user. A
// zombie (killed, not yet reaped by its parent, as right after a kill -9
// when the new process starts at once) is not running. When in doubt it
// answers yes: a claim kept too long waits for ClaimTimeout, one taken
// back too early is sent twice.
func processRunning(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	return !zombie(pid)
}

// zombie reads the process state from Linux's /proc; elsewhere it knows
// nothing and says no.
func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and
	// may itself contain ") ".
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}
