package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CPU is the processor time used so far by memberdb (the server and any
// extra mail workers), by PostgreSQL (the postmaster and every backend,
// also those that have exited) and by this process: the load generator,
// the SMTP sink and the direct-SQL client. Per registration it says whose
// cost a run's rate is made of.
type CPU struct {
	Memberdb, Postgres, Bench time.Duration
}

// clockTick is the unit of /proc/<pid>/stat's times (USER_HZ, 100 on
// Linux).
const clockTick = 10 * time.Millisecond

// readCPU reads the times of the processes the run involves; on a system
// without /proc every time is zero and the table leaves the columns out.
func (b *Bench) readCPU(ctx context.Context) CPU {
	return b.readCPUOf(ctx, append([]*Process{b.Env.Server}, b.Env.Workers...))
}

// readCPUOf is readCPU with servers as memberdb: a run against a second
// instance counts that instance.
func (b *Bench) readCPUOf(ctx context.Context, servers []*Process) CPU {
	var c CPU
	c.Bench = procTime("self", false)
	for _, s := range servers {
		c.Memberdb += procTime(strconv.Itoa(s.Pid), false)
	}
	postmaster := b.postmasterPID(ctx)
	if postmaster == "" {
		return c
	}
	// Exited backends are counted in the postmaster's children's times.
	c.Postgres = procTime(postmaster, true)
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if f := statFields(e.Name()); len(f) > 14 && f[1] == postmaster {
			c.Postgres += ticks(f[11]) + ticks(f[12])
		}
	}
	return c
}

// postmasterPID is the first line of the cluster's postmaster.pid.
func (b *Bench) postmasterPID(ctx context.Context) string {
	var dir string
	if err := b.Env.AppDB.QueryRow(ctx, "SHOW data_directory "+benchMark).Scan(&dir); err != nil {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return ""
	}
	pid, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(pid)
}

// procTime is the user and system time of process pid, with its reaped
// children's when children is set.
func procTime(pid string, children bool) time.Duration {
	f := statFields(pid)
	if len(f) < 15 {
		return 0
	}
	t := ticks(f[11]) + ticks(f[12])
	if children {
		t += ticks(f[13]) + ticks(f[14])
	}
	return t
}

// statFields are the fields of /proc/<pid>/stat after the command's name
// (which may hold spaces): state, ppid, … utime is the 12th.
func statFields(pid string) []string {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

func ticks(s string) time.Duration {
	n, _ := strconv.ParseInt(s, 10, 64)
	return time.Duration(n) * clockTick
}

// sub is the time used between before and c.
func (c CPU) sub(before CPU) CPU {
	return CPU{Memberdb: c.Memberdb - before.Memberdb, Postgres: c.Postgres - before.Postgres, Bench: c.Bench - before.Bench}
}

// per is the time per one of n.
func per(d time.Duration, n int64) float64 {
	return float64(d) / float64(time.Millisecond) / float64(n)
}

// RequestCost is what one request of a reading run cost in CPU, in
// microseconds, so a rate that misses its goal says whose time it is.
type RequestCost struct {
	What                      string
	Clients                   int
	Memberdb, Postgres, Bench float64
}

// requestCost starts measuring the CPU of a run against server; the
// function it returns records the cost of each of the run's requests.
func (b *Bench) requestCost(ctx context.Context, server *Process) func(what string, res Result) {
	before := b.readCPUOf(ctx, []*Process{server})
	return func(what string, res Result) {
		used := b.readCPUOf(ctx, []*Process{server}).sub(before)
		n := int64(len(res.Steps["GET"]) + res.Errors["GET"])
		if n == 0 || used == (CPU{}) {
			return
		}
		us := func(d time.Duration) float64 { return 1000 * per(d, n) }
		b.RequestCosts = append(b.RequestCosts, RequestCost{What: what, Clients: res.Clients,
			Memberdb: us(used.Memberdb), Postgres: us(used.Postgres), Bench: us(used.Bench)})
	}
}
