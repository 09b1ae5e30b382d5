//go:build unix

package mail

import (
	"errors"
	"syscall"
)

// processRunning reports whether a process with id pid exists on this
// host. Signal 0 only checks; EPERM means it exists under another user.
// When in doubt it answers yes: a claim kept too long waits for
// ClaimTimeout, one taken back too early is sent twice.
func processRunning(pid int) bool {
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}
