package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Machine describes where the numbers were measured.
type Machine struct {
	CPUs     int
	CPUModel string
	MemoryMB int64
	Kernel   string
	Go       string
	Postgres string
}

func (m Machine) String() string {
	return fmt.Sprintf("%d CPUs (%s), %.1f GB RAM, Linux %s, %s, PostgreSQL %s",
		m.CPUs, m.CPUModel, float64(m.MemoryMB)/1024, m.Kernel, m.Go, m.Postgres)
}

// ReadMachine reads /proc; fields it cannot read stay empty.
func ReadMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), CPUModel: "unknown"}
	if v, ok := procField("/proc/cpuinfo", "model name"); ok {
		m.CPUModel = v
	}
	if v, ok := procField("/proc/meminfo", "MemTotal"); ok {
		m.MemoryMB = parseKB(v) / 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// parseKB reads "12345 kB" as 12345.
func parseKB(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	return n
}

// Memory is a process's resident set in MB: now and its peak.
type Memory struct{ RSS, Peak float64 }

// ReadMemory reads VmRSS and VmHWM of pid.
func ReadMemory(pid int) (Memory, error) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	rss, ok1 := procField(path, "VmRSS")
	hwm, ok2 := procField(path, "VmHWM")
	if !ok1 || !ok2 {
		return Memory{}, fmt.Errorf("cannot read the memory of process %d from %s", pid, path)
	}
	return Memory{RSS: float64(parseKB(rss)) / 1024, Peak: float64(parseKB(hwm)) / 1024}, nil
}
