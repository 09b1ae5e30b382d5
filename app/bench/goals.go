package main

import (
	"cmp"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
)

// issue22Goals are the goals of issue 22 as it numbers them; the report
// prints each with what this run measured for it.
var issue22Goals = map[int]string{
	1: "registrations ≥ 60 % of the direct-SQL limit, both shapes, 16 and 64 clients",
	2: "p99 of registration POST and confirmation POST < 50 ms at 64 clients, spread over 20 events",
	3: "without page cache /events/ > 5,000 req/s and toolbox form > 3,000; cached /events/ ≥ 60 % of the HTTP floor",
	4: "person search p99 < 30 ms at 16 clients, at 50,000 and 500,000 persons",
	5: "5,000 registrations: participants page p50 < 150 ms; CSV and JSON p50 < 400 ms, streamed, RSS growth < 20 MB",
}

// writeGoals prints issue 22's goals as a table, each measurement on a
// line of its own, then the goals of earlier issues.
func writeGoals(w io.Writer, goals []Goal) {
	if len(goals) == 0 {
		return
	}
	numbered := slices.SortedStableFunc(slices.Values(goals), func(a, b Goal) int { return cmp.Compare(a.Number, b.Number) })
	var earlier []Goal
	fmt.Fprintln(w, "\nGoals of issue 22 (measured in this run):")
	fmt.Fprintln(w, "\n| goal | what | measured | |")
	fmt.Fprintln(w, "|--:|---|---|---|")
	for _, g := range numbered {
		if g.Number == 0 {
			earlier = append(earlier, g)
			continue
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s |\n", g.Number, g.Text, g.Measured, mark(g.Met))
	}
	for n := 1; n <= len(issue22Goals); n++ {
		if !slices.ContainsFunc(goals, func(g Goal) bool { return g.Number == n }) {
			fmt.Fprintf(w, "| %d | %s | not measured in this run | – |\n", n, issue22Goals[n])
		}
	}
	if len(earlier) > 0 {
		fmt.Fprintln(w, "\nGoals of earlier issues:")
		fmt.Fprintln(w)
		for _, g := range earlier {
			fmt.Fprintf(w, "- %s: %s (%s)\n", g.Text, g.Measured, mark(g.Met))
		}
	}
}

func mark(met bool) string {
	if met {
		return "met"
	}
	return "missed"
}

// writeCosts prints what one registration costs the database.
func writeCosts(w io.Writer, costs []Cost) {
	if len(costs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nWhat one registration (register + confirm, mails sent) costs: statements "+
		"(pg_stat_statements, without BEGIN/COMMIT), write transactions (each a commit waiting for the WAL flush), "+
		"and milliseconds of CPU of memberdb (with its mail worker), of PostgreSQL (every backend) and of the load generator "+
		"(this process: HTTP clients, SMTP sink, direct-SQL client). The machine has "+strconv.Itoa(runtime.NumCPU())+
		" CPUs, so a rate of r registrations/s can cost at most "+strconv.Itoa(runtime.NumCPU())+"000/r ms in all:")
	fmt.Fprintln(w, "\n| run | clients | statements | write transactions | CPU memberdb | CPU PostgreSQL | CPU load generator | CPU in all |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, c := range costs {
		fmt.Fprintf(w, "| %s | %d | %.1f | %.2f | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n", c.What, c.Clients, c.Statements, c.WriteTxs,
			c.Memberdb, c.Postgres, c.Bench, c.Memberdb+c.Postgres+c.Bench)
	}
}

// writeRequestCosts prints the CPU of one request of each reading run,
// and the rate those costs alone allow on this machine's CPUs.
func writeRequestCosts(w io.Writer, costs []RequestCost) {
	if len(costs) == 0 {
		return
	}
	cpus := runtime.NumCPU()
	fmt.Fprintln(w, "\nWhat one request costs: microseconds of CPU of memberdb, of PostgreSQL (every backend) and of the load generator "+
		"(this process's HTTP clients, reading the answers as they came, compressed). Requests/s at most is what "+strconv.Itoa(cpus)+
		" CPUs allow at these costs; it is the ceiling of the rate measured:")
	fmt.Fprintln(w, "\n| run | clients | CPU memberdb | CPU PostgreSQL | CPU load generator | CPU in all | requests/s at most | without the load generator |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, c := range costs {
		all := c.Memberdb + c.Postgres + c.Bench
		fmt.Fprintf(w, "| %s | %d | %.0f µs | %.0f µs | %.0f µs | %.0f µs | %s | %s |\n", c.What, c.Clients,
			c.Memberdb, c.Postgres, c.Bench, all, formatRate(float64(cpus)*1e6/all), formatRate(float64(cpus)*1e6/(c.Memberdb+c.Postgres)))
	}
}
