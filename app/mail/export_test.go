package mail

// ClaimedBy is the claimed_by value a worker of the given process writes.
func ClaimedBy(host string, pid int, nonce string) string {
	return claimer{host: host, pid: pid, nonce: nonce}.String()
}

// ThisProcess is the claimer of the workers of the test process.
func ThisProcess() (host string, pid int, nonce string) {
	c := thisProcess()
	return c.host, c.pid, c.nonce
}

// ClaimerLockSpace is the first key of the workers' liveness locks.
const ClaimerLockSpace = claimerLockSpace
